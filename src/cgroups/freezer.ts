// Which of a container's recorded cgroups are its own, and which freezer it
// uses: no I/O of its own (each function takes the caller's `read`), so
// container.ts (host/fs.ts, for pause, resume and delete) and the state path
// (Bun.file, container/observe.ts) share one answer.
import type { ContainerRecord } from "../container/record.ts";

/** A file's content, or undefined where there is no such file. */
export type Read = (file: string) => string | undefined;

/**
 * liblxc's cgroup names for a container: lxc.payload.<id> and lxc.monitor.<id>,
 * or with "-1", "-2", … when the plain name was taken.
 */
export function isLxcCgroupName(name: string, id: string, kinds: readonly ("payload" | "monitor")[] = ["payload", "monitor"]): boolean {
  for (const kind of kinds) {
    const base = `lxc.${kind}.${id}`;
    if (name === base || (name.startsWith(base + "-") && /^\d+$/.test(name.slice(base.length + 1)))) return true;
  }
  return false;
}

export function isMonitorCgroup(dir: string, id: string): boolean {
  return isLxcCgroupName(dir.slice(dir.lastIndexOf("/") + 1), id, ["monitor"]);
}

export function payloadCgroups(r: ContainerRecord): string[] {
  return (r.cgroups ?? []).filter((d) => !isMonitorCgroup(d, r.id));
}

export interface Freezer {
  file: string;
  frozen: string;
  thawed: string;
  /** True once the kernel reports `want` done. */
  done(want: string): boolean;
}

/** The v1 freezer found by its path alone, so `state` of a running container reads a single file. */
const v1ByPath = (dirs: string[]) => dirs.find((d) => d.startsWith("/sys/fs/cgroup/freezer/"));

/**
 * The freezer liblxc uses: the v1 freezer hierarchy when the host has one,
 * else cgroup v2's cgroup.freeze (a hybrid host's unified hierarchy has one
 * too, but then pause and the v1 state would disagree).
 */
export function freezerOf(r: ContainerRecord, read: Read): Freezer | undefined {
  const dirs = payloadCgroups(r);
  const v1 = v1ByPath(dirs) ?? dirs.find((d) => read(`${d}/freezer.state`) !== undefined);
  if (v1) {
    const file = `${v1}/freezer.state`;
    return { file, frozen: "FROZEN", thawed: "THAWED", done: (want) => read(file)?.trim() === want };
  }
  const v2 = dirs.find((d) => read(`${d}/cgroup.freeze`) !== undefined);
  if (!v2) return undefined;
  const events = `${v2}/cgroup.events`;
  return {
    file: `${v2}/cgroup.freeze`,
    frozen: "1",
    thawed: "0",
    done: (want) => new RegExp(`^frozen ${want}$`, "m").test(read(events) ?? ""),
  };
}

/** Frozen, or on the way there (v1's FREEZING): the container is paused. */
export function isFrozenWith(r: ContainerRecord, read: Read): boolean {
  const f = freezerOf(r, read);
  return !!f && read(f.file)?.trim() !== f.thawed;
}

/** Every file isFrozenWith may read, for a caller that reads them all first. */
export function freezerFiles(r: ContainerRecord): string[] {
  const dirs = payloadCgroups(r);
  const v1 = v1ByPath(dirs);
  return v1 ? [`${v1}/freezer.state`] : dirs.flatMap((d) => [`${d}/freezer.state`, `${d}/cgroup.freeze`]);
}
