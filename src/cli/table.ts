// The command line, declared once: every command, its positional arguments
// and flags (type, short alias, description, default), and the global flags.
// The parser (parse.ts), the usage text (usage.ts, rendered by citty) and the
// commands' typed flags (commands/*.ts) all come from this table. Data only:
// every call loads it.

export interface Flag {
  type: "string" | "boolean";
  /** One-letter alias (-b for --bundle). */
  alias?: string;
  description: string;
  default?: string;
  /** Repeatable: every value is kept, in order (runc's StringSlice flags). */
  multiple?: true;
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
  /** Everything after the id belongs to something else (exec's command line, ps's options): not parsed. */
  rest?: true;
  flags: Readonly<Record<string, Flag>>;
}

const ID: Positional = { name: "id", description: "container id" };

export const GLOBAL_FLAGS = {
  root: { type: "string", description: "state directory (default: /run/lxcri; rootless $XDG_RUNTIME_DIR/lxcri)" },
  log: { type: "string", description: "log file (default: stderr)" },
  "log-format": { type: "string", description: "log format: text or json", default: "text" },
  debug: { type: "boolean", description: "debug logging (also liblxc's log level)" },
  "hook-timeout": { type: "string", description: "seconds for hooks without a timeout (default: $OCI_HOOK_TIMEOUT or 60)" },
  "systemd-cgroup": { type: "boolean", description: "cgroupsPath is slice:prefix:name (mapped to systemd's cgroupfs path)" },
  rootless: { type: "string", description: "rootless mode: true, false or auto (auto: not root on the host)", default: "auto" },
} as const satisfies Record<string, Flag>;

/** update's single-value flags: the flag, and where its value goes in linux.resources. */
export const RESOURCE_FLAGS = {
  memory: ["memory", "limit", "number"],
  "memory-swap": ["memory", "swap", "number"],
  "memory-reservation": ["memory", "reservation", "number"],
  "kernel-memory": ["memory", "kernel", "number"],
  "kernel-memory-tcp": ["memory", "kernelTCP", "number"],
  "cpu-shares": ["cpu", "shares", "number"],
  "cpu-period": ["cpu", "period", "number"],
  "cpu-quota": ["cpu", "quota", "number"],
  "cpu-rt-period": ["cpu", "realtimePeriod", "number"],
  "cpu-rt-runtime": ["cpu", "realtimeRuntime", "number"],
  "cpuset-cpus": ["cpu", "cpus", "string"],
  "cpuset-mems": ["cpu", "mems", "string"],
  "pids-limit": ["pids", "limit", "number"],
  "blkio-weight": ["blockIO", "weight", "number"],
} as const satisfies Record<string, readonly [string, string, "number" | "string"]>;

const resourceFlags = Object.fromEntries(
  Object.entries(RESOURCE_FLAGS).map(([flag, [group, field]]) => [
    flag,
    { type: "string", description: `linux.resources.${group}.${field}` } as const,
  ]),
) as { [K in keyof typeof RESOURCE_FLAGS]: { type: "string"; description: string } };

const format = { type: "string", alias: "f", description: "table or json", default: "table" } as const;

