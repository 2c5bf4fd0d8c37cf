// kill's signal argument as runc takes it: a number, TERM, SIGTERM, any case.
import { constants } from "node:os";
import { LxcriError } from "../errors.ts";

/** What a foreground `run` or `exec` passes on to the container's process (runc forwards these too). */
export const FORWARDED_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const;

const byNumber = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

export function parseSignal(arg: string | number | undefined): NodeJS.Signals {
  if (arg === undefined || arg === "") return "SIGTERM";
  const s = String(arg).trim();
  if (/^\d+$/.test(s)) {
    const name = byNumber.get(Number(s));
    if (!name) throw new LxcriError("invalid-argument", `invalid signal ${JSON.stringify(s)}`);
    return name;
  }
  const upper = s.toUpperCase();
  const name = (upper.startsWith("SIG") ? upper : `SIG${upper}`) as NodeJS.Signals;
  if (!(name in constants.signals)) throw new LxcriError("invalid-argument", `invalid signal ${JSON.stringify(s)}`);
  return name;
}
