// The command line, declared once: every command, its positional arguments
// and flags (type, short alias, description, default), and the global flags.
// The parser (parse.ts), the usage text (usage.ts, rendered by citty) and the
// commands' typed flags (commands/*.ts) all come from this table. Data only.
// Its hot part (the shapes, the global flags, create, start, state, kill and
// delete) is table-hot.ts's, which the hot calls' bundles load without the rest.

import { type CommandSpec, type Flag, HOT_COMMANDS, ID } from "./table-hot.ts";

export { type CommandSpec, type Flag, GLOBAL_FLAGS, HOT_COMMANDS, type Positional, REFUSED_COMMANDS } from "./table-hot.ts";

/** update's single-value flags: the flag, where its value goes in linux.resources, and its form ("bytes": 512m, 1g, -1 as runc's). */
export const RESOURCE_FLAGS = {
  memory: ["memory", "limit", "bytes"],
  "memory-swap": ["memory", "swap", "bytes"],
  "memory-reservation": ["memory", "reservation", "bytes"],
  "kernel-memory": ["memory", "kernel", "bytes"],
  "kernel-memory-tcp": ["memory", "kernelTCP", "bytes"],
  "cpu-share": ["cpu", "shares", "number"],
  "cpu-shares": ["cpu", "shares", "number"],
  "cpu-burst": ["cpu", "burst", "number"],
  "cpu-idle": ["cpu", "idle", "number"],
  "cpu-period": ["cpu", "period", "number"],
  "cpu-quota": ["cpu", "quota", "number"],
  "cpu-rt-period": ["cpu", "realtimePeriod", "number"],
  "cpu-rt-runtime": ["cpu", "realtimeRuntime", "number"],
  "cpuset-cpus": ["cpu", "cpus", "string"],
  "cpuset-mems": ["cpu", "mems", "string"],
  "pids-limit": ["pids", "limit", "number"],
  "blkio-weight": ["blockIO", "weight", "number"],
} as const satisfies Record<string, readonly [string, string, "number" | "bytes" | "string"]>;

// A loop and Object.assign, not Object.fromEntries, map and object spread: every call loads this
// table, and each of those is a JavaScript builtin that JSC compiles on its first use, which cost
// each call ~0.1 ms here (docs/performance.md, "Issue 23, round 5").
const resourceFlags = {} as { -readonly [K in keyof typeof RESOURCE_FLAGS]: { type: "string"; description: string; hidden?: true } };
for (const flag in RESOURCE_FLAGS) {
  const [group, field] = RESOURCE_FLAGS[flag as keyof typeof RESOURCE_FLAGS];
  const f: Flag = { type: "string", description: `linux.resources.${group}.${field}` };
  // runc ≥ 1.2 takes these and ignores them with a warning; lxcri warns too (translation)
  if (flag.startsWith("kernel-memory")) f.hidden = true;
  resourceFlags[flag as keyof typeof RESOURCE_FLAGS] = f as { type: "string"; description: string };
}

const format = { type: "string", alias: "f", description: "table or json", default: "table", choices: ["table", "json"] } as const;

