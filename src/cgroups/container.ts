// The container's own cgroups as recorded at create: its processes (ps,
// kill --all) and its freezer state (pause, resume, state "paused"). Only the
// payload cgroups: liblxc's lxc.monitor.<id> holds the monitor, which is not
// the container's.
import { tryReadText, writeExisting } from "../host/fs.ts";
import type { ContainerRecord } from "../container/record.ts";
import { join } from "../path.ts";
import { freezerOf, isFrozenWith, payloadCgroups } from "./freezer.ts";
import { cgroupProcs } from "./paths.ts";

export { isMonitorCgroup, payloadCgroups } from "./freezer.ts";

/** A cgroup file's content, or undefined where the hierarchy has no such file. */
export const read = (file: string): string | undefined => tryReadText(file);

/** Host pids of every process in the container's cgroups, ascending. */
export function containerPids(r: ContainerRecord): number[] {
  return [...new Set(cgroupProcs(payloadCgroups(r)))].sort((a, b) => a - b);
}

/** Frozen, or on the way there (v1's FREEZING): the container is paused. */
export function isFrozen(r: ContainerRecord): boolean {
  return isFrozenWith(r, read);
}

/** Freezes (or thaws) every process of the container and waits until the kernel says so. */
export async function setFrozen(r: ContainerRecord, frozen: boolean, timeoutMs = 5000): Promise<void> {
  const f = freezerOf(r, read);
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
 * Writes cgroup files of a running container: `items` are liblxc cgroup keys
 * (lxc.cgroup.<file> / lxc.cgroup2.<file>) as translation makes them; each goes
 * to the payload cgroup that has that file. A write the kernel refuses is
 * tried again after the others (v1 memory: memory+swap must stay ≥ memory).
 */
export function writeCgroupItems(r: ContainerRecord, items: readonly (readonly [string, string])[]): void {
  const dirs = payloadCgroups(r);
  let pending = items.map(([key, value]) => {
    const file = key.replace(/^lxc\.cgroup2?\./, "");
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
