// kill's signal argument as runc and kill(1) take it: a number from 1 to 64
// (every real-time signal too: podman stops a systemd container with 37,
// SIGRTMIN+3), a name (TERM, SIGTERM, any case), or a real-time name
// RTMIN, RTMIN+n, RTMAX, RTMAX-n (with or without SIG). The result is the
// signal's number, which process.kill takes as it is.
import { constants } from "node:os";
import { LxcriError } from "../errors.ts";

/** What a foreground `run` or `exec` passes on to the container's process (runc forwards these too). */
export const FORWARDED_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const;

/** glibc's SIGRTMIN (the kernel's 32 and 33 are the C library's own) and the kernel's SIGRTMAX. */
export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

export function parseSignal(arg: string | number | undefined): number {
  if (arg === undefined || arg === "") return constants.signals.SIGTERM;
  const s = String(arg).trim();
  const invalid = () => new LxcriError("invalid-argument", `invalid signal ${JSON.stringify(s)}`);
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n < 1 || n > SIGRTMAX) throw invalid();
    return n;
  }
  const name = s.toUpperCase().replace(/^SIG/, "");
  const rt = /^RT(MIN|MAX)(?:([+-])(\d+))?$/.exec(name);
  if (rt) {
    const [, which, sign, offset] = rt;
    if (sign && sign !== (which === "MIN" ? "+" : "-")) throw invalid();
    const n = which === "MIN" ? SIGRTMIN + Number(offset ?? 0) : SIGRTMAX - Number(offset ?? 0);
    if (n < SIGRTMIN || n > SIGRTMAX) throw invalid();
    return n;
  }
  const n = (constants.signals as Record<string, number>)[`SIG${name}`];
  if (n === undefined) throw invalid();
  return n;
}
