// A container's record and state read through Bun.file, for `state` and
// `list` (Runtime.state and the CLI's state): the checks and the status
// rules are contract/status-rules.ts's, as for every other operation, but nothing here loads
// node:fs, which costs a compiled lxcri about a millisecond at start-up
// (docs/performance.md); nor does the freezer's lookup (cgroups/freezer.ts).
// One difference from checkRuntimeDir's lstat: Bun's stat follows a symlink,
// so a symlinked runtime directory is judged by its target, which must still
// be a root-owned 0700 directory.
import { freezerFiles, isFrozenWith } from "../cgroups/freezer.ts";
import { runtimeFiles } from "../contract/layout.ts";
import { LxcriError } from "../errors.ts";
import { isLive, parseCmdline, parseProcStat } from "../host/proc-text.ts";
import type { State } from "../spec/types.ts";
import type { ContainerRecord } from "../contract/record.ts";
import { isLegacy, type Probe, parseRecord, runtimeDirError, stateFrom, statusFrom } from "../contract/status-rules.ts";

/** A file's text through Bun.file (no bun:ffi, no node:fs), or undefined when it cannot be read; the CLI reads /proc/self/uid_map with it. */
export async function readQuietly(file: string): Promise<string | undefined> {
  try {
    return await Bun.file(file).text();
  } catch {
    return undefined;
  }
}

/** The record in `dir` (checked as readRecord checks it) and the container's state. */
export async function observe(dir: string, id: string): Promise<{ record: ContainerRecord; state: State }> {
  const file = runtimeFiles(dir).record;
  // The directory's stat runs on Bun's thread pool while the record is read; nothing read is used before the check.
  const [st, text] = await Promise.all([
    Bun.file(dir)
      .stat()
      .catch(() => undefined), // gone: "does not exist" below
    Bun.file(file)
      .text()
      .catch((e: NodeJS.ErrnoException) => e),
  ]);
  const problem = st && runtimeDirError(dir, st);
  if (problem) throw problem;
  if (typeof text !== "string") {
    if (text.code === "ENOENT") throw new LxcriError("not-found", `container ${id} does not exist`);
    throw text;
  }
  const record = parseRecord(text, id, file);
  // The one process the rules ask about: init, or before it the monitor.
  const pid = record.initPid ?? record.monitorPid;
  const stat = pid && pid > 0 ? await readQuietly(`/proc/${pid}/stat`) : undefined;
  const cmdline = isLegacy(record) ? await readQuietly(`/proc/${pid}/cmdline`) : undefined;
  let askedFrozen = false;
  const probe = (frozen: boolean): Probe => ({
    alive: (p, start) => p === pid && stat !== undefined && isLive(parseProcStat(stat), start),
    frozen: () => ((askedFrozen = true), frozen),
    cmdline: () => (cmdline === undefined ? undefined : parseCmdline(cmdline)),
  });
  let status = statusFrom(record, probe(false));
  if (askedFrozen) {
    // running or paused: only then is the freezer read, every file its search may look at at once
    const texts = new Map(await Promise.all(freezerFiles(record.cgroups?.dirs ?? []).map(async (f) => [f, await readQuietly(f)] as const)));
    status = statusFrom(record, probe(isFrozenWith(record.cgroups?.dirs ?? [], (f) => texts.get(f))));
  }
  return { record, state: stateFrom(record, status) };
}
