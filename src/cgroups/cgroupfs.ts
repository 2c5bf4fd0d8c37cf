// The cgroupfs side of a container's cgroups: the files of its recorded
// directories (the container's own, never the monitor's, which holds liblxc's
// monitor): its processes (ps), its freezer (pause, resume, state "paused")
// and its settings (update). Both drivers (driver.ts) use these: systemd's
// scope is a cgroup directory too.
import { tryReadText, writeExisting } from "../host/fs.ts";
import { join } from "../path.ts";
import { freezerOf, isFrozenWith } from "./freezer.ts";
import { cgroupProcs } from "./paths.ts";
import type { CgroupSetting } from "./settings.ts";

/** A cgroup file's content, or undefined where the hierarchy has no such file. */
export const read = (file: string): string | undefined => tryReadText(file);

/** Host pids of every process in `dirs`, ascending. */
export function pidsIn(dirs: readonly string[]): number[] {
  return [...new Set(cgroupProcs([...dirs]))].sort((a, b) => a - b);
}

/** Frozen, or on the way there (v1's FREEZING): the container is paused. */
export function isFrozen(dirs: readonly string[]): boolean {
  return isFrozenWith(dirs, read);
}

/** Freezes (or thaws) every process in `dirs` and waits until the kernel says so. */
export async function setFrozen(dirs: readonly string[], frozen: boolean, timeoutMs = 5000): Promise<void> {
  const f = freezerOf(dirs, read);
  if (!f) throw new Error("the container has no freezer cgroup");
  const deadline = Date.now() + timeoutMs;
  const want = frozen ? f.frozen : f.thawed;
  writeExisting(f.file, want);
  while (!f.done(want)) {
    if (Date.now() > deadline) {
      if (frozen) writeExisting(f.file, f.thawed); // leave it running rather than half frozen
      throw new Error(`${f.file}: still not ${want} after ${timeoutMs / 1000} s`);
    }
    await Bun.sleep(1);
    if (frozen) writeExisting(f.file, want); // v1 may stay FREEZING until asked again
  }
}

/**
 * Writes settings (settings.ts's list) to `dirs`: each to the directory that has that file.
 * A write the kernel refuses is tried again after the others (v1 memory: memory+swap must
 * stay ≥ memory).
 */
export function writeSettings(dirs: readonly string[], settings: readonly CgroupSetting[]): void {
  let pending = settings.map(({ file, value }) => {
    const dir = dirs.find((d) => read(join(d, file)) !== undefined);
    if (!dir) throw new Error(`the container has no cgroup file ${file} (controller not available on this host)`);
    return { path: join(dir, file), value };
  });
  for (let round = 0; pending.length; round++) {
    const failed: typeof pending = [];
    let lastError: Error | undefined;
    for (const w of pending)
      try {
        writeExisting(w.path, w.value);
      } catch (e) {
        failed.push(w);
        lastError = e as Error;
      }
    if (failed.length === pending.length || round > 2) throw new Error(`${failed[0]!.path} = ${failed[0]!.value}: ${lastError!.message}`);
    pending = failed;
  }
}
