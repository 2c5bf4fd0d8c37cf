// What /proc says about a process. Every pid lxcri keeps is paired with the
// process start time, so a recycled pid is never mistaken for the container.
import { readFileSync } from "node:fs";
import { isLive, parseCmdline, parseProcStat, type ProcStat } from "./proc-text.ts";

export type { ProcStat };

export function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  return parseProcStat(text);
}

/** True while `pid` is the process that started at `startTime` and has not exited. */
export function isAlive(pid: number | undefined, startTime: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  return isLive(procStat(pid), startTime);
}

export function procCmdline(pid: number): string[] | undefined {
  try {
    return parseCmdline(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
  } catch {
    return undefined;
  }
}

export function procChildren(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** cgroup paths of a process: hierarchy key ("0" for v2, else the controller list) → path. */
export function procCgroups(pid: number): Map<string, string> {
  const out = new Map<string, string>();
  try {
    for (const line of readFileSync(`/proc/${pid}/cgroup`, "utf8").trim().split("\n")) {
      const [id, controllers, path] = line.split(/:(.*?):/s) as [string, string, string];
      out.set(controllers === "" ? `0:${id}` : controllers, path);
    }
  } catch {
    /* gone */
  }
  return out;
}
