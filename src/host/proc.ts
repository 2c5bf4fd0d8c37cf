// What /proc says about a process. Every pid lxcri keeps is paired with the
// process start time, so a recycled pid is never mistaken for the container.
import { tryReadText } from "./fs.ts";
import { isLive, parseCmdline, parseProcStat, type ProcStat } from "./proc-text.ts";

export type { ProcStat };

export function procStat(pid: number): ProcStat | undefined {
  const text = tryReadText(`/proc/${pid}/stat`);
  return text === undefined ? undefined : parseProcStat(text);
}

/** True while `pid` is the process that started at `startTime` and has not exited. */
export function isAlive(pid: number | undefined, startTime: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  return isLive(procStat(pid), startTime);
}

export function procCmdline(pid: number): string[] | undefined {
  const text = tryReadText(`/proc/${pid}/cmdline`);
  return text === undefined ? undefined : parseCmdline(text);
}

export function procChildren(pid: number): number[] {
  const text = tryReadText(`/proc/${pid}/task/${pid}/children`) ?? "";
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}

/** cgroup paths of a process: hierarchy key ("0" for v2, else the controller list) → path. */
export function procCgroups(pid: number): Map<string, string> {
  const out = new Map<string, string>();
  const text = tryReadText(`/proc/${pid}/cgroup`); // undefined: gone
  for (const line of text?.trim().split("\n") ?? []) {
    const [id, controllers, path] = line.split(/:(.*?):/s) as [string, string, string];
    out.set(controllers === "" ? `0:${id}` : controllers, path);
  }
  return out;
}
