// The freezer of a container's cgroups (its recorded directories, src/cgroups/record.ts):
// which one liblxc uses and whether it is frozen. No I/O of its own (each function takes
// the caller's `read`: cgroupfs.ts reads through host/fs.ts).

/** A file's content, or undefined where there is no such file. */
export type Read = (file: string) => string | undefined;

export interface Freezer {
  file: string;
  frozen: string;
  thawed: string;
  /** True once the kernel reports `want` done. */
  done(want: string): boolean;
}

/** The first of `dirs` that `is`: a loop, not find, which costs each hot call its first use (docs/performance.md, round 5). */
function first(dirs: readonly string[], is: (d: string) => boolean): string | undefined {
  for (const d of dirs) if (is(d)) return d;
  return undefined;
}

/** The v1 freezer found by its path alone, so `state` of a running container reads a single file. */
const v1ByPath = (dirs: readonly string[]) => first(dirs, (d) => d.startsWith("/sys/fs/cgroup/freezer/"));

/**
 * The freezer liblxc uses: the v1 freezer hierarchy when the host has one,
 * else cgroup v2's cgroup.freeze (a hybrid host's unified hierarchy has one
 * too, but then pause and the v1 state would disagree).
 */
export function freezerOf(dirs: readonly string[], read: Read): Freezer | undefined {
  const v1 = v1ByPath(dirs) ?? first(dirs, (d) => read(`${d}/freezer.state`) !== undefined);
  if (v1) {
    const file = `${v1}/freezer.state`;
    return { file, frozen: "FROZEN", thawed: "THAWED", done: (want) => read(file)?.trim() === want };
  }
  const v2 = first(dirs, (d) => read(`${d}/cgroup.freeze`) !== undefined);
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
export function isFrozenWith(dirs: readonly string[], read: Read): boolean {
  const f = freezerOf(dirs, read);
  return !!f && read(f.file)?.trim() !== f.thawed;
}
