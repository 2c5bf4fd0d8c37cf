// The hot calls' part of the command line's table (table.ts has it all): the
// flags' and commands' shapes, the global flags, and the five commands whose
// calls run from a bundle of their own (hot/, scripts/hot-bundles.ts). Those
// bundles parse with this part alone, not with every command's flags: the
// rest of the table is ~0.1 ms a call to evaluate (docs/performance.md, "Issue
// 23, round 7: the hot calls' shell"); any other command word is given back to
// cli.ts, which parses with the whole table. Data only.

export interface Flag {
  type: "string" | "boolean";
  /** One-letter alias (-b for --bundle). */
  alias?: string;
  description: string;
  default?: string;
  /** Repeatable: every value is kept, in order (runc's StringSlice flags). */
  multiple?: true;
  /** Taken but left out of --help: runc's hidden flags (which it warns about and ignores), and flags taken only to be refused by name. */
  hidden?: true;
  /** The values a string flag takes: parse.ts refuses any other ("--format: expected table or json, got …"). */
  choices?: readonly string[];
}

export interface Positional {
  name: string;
  description: string;
}

export interface CommandSpec {
  description: string;
  /**
   * Positional arguments. A command whose first one is `id` requires it, and
   * takes no more positionals than it lists — unless `rest` is set.
   */
  args: readonly Positional[];
  /** Any number of positionals after the id (exec's command line, ps's options). */
  rest?: true;
  /** What follows the id is taken as it is, never as flags (exec's command line, ps's options; kill's signal, which may be `-9`, as runc takes it). */
  verbatim?: true;
  flags: Readonly<Record<string, Flag>>;
}

/** runc's commands lxcri does not implement: refused by name, with the reason. */
export const REFUSED_COMMANDS: Readonly<Record<string, string>> = {};

export const ID: Positional = { name: "id", description: "container id" };

export const GLOBAL_FLAGS = {
  root: { type: "string", description: "state directory (default: /run/lxcri; rootless $XDG_RUNTIME_DIR/lxcri)" },
  log: { type: "string", description: "log file (default: stderr)" },
  "log-format": { type: "string", description: "log format: text or json", default: "text", choices: ["text", "json"] },
  debug: { type: "boolean", description: "debug logging (also liblxc's log level)" },
  "hook-timeout": { type: "string", description: "seconds for hooks without a timeout (default: $OCI_HOOK_TIMEOUT or 60)" },
  "systemd-cgroup": { type: "boolean", description: "cgroupsPath is slice:prefix:name (mapped to systemd's cgroupfs path)" },
  rootless: { type: "string", description: "rootless mode: true, false or auto (auto: not root on the host)", default: "auto" },
  criu: { type: "string", description: "criu for checkpoint and restore (default: criu on PATH)" },
  "cgroup-manager": { type: "string", description: "crun's form: cgroupfs, or systemd (as --systemd-cgroup); disabled is refused" },
} as const satisfies Record<string, Flag>;

/** The commands whose calls run from a bundle of their own (src/cli/route.ts HOT): the first five of the table. */
export const HOT_COMMANDS = {
  create: {
    description: "create a container from a bundle (its process waits for start)",
    args: [ID],
    flags: {
      bundle: { type: "string", alias: "b", description: "bundle directory", default: "." },
      "pid-file": { type: "string", description: "file to write the pid the caller waits for" },
      "console-socket": { type: "string", description: "AF_UNIX socket that gets the pty master (process.terminal)" },
      "pidfd-socket": { type: "string", description: "AF_UNIX socket that gets a pidfd of the container's init (SCM_RIGHTS)" },
      "preserve-fds": { type: "string", description: "pass N more fds (3…3+N-1, after $LISTEN_FDS) to the container process" },
      "no-pivot": { type: "boolean", description: "accepted: liblxc pivots, or moves and chroots when / is a ramfs" },
      "no-new-keyring": { type: "boolean", description: "keep the caller's session keyring (no new one for the container)" },
    },
  },
  start: { description: "run the process of a created container", args: [ID], flags: {} },
  state: { description: "print the state of a container as JSON", args: [ID], flags: {} },
  kill: {
    description: "send a signal (default SIGTERM) to a container's process",
    args: [ID, { name: "signal", description: "signal: 0-64 (0: only whether init lives), TERM, SIGTERM, RTMIN+n or RTMAX-n" }],
    verbatim: true,
    flags: { all: { type: "boolean", alias: "a", description: "signal every process in the container's cgroups" } },
  },
  delete: {
    description: "delete a container (--force: even when running; a missing id is not an error)",
    args: [ID],
    flags: { force: { type: "boolean", alias: "f", description: "kill it first if it runs" } },
  },
} as const satisfies Record<string, CommandSpec>;
