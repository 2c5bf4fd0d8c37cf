// The formats of /proc/<pid>/stat and /proc/<pid>/cmdline, parsed: no I/O
// (proc.ts reads them through host/fs.ts).

export interface ProcStat {
  state: string; // R S D Z T ...
  ppid: number;
  startTime: number; // clock ticks since boot
}

export function parseProcStat(text: string): ProcStat {
  // comm may contain spaces and parentheses: fields start after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0]!, ppid: Number(fields[1]), startTime: Number(fields[19]) };
}

/** The process that started at `startTime`, not yet exited (a zombie has). */
export function isLive(st: ProcStat | undefined, startTime: number | undefined): boolean {
  return !!st && st.startTime === startTime && st.state !== "Z" && st.state !== "X";
}

export function parseCmdline(raw: string): string[] {
  return raw.replace(/\0$/, "").split("\0");
}
