// Callers write flags the way urfave/cli (runc's parser) accepts them:
// `--root=/x`, `-root /x`, `--debug=true`, `--systemd-cgroup=false`. citty
// knows only some of these forms, so argv is normalised first. Also, for
// commands whose arguments after the id are a command line or ps options
// (exec, ps), everything after the id is passed through untouched (`--`).
// The flag table is checked against the commands' own definitions by
// test/unit/argv.test.ts.

interface FlagSet {
  value: readonly string[];
  bool: readonly string[];
}

export const GLOBAL_FLAGS: FlagSet = {
  value: ["root", "log", "log-format", "hook-timeout", "rootless"],
  bool: ["debug", "systemd-cgroup"],
};

export const COMMAND_FLAGS: Record<string, FlagSet> = {
  create: { value: ["bundle", "b", "pid-file", "console-socket", "preserve-fds"], bool: ["no-pivot", "no-new-keyring"] },
  run: { value: ["bundle", "b", "pid-file"], bool: [] },
  exec: {
    value: [
      "process",
      "p",
      "pid-file",
      "console-socket",
      "cwd",
      "env",
      "e",
      "user",
      "u",
      "additional-gids",
      "g",
      "cap",
      "c",
      "apparmor",
      "process-label",
      "preserve-fds",
    ],
    bool: ["detach", "d", "tty", "t", "no-new-privs", "ignore-paused"],
  },
  kill: { value: [], bool: ["all", "a"] },
  delete: { value: [], bool: ["force", "f"] },
  list: { value: ["format", "f"], bool: ["quiet", "q"] },
  ps: { value: ["format", "f"], bool: [] },
  update: {
    value: [
      "resources",
      "r",
      "memory",
      "memory-swap",
      "memory-reservation",
      "kernel-memory",
      "kernel-memory-tcp",
      "cpu-shares",
      "cpu-period",
      "cpu-quota",
      "cpu-rt-period",
      "cpu-rt-runtime",
      "cpuset-cpus",
      "cpuset-mems",
      "pids-limit",
      "blkio-weight",
    ],
    bool: [],
  },
  events: { value: ["interval"], bool: ["stats"] },
  spec: { value: ["bundle", "b"], bool: [] },
  hooks: { value: ["format", "f"], bool: [] },
};

/** Commands whose arguments after the id belong to something else. */
const PASS_THROUGH_AFTER_ID = new Set(["exec", "ps"]);

function normalizeFlags(args: string[], flags: FlagSet, stopAtPositional: boolean): { out: string[]; rest: string[] } {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return { out, rest: args.slice(i) };
    const m = /^-{1,2}([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(a);
    if (!m) {
      if (stopAtPositional && !a.startsWith("-")) return { out, rest: args.slice(i) };
      out.push(a);
      continue;
    }
    const [, name, value] = m as unknown as [string, string, string | undefined];
    const dashes = name.length === 1 ? "-" : "--";
    if (flags.bool.includes(name)) {
      if (value === undefined || value === "true") out.push(dashes + name);
      else if (value !== "false") out.push(a); // citty reports the odd value
      continue;
    }
    if (flags.value.includes(name)) {
      out.push(value === undefined ? dashes + name : `${dashes}${name}=${value}`);
      if (value === undefined && i + 1 < args.length) out.push(args[++i]!);
      continue;
    }
    out.push(a);
  }
  return { out, rest: [] };
}

export function normalizeArgv(argv: string[]): string[] {
  const g = normalizeFlags(argv, GLOBAL_FLAGS, true);
  const [command, ...after] = g.rest;
  if (command === undefined || command === "--") return [...g.out, ...g.rest];
  const flags = COMMAND_FLAGS[command] ?? { value: [], bool: [] };
  const c = normalizeFlags(after, flags, PASS_THROUGH_AFTER_ID.has(command));
  if (!PASS_THROUGH_AFTER_ID.has(command) || c.rest.length === 0) return [...g.out, command, ...c.out, ...c.rest];
  // c.rest starts at the id: keep it, and everything after it verbatim.
  const [id, ...tail] = c.rest;
  if (id === "--") return [...g.out, command, ...c.out, ...c.rest];
  return [...g.out, command, ...c.out, id!, ...(tail.length ? ["--", ...tail] : [])];
}