// the hot commands first, in the order --help lists them
export const COMMANDS = Object.assign({}, HOT_COMMANDS, {
  exec: {
    description: "run a process in a running container",
    args: [ID, { name: "command", description: "the command line to run (without --process)" }],
    rest: true,
    verbatim: true,
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
      "process-label": { type: "string", description: "SELinux label for the process (process.selinuxLabel; refused where unsupported)" },
      "pidfd-socket": { type: "string", description: "AF_UNIX socket that gets a pidfd of the process (SCM_RIGHTS)" },
      "preserve-fds": { type: "string", description: "pass N more fds (3…3+N-1, after $LISTEN_FDS) to the process" },
      cgroup: { type: "string", description: "run in this existing sub-cgroup of the container's: [controller[,…]:]path", multiple: true },
      "ignore-paused": { type: "boolean", description: "exec even into a paused container" },
    },
  },
  pause: { description: "freeze every process of a running container", args: [ID], flags: {} },
  resume: { description: "thaw a paused container", args: [ID], flags: {} },
  ps: {
    description: "list the processes of a container (ps options after the id; default -ef)",
    args: [ID, { name: "ps-options", description: "options for ps(1) in table format" }],
    rest: true,
    verbatim: true,
    flags: { format },
  },
  update: {
    description: "change the cgroup limits of a container",
    args: [ID],
    flags: Object.assign(
      { resources: { type: "string", alias: "r", description: "LinuxResources JSON file, or - for stdin" } } as const,
      resourceFlags,
      {
        // taken to be refused by name (commands/update.ts), so not in --help
        "l3-cache-schema": { type: "string", description: "Intel RDT/CAT L3 cache schema (refused)", hidden: true },
        "mem-bw-schema": { type: "string", description: "Intel RDT/MBA memory bandwidth schema (refused)", hidden: true },
      } as const,
    ),
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
    description: "create, start, wait and delete; exits with the container's status (-d: returns once started)",
    args: [ID],
    flags: {
      bundle: { type: "string", alias: "b", description: "bundle directory", default: "." },
      "pid-file": { type: "string", description: "file to write the pid of the container's init" },
      detach: { type: "boolean", alias: "d", description: "return once the container runs; it is not deleted when it exits" },
      keep: { type: "boolean", description: "do not delete the container after it exits" },
      "console-socket": { type: "string", description: "AF_UNIX socket that gets the pty master (process.terminal)" },
      "pidfd-socket": { type: "string", description: "AF_UNIX socket that gets a pidfd of the container's init (SCM_RIGHTS)" },
      "preserve-fds": { type: "string", description: "pass N more fds (3…3+N-1, after $LISTEN_FDS) to the container process" },
      "no-subreaper": { type: "boolean", description: "with --detach only (run -d is never a subreaper); refused without" },
      "no-pivot": { type: "boolean", description: "accepted: liblxc pivots, or moves and chroots when / is a ramfs" },
      "no-new-keyring": { type: "boolean", description: "keep the caller's session keyring (no new one for the container)" },
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
  checkpoint: {
    description: "checkpoint a running container with CRIU (it is deleted unless --leave-running or --pre-dump)",
    args: [ID],
    flags: {
      "image-path": { type: "string", description: "directory for CRIU's images (default: ./checkpoint)" },
      "work-path": { type: "string", description: "directory for CRIU's log and work files (default: the image path)" },
      "parent-path": { type: "string", description: "a pre-dump's image directory, relative to the image path" },
      "leave-running": { type: "boolean", description: "keep the container running after the checkpoint" },
      "tcp-established": { type: "boolean", description: "checkpoint established TCP connections" },
      "ext-unix-sk": { type: "boolean", description: "allow unix sockets connected outside the container" },
      "shell-job": { type: "boolean", description: "allow a shell job (session and terminal outside the container)" },
      "file-locks": { type: "boolean", description: "checkpoint file locks" },
      "pre-dump": { type: "boolean", description: "dump memory only; the container keeps running" },
      "manage-cgroups-mode": { type: "string", description: "CRIU's cgroup mode: soft, full, strict or ignore (default soft)" },
      "empty-ns": { type: "string", description: "namespace to make but not checkpoint: network (repeatable)", multiple: true },
      "auto-dedup": { type: "boolean", description: "deduplicate pages against the parent image" },
      "lazy-pages": { type: "boolean", description: "not supported (refused)", hidden: true },
      "status-fd": { type: "string", description: "not supported (refused)", hidden: true },
      "page-server": { type: "string", description: "not supported (refused)", hidden: true },
    },
  },
  restore: {
    description: "make a container again from a checkpoint with CRIU, running",
    args: [ID],
    flags: {
      bundle: { type: "string", alias: "b", description: "bundle directory", default: "." },
      "image-path": { type: "string", description: "directory of CRIU's images (default: ./checkpoint)" },
      "work-path": { type: "string", description: "directory for CRIU's log and work files (default: the image path)" },
      detach: { type: "boolean", alias: "d", description: "return once the container runs (otherwise wait for it and delete it)" },
      "pid-file": { type: "string", description: "file to write the restored init's pid" },
      "tcp-established": { type: "boolean", description: "restore established TCP connections" },
      "ext-unix-sk": { type: "boolean", description: "allow unix sockets connected outside the container" },
      "shell-job": { type: "boolean", description: "allow a shell job (session and terminal outside the container)" },
      "file-locks": { type: "boolean", description: "restore file locks" },
      "manage-cgroups-mode": { type: "string", description: "CRIU's cgroup mode: soft, full, strict or ignore (default soft)" },
      "empty-ns": { type: "string", description: "namespace to make but not restore: network (repeatable)", multiple: true },
      "auto-dedup": { type: "boolean", description: "deduplicate pages against the parent image" },
      "no-subreaper": { type: "boolean", description: "accepted for compatibility (lxcri waits as a subreaper only without --detach)" },
      "no-pivot": { type: "boolean", description: "accepted for compatibility (CRIU pivots)" },
      "console-socket": { type: "string", description: "not supported (refused: no terminal restore)", hidden: true },
      "lazy-pages": { type: "boolean", description: "not supported (refused)", hidden: true },
      "lsm-profile": { type: "string", description: "not supported (refused)", hidden: true },
      "lsm-mount-context": { type: "string", description: "not supported (refused)", hidden: true },
    },
  },
} as const satisfies Record<string, CommandSpec>);

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