export const COMMANDS = {
  create: {
    description: "create a container from a bundle (its process waits for start)",
    args: [ID],
    flags: {
      bundle: { type: "string", alias: "b", description: "bundle directory", default: "." },
      "pid-file": { type: "string", description: "file to write the pid the caller waits for" },
      "console-socket": { type: "string", description: "AF_UNIX socket that gets the pty master (process.terminal)" },
      "preserve-fds": { type: "string", description: "pass N more fds (3…3+N-1) to the container process" },
      "no-pivot": { type: "boolean", description: "accepted for compatibility (liblxc always pivots)" },
      "no-new-keyring": { type: "boolean", description: "accepted for compatibility" },
    },
  },
  start: { description: "run the process of a created container", args: [ID], flags: {} },
  state: { description: "print the state of a container as JSON", args: [ID], flags: {} },
  kill: {
    description: "send a signal (default SIGTERM) to a container's process",
    args: [ID, { name: "signal", description: "signal: 1-64, TERM, SIGTERM, RTMIN+n or RTMAX-n" }],
    flags: { all: { type: "boolean", alias: "a", description: "signal every process in the container's cgroups" } },
  },
  delete: {
    description: "delete a container (--force: even when running; a missing id is not an error)",
    args: [ID],
    flags: { force: { type: "boolean", alias: "f", description: "kill it first if it runs" } },
  },
  exec: {
    description: "run a process in a running container",
    args: [ID, { name: "command", description: "the command line to run (without --process)" }],
    rest: true,
    flags: {
      process: { type: "string", alias: "p", description: "process.json: the whole process (runtime-spec `process`)" },
      detach: { type: "boolean", alias: "d", description: "return once the process runs" },
      "pid-file": { type: "string", description: "file to write the process's pid" },
      tty: { type: "boolean", alias: "t", description: "give the process a pseudo-terminal" },
      "console-socket": { type: "string", description: "AF_UNIX socket to send the pty master to" },
      env: { type: "string", alias: "e", description: "NAME=value to add (repeatable)", multiple: true },
      cwd: { type: "string", description: "working directory in the container" },
      user: { type: "string", alias: "u", description: "uid[:gid]" },
      "additional-gids": { type: "string", alias: "g", description: "extra group id (repeatable)", multiple: true },
      cap: { type: "string", alias: "c", description: "capability to add (repeatable)", multiple: true },
      "no-new-privs": { type: "boolean", description: "set no_new_privs" },
      apparmor: { type: "string", description: "AppArmor profile for the process (default: the container's)" },
      "process-label": { type: "string", description: "SELinux label (not supported)" },
      "preserve-fds": { type: "string", description: "pass N more fds (3…3+N-1) to the process" },
      "ignore-paused": { type: "boolean", description: "exec even into a paused container" },
    },
  },
  pause: { description: "freeze every process of a running container", args: [ID], flags: {} },
  resume: { description: "thaw a paused container", args: [ID], flags: {} },
  ps: {
    description: "list the processes of a container (ps options after the id; default -ef)",
    args: [ID, { name: "ps-options", description: "options for ps(1) in table format" }],
    rest: true,
    flags: { format },
  },
  update: {
    description: "change the cgroup limits of a container",
    args: [ID],
    flags: { resources: { type: "string", alias: "r", description: "LinuxResources JSON file, or - for stdin" }, ...resourceFlags },
  },
  events: {
    description: "print container statistics (cpu, memory, pids) as JSON",
    args: [ID],
    flags: {
      stats: { type: "boolean", description: "print the statistics once and exit" },
      interval: { type: "string", description: "time between statistics (default 5s)", default: "5s" },
    },
  },
  run: {
    description: "create, start, wait and delete; exits with the container's status",
    args: [ID],
    flags: {
      bundle: { type: "string", alias: "b", description: "bundle directory", default: "." },
      "pid-file": { type: "string", description: "file to write the monitor's pid" },
    },
  },
  list: {
    description: "list containers",
    args: [],
    flags: { format, quiet: { type: "boolean", alias: "q", description: "ids only" } },
  },
  spec: {
    description: "write a default config.json",
    args: [],
    flags: {
      bundle: { type: "string", alias: "b", description: "directory to write config.json in", default: "." },
      rootless: {
        type: "boolean",
        description:
          "a config for a user without root: a user namespace mapping root to the caller, no network namespace or resources (runc's)",
      },
    },
  },
  features: { description: "print what this runtime implements (runtime-spec features.md)", args: [], flags: {} },
  hooks: { description: "show a container's hooks layout and every hook run so far", args: [ID], flags: { format } },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

/** A flag's value as the parser gives it: booleans, repeatable strings, strings with a default, other strings. */
type Value<F> = F extends { type: "boolean" }
  ? boolean
  : F extends { multiple: true }
    ? string[]
    : F extends { default: string }
      ? string
      : string | undefined;

export type FlagValues<F> = { -readonly [K in keyof F]: Value<F[K]> };

/** What a command's handler gets: its id (or "" for commands without one), the positionals after it, its flags. */
export interface Call<C extends CommandName = CommandName> {
  command: C;
  id: string;
  args: string[];
  flags: FlagValues<(typeof COMMANDS)[C]["flags"]>;
}
