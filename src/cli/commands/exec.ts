// exec: runc's form — `exec [flags] ID COMMAND [ARGS…]` or `exec --process FILE ID`.
// Without --process the container's own process is the base (env, user,
// capabilities, cwd), changed by the flags, as runc does.
import { readText } from "../../host/fs.ts";
import { resolve } from "node:path";
import { windowSize } from "../../../ffi/pty.ts";
import { LxcriError } from "../../errors.ts";
import { FORWARDED_SIGNALS } from "../../host/signals.ts";
import { CAPABILITY_SETS, type Process } from "../../spec/types.ts";
import { validateProcess } from "../../spec/validate.ts";
import { runtime } from "../globals.ts";
import { preserveFds } from "../parse.ts";
import { reportError } from "../run.ts";
import type { Call } from "../table.ts";
import { proxyTerminal } from "../terminal.ts";

/**
 * runc's exec exits 255 when the exec fails (fatalWithCode(err, 255): a missing
 * container, a program that is not there, a refused user…), so that a caller
 * tells a failed exec from a process that exited 1; the process's own status
 * otherwise. A number flag that is not a number is a usage error first (exit 1):
 * runc's urfave/cli refuses it before the exec is tried.
 */
export default async function exec(call: Call<"exec">): Promise<void> {
  const preserve = preserveFds(call.flags["preserve-fds"]);
  const gids = call.flags["additional-gids"].map((g) => {
    if (!/^\d+$/.test(g)) throw new LxcriError("invalid-argument", `--additional-gids: expected a number, got ${JSON.stringify(g)}`);
    return Number(g);
  });
  try {
    await execute(call, preserve, gids);
  } catch (e) {
    await reportError(e);
    process.exitCode = 255;
  }
}

async function execute({ id, args: command, flags }: Call<"exec">, preserve: number, gids: number[]): Promise<void> {
  const rt = await runtime();
  let proc: Process;
  if (flags.process) {
    const file = resolve(flags.process);
    let json: unknown;
    try {
      json = JSON.parse(readText(file));
    } catch (e) {
      throw new LxcriError("invalid-argument", `--process ${file}: ${(e as Error).message}`);
    }
    proc = validateProcess(json, file);
  } else {
    if (!command.length) throw new LxcriError("invalid-argument", `"exec" requires a command after the container id, or --process`);
    const base = rt.spec(id).process!;
    proc = { ...structuredClone(base), args: command, terminal: flags.tty };
  }
  if (flags.cwd) proc.cwd = flags.cwd;
  proc.env = [...(proc.env ?? []), ...flags.env];
  if (flags.user) {
    const m = /^(\d+)(?::(\d+))?$/.exec(flags.user);
    if (!m) throw new LxcriError("invalid-argument", `--user: expected uid[:gid], got ${JSON.stringify(flags.user)}`);
    proc.user = { ...proc.user, uid: Number(m[1]), gid: m[2] !== undefined ? Number(m[2]) : proc.user.gid };
  }
  if (gids.length) proc.user = { ...proc.user, additionalGids: [...(proc.user.additionalGids ?? []), ...gids] };
  const caps = flags.cap;
  if (caps.length) {
    const c = (proc.capabilities ??= {});
    for (const set of CAPABILITY_SETS) if (set !== "ambient" || c.ambient) c[set] = [...new Set([...(c[set] ?? []), ...caps])];
  }
  if (flags["no-new-privs"]) proc.noNewPrivileges = true;
  if (flags.tty && flags.process) proc.terminal = true;
  if (flags.apparmor) proc.apparmorProfile = flags.apparmor;
  if (flags["process-label"]) proc.selinuxLabel = flags["process-label"];

  // A pty we proxy: sized like our terminal before the process starts (SIGWINCH keeps it so).
  if (proc.terminal && !flags["console-socket"] && !proc.consoleSize) {
    const ws = windowSize(0);
    if (ws) proc.consoleSize = { height: ws.rows, width: ws.cols };
  }
  const result = await rt.exec(id, {
    process: proc,
    detach: flags.detach,
    pidFile: flags["pid-file"] ? resolve(flags["pid-file"]) : undefined,
    consoleSocket: flags["console-socket"] ? resolve(flags["console-socket"]) : undefined,
    preserveFds: preserve,
    ignorePaused: flags["ignore-paused"],
    pidfdSocket: flags["pidfd-socket"] ? resolve(flags["pidfd-socket"]) : undefined,
    cgroup: flags.cgroup.length ? flags.cgroup : undefined,
  });
  if (flags.detach) return;
  // Foreground: forward signals, proxy the terminal when we own it, exit with the process's status.
  const forward = (sig: NodeJS.Signals) => {
    try {
      process.kill(result.pid, sig);
    } catch {
      /* exited */
    }
  };
  for (const s of FORWARDED_SIGNALS) process.on(s, forward);
  const stop = result.ptyMaster !== undefined ? proxyTerminal(result.ptyMaster) : undefined;
  const code = await result.wait();
  await stop?.();
  process.exitCode = code;
}
