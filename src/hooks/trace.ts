// hooks.log: one JSON line per hook run, appended by whichever process ran it.
// Part of a record comes from the container (a startContainer hook's output,
// what init reports), so each record is escaped and bounded here, whoever
// made it, and the file has a cap: a record is appended while the file is
// under TRACE_MAX; the one that takes it to TRACE_MAX or past goes with a last
// line saying so, and nothing is appended after (the first runs are the ones
// kept: they are what an operator looks for). The file stays under
// TRACE_MAX + one record + that line.
import { appendFile, exists, lstat, readText } from "../host/fs.ts";
import { type HookRecord, TAIL, TEXT_MAX } from "../contract/hooks.ts";
import { escapeText } from "../text/escape.ts";

export const TRACE_MAX = 1 << 20;
/** The cut of a record's short strings (type, start, signal); path and error: TEXT_MAX; a tail: 4 * TAIL, what TAIL bytes take escaped. */
const SHORT_MAX = 64;

const TRUNCATED = `${JSON.stringify({ truncated: `hooks.log reached ${TRACE_MAX} bytes: later hook runs are not recorded` })}\n`;
const encoder = new TextEncoder();

/** `s` escaped (lines and tabs kept) and cut to `max` characters: its first ones, or its last with `end`. */
function cut(s: unknown, max: number, end = false): string {
  const t = escapeText(String(s), "\n\t");
  return t.length <= max ? t : end ? t.slice(t.length - max) : t.slice(0, max);
}

/** The record as the trace keeps it: only a HookRecord's fields, each string escaped and bounded. */
export function traced(r: HookRecord): HookRecord {
  return {
    type: cut(r.type, SHORT_MAX),
    index: Number(r.index),
    path: cut(r.path, TEXT_MAX),
    start: cut(r.start, SHORT_MAX),
    durationMs: Number(r.durationMs),
    exitCode: r.exitCode === null ? null : Number(r.exitCode),
    signal: r.signal === null ? null : cut(r.signal, SHORT_MAX),
    timedOut: r.timedOut === true,
    ...(r.error === undefined ? {} : { error: cut(r.error, TEXT_MAX) }),
    stdoutTail: cut(r.stdoutTail, 4 * TAIL, true),
    stderrTail: cut(r.stderrTail, 4 * TAIL, true),
  };
}

function sizeOf(file: string): number {
  try {
    return lstat(file).size;
  } catch {
    return 0; // not there yet (anything else, appendFile reports)
  }
}

export function appendTrace(file: string, record: HookRecord): void {
  const size = sizeOf(file);
  if (size >= TRACE_MAX) return;
  const line = `${JSON.stringify(traced(record))}\n`;
  const bytes = encoder.encode(line);
  appendFile(file, size + bytes.length >= TRACE_MAX ? line + TRUNCATED : bytes, 0o600);
}

/**
 * hooks.log, empty (0600), made by create while it waits for liblxc: the first record then appends
 * to a file that exists, and the mount hook's wait for prestart's and createRuntime's records does
 * not include making it (~0.45 ms on an ext4 /run, docs/performance.md, "Issue 23, round 8").
 */
export function makeTrace(file: string): void {
  appendFile(file, new Uint8Array(0), 0o600);
}

/** The records of the trace, and whether it reached its cap (later runs were not recorded). */
export function readTrace(file: string): { trace: HookRecord[]; truncated: boolean } {
  if (!exists(file)) return { trace: [], truncated: false };
  let truncated = false;
  const trace = readText(file)
    .split("\n")
    .filter(Boolean)
    .flatMap((l) => {
      try {
        const r = JSON.parse(l);
        if (typeof r?.type === "string") return [r as HookRecord];
        if (r?.truncated) truncated = true;
      } catch {
        /* not a line of ours */
      }
      return [];
    });
  return { trace, truncated };
}
