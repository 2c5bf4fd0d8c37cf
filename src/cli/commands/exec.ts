// exec: runc's form — `exec [flags] ID COMMAND [ARGS…]` or `exec --process FILE ID`.
// Without --process the container's own process is the base (env, user,
// capabilities, cwd), changed by the flags, as runc does.
import { defineCommand } from "citty";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { LxcriError } from "../../errors.ts";
import { CAPABILITY_SETS, type Process } from "../../spec/types.ts";
import { validateProcess } from "../../spec/validate.ts";
import { runtime } from "../globals.ts";
import { proxyTerminal } from "../terminal.ts";
import { windowSize } from "../../../ffi/pty.ts";

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

export default defineCommand({
  meta: { name: "exec", description: "run a process in a running container" },
  args: {
    process: { type: "string", alias: "p", description: "process.json: the whole process (runtime-spec `process`)" },
    detach: { type: "boolean", alias: "d", description: "return once the process runs" },
    "pid-file": { type: "string", description: "file to write the process's pid" },
    tty: { type: "boolean", alias: "t", description: "give the process a pseudo-terminal" },
    "console-socket": { type: "string", description: "AF_UNIX socket to send the pty master to" },
    env: { type: "string", alias: "e", description: "NAME=value to add (repeatable)" },
    cwd: { type: "string", description: "working directory in the container" },
    user: { type: "string", alias: "u", description: "uid[:gid]" },
    "additional-gids": { type: "string", alias: "g", description: "extra group id (repeatable)" },
    cap: { type: "string", alias: "c", description: "capability to add (repeatable)" },
    "no-new-privs": { type: "boolean", description: "set no_new_privs" },
    apparmor: { type: "string", description: "AppArmor profile (not supported)" },
    "process-label": { type: "string", description: "SELinux label (not supported)" },
    "preserve-fds": { type: "string", description: "pass N more fds (3…3+N-1) to the process" },
    "ignore-paused": { type: "boolean", description: "exec even into a paused container" },
  },
  async run({ args }) {
    const [id, ...command] = args._;
    if (!id) throw new LxcriError("invalid-argument", `"exec" requires a container id`);
    const rt = runtime();
    let proc: Process;
    if (args.process) {
      const file = resolve(args.process);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        throw new LxcriError("invalid-argument", `--process ${file}: ${(e as Error).message}`);
      }
      proc = validateProcess(json, file);
    } else {
      if (!command.length) throw new LxcriError("invalid-argument", `"exec" requires a command after the container id, or --process`);
      const base = rt.spec(id).process!;
      proc = { ...structuredClone(base), args: command, terminal: !!args.tty };
    }
    if (args.cwd) proc.cwd = args.cwd;
    proc.env = [...(proc.env ?? []), ...list(args.env)];
    if (args.user) {
      const m = /^(\d+)(?::(\d+))?$/.exec(args.user);
      if (!m) throw new LxcriError("invalid-argument", `--user: expected uid[:gid], got ${JSON.stringify(args.user)}`);
      proc.user = { ...proc.user, uid: Number(m[1]), gid: m[2] !== undefined ? Number(m[2]) : proc.user.gid };
    }
    const gids = list(args["additional-gids"]).map((g) => {
      if (!/^\d+$/.test(g)) throw new LxcriError("invalid-argument", `--additional-gids: expected a number, got ${JSON.stringify(g)}`);
      return Number(g);
    });
    if (gids.length) proc.user = { ...proc.user, additionalGids: [...(proc.user.additionalGids ?? []), ...gids] };
    const caps = list(args.cap);
    if (caps.length) {
      const c = (proc.capabilities ??= {});
      for (const set of CAPABILITY_SETS) if (set !== "ambient" || c.ambient) c[set] = [...new Set([...(c[set] ?? []), ...caps])];
    }
    if (args["no-new-privs"]) proc.noNewPrivileges = true;
    if (args.tty && args.process) proc.terminal = true;
    if (args.apparmor) proc.apparmorProfile = args.apparmor;
    if (args["process-label"]) proc.selinuxLabel = args["process-label"];
    const preserve = args["preserve-fds"] === undefined ? 0 : Number(args["preserve-fds"]);
    if (!Number.isInteger(preserve) || preserve < 0)
      throw new LxcriError("invalid-argument", `--preserve-fds: expected a number, got ${JSON.stringify(args["preserve-fds"])}`);

    // A pty we proxy: sized like our terminal before the process starts (SIGWINCH keeps it so).
    if (proc.terminal && !args["console-socket"] && !proc.consoleSize) {
      const ws = windowSize(0);
      if (ws) proc.consoleSize = { height: ws.rows, width: ws.cols };
    }
    const result = await rt.exec(id, {
      process: proc,
      detach: !!args.detach,
      pidFile: args["pid-file"] ? resolve(args["pid-file"]) : undefined,
      consoleSocket: args["console-socket"] ? resolve(args["console-socket"]) : undefined,
      preserveFds: preserve,
      ignorePaused: !!args["ignore-paused"],
    });
    if (args.detach) return;
    // Foreground: forward signals, proxy the terminal when we own it, exit with the process's status.
    const forwarded = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const;
    const forward = (sig: NodeJS.Signals) => {
      try {
        process.kill(result.pid, sig);
      } catch {
        /* exited */
      }
    };
    for (const s of forwarded) process.on(s, forward);
    const stop = result.ptyMaster !== undefined ? proxyTerminal(result.ptyMaster) : undefined;
    const code = await result.wait();
    await stop?.();
    process.exitCode = code;
  },
});
