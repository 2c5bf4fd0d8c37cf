// The container's own cgroups as recorded at create: its processes (ps,
// kill --all) and its freezer state (pause, resume, state "paused"). Only the
// payload cgroups: liblxc's lxc.monitor.<id> holds the monitor, which is not
// the container's.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ContainerRecord } from "./record.ts";

export function isMonitorCgroup(dir: string, id: string): boolean {
  const name = dir.slice(dir.lastIndexOf("/") + 1);
  const base = `lxc.monitor.${id}`;
  return name === base || (name.startsWith(base + "-") && /^\d+$/.test(name.slice(base.length + 1)));
}

export function payloadCgroups(r: ContainerRecord): string[] {
  return (r.cgroups ?? []).filter((d) => !isMonitorCgroup(d, r.id));
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Host pids of every process in the container's cgroups, ascending. */
export function containerPids(r: ContainerRecord): number[] {
  const pids = new Set<number>();
  for (const d of payloadCgroups(r))
    for (const line of (read(join(d, "cgroup.procs")) ?? "").split("\n")) if (line) pids.add(Number(line));
  return [...pids].sort((a, b) => a - b);
}

/** Frozen by the v1 freezer or cgroup v2's cgroup.freeze (liblxc uses whichever the host has). */
export function isFrozen(r: ContainerRecord): boolean {
  for (const d of payloadCgroups(r)) {
    const v1 = read(join(d, "freezer.state"));
    if (v1 !== undefined && v1.trim() !== "THAWED") return true;
    const v2 = read(join(d, "cgroup.freeze"));
    if (v2 !== undefined && v2.trim() === "1") return true;
  }
  return false;
}

/**
 * The freezer liblxc would use: the v1 freezer hierarchy when the host has
 * one, else cgroup v2's cgroup.freeze (on a hybrid host the v2 freezer of the
 * unified hierarchy would work too, but then pause and the v1 state disagree).
 */
function freezerFiles(r: ContainerRecord): { file: string; frozen: string; thawed: string; done: (d: string) => boolean }[] {
  const dirs = payloadCgroups(r);
  const v1 = dirs.filter((d) => read(join(d, "freezer.state")) !== undefined);
  if (v1.length)
    return v1.map((d) => ({ file: join(d, "freezer.state"), frozen: "FROZEN", thawed: "THAWED", done: (want) => read(join(d, "freezer.state"))?.trim() === want }));
  return dirs
    .filter((d) => read(join(d, "cgroup.freeze")) !== undefined)
    .map((d) => ({
      file: join(d, "cgroup.freeze"),
      frozen: "1",
      thawed: "0",
      done: (want) => new RegExp(`^frozen ${want === "1" ? 1 : 0}$`, "m").test(read(join(d, "cgroup.events")) ?? ""),
    }));
}

/** Freezes (or thaws) every process of the container and waits until the kernel says so. */
export async function setFrozen(r: ContainerRecord, frozen: boolean, timeoutMs = 5000): Promise<void> {
  const files = freezerFiles(r);
  if (!files.length) throw new Error("the container has no freezer cgroup");
  const deadline = Date.now() + timeoutMs;
  for (const f of files) {
    const want = frozen ? f.frozen : f.thawed;
    writeFileSync(f.file, want);
    while (!f.done(want)) {
      if (Date.now() > deadline) {
        if (frozen) writeFileSync(f.file, f.thawed); // leave it running rather than half frozen
        throw new Error(`${f.file}: still not ${want} after ${timeoutMs / 1000} s`);
      }
      await Bun.sleep(1);
      if (frozen) writeFileSync(f.file, want); // v1 may stay FREEZING until asked again
    }
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
        writeFileSync(w.path, w.value);
      } catch (e) {
        failed.push(w);
        lastError = e as Error;
      }
    if (failed.length === pending.length || round > 2) throw new Error(`${failed[0]!.path} = ${failed[0]!.value}: ${lastError!.message}`);
    pending = failed;
  }
}
