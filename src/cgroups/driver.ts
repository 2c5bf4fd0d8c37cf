// A container's cgroups behind one handle, as crun's cgroup.h over its
// cgroupfs and systemd drivers (youki's CgroupManager): chosen once from the
// record (a systemd scope recorded: systemd; else cgroupfs), or at create from
// --systemd-cgroup. Operations ask it instead of touching cgroup files:
// update, pause/resume, stats, ps, kill --all and destroy. Both drivers read
// and write the container's directories themselves (a scope is a cgroup
// directory too, as with runc's systemd driver); the systemd one also sets
// the scope's properties, starts the scope at create and stops it at delete.
// D-Bus code is imported only where a scope is asked for (most containers
// have none: delete and kill load nothing of it), the statistics and the
// unit properties only where they are asked for.
import { isFrozen, pidsIn, setFrozen, writeSettings } from "./cgroupfs.ts";
import type { CgroupLayout } from "./layout.ts";
import { removeCgroups, removeCgroupsNow, removeIfEmpty, sameCgroups, signalCgroupMembers } from "./paths.ts";
import { allDirs, type ContainerCgroups } from "./record.ts";
import type { CgroupSetting } from "./settings.ts";
import type { Stats } from "./stats.ts";
import { joinDirs } from "./process-join.ts";
import type { SubCgroups } from "./sub-cgroups.ts";
import type { Target } from "../systemd/bus.ts";

export interface CgroupDriver {
  readonly kind: "cgroupfs" | "systemd";
  /** The record it acts on (apply adds the scope to it). */
  readonly cgroups: ContainerCgroups;
  /**
   * create, once init is up in the planned directories (liblxc wrote the settings there): the
   * systemd driver starts the scope around init, records it (then `save`), and writes the
   * settings again after systemd, which may have reset what it has no property for. Under a
   * user's systemd (rootless) the scope is started earlier, around the monitor at its gate,
   * and liblxc then makes the container's cgroups below it and writes their settings.
   */
  apply(initPid: number, settings: readonly CgroupSetting[], layout: CgroupLayout, save: () => void): Promise<void>;
  /** New settings for a container that has not stopped: a scope's properties first, then the files. */
  update(settings: readonly CgroupSetting[], layout: CgroupLayout): Promise<void>;
  /** Frozen, or on the way there: the container is paused. */
  isFrozen(): boolean;
  /** Freezes (or thaws) every process of the container and waits until the kernel says so. */
  setFrozen(frozen: boolean, timeoutMs?: number): Promise<void>;
  /** exec: the directories a new process joins, one per hierarchy (init's own within the container's; --cgroup's sub-cgroups). */
  joinDirs(init: number, subs?: SubCgroups): string[];
  /** Host pids of the container's processes (its directories, not the monitor's), ascending. */
  pids(): number[];
  stats(): Promise<Stats>;
  /** How many processes the kernel OOM-killed in the container's cgroups, or undefined where none counts them. */
  oomKills(): Promise<number | undefined>;
  /** Memory usage in bytes, or undefined where it cannot be read. */
  memoryUsage(): Promise<number | undefined>;
  /** The same driver over the recorded directories that are still the ones liblxc made (their inodes). */
  own(): CgroupDriver;
  /** create, once the monitor has exited: its cgroups are empty now (delete would retry any left). */
  releaseMonitor(): void;
  /** Any directory left to act on. */
  hasDirs(): boolean;
  /**
   * Signals every process in the container's directories (and the monitor's with `withMonitor`)
   * but `skip`, each through a pidfd checked to be in them: the number signalled.
   */
  signal(signal: number, opts?: { withMonitor?: boolean; skip?: readonly number[] }): number;
  /**
   * destroy, when nothing of the container runs: one attempt at removing the directories (with
   * their children when `withChildren`); a driver over those that stay. A scope's directories
   * are systemd's to remove once the scope is stopped: none is tried.
   */
  removeNow(withChildren: boolean): CgroupDriver;
  /** destroy, the container stopped: a scope stopped, the directories removed (retried while the last processes leave), then the empty parents. Warnings. */
  remove(withChildren: boolean): Promise<string[]>;
}

/** The driver of what a record holds of a container's cgroups (none recorded: no directories). */
export const driverOf = (r: { cgroups?: ContainerCgroups }): CgroupDriver => cgroupDriver(r.cgroups ?? { dirs: [], monitorDirs: [] });

/**
 * The driver for a container's recorded cgroups; `scope` at create with --systemd-cgroup where a
 * unit is asked for, with the user's bus as its `target` under a user's own systemd.
 */
export function cgroupDriver(cg: ContainerCgroups, scope?: { unit: string; slice: string; target?: Target }): CgroupDriver {
  const dirs = cg.dirs;
  const all = allDirs(cg);
  // loops, not filter and map: delete narrows the driver, and each array builtin costs a call its first use
  const kept = (dirs: readonly string[], keep: readonly string[]) => {
    const out: string[] = [];
    for (const d of dirs) if (keep.includes(d)) out.push(d);
    return out;
  };
  const narrowed = (keep: readonly string[]): CgroupDriver =>
    cgroupDriver({ ...cg, dirs: kept(cg.dirs, keep), monitorDirs: kept(cg.monitorDirs, keep) }, scope);
  const systemd = !!cg.systemdUnit || !!scope;
  return {
    kind: systemd ? "systemd" : "cgroupfs",
    cgroups: cg,
    async apply(pid, settings, layout, save) {
      if (!scope || cg.systemdUnit) return;
      // the D-Bus code only here: most creates have no scope to start
      const { startScope, systemdRuns } = await import("../systemd/units.ts");
      if (!systemdRuns()) return;
      const { scopeProperties } = await import("./scope.ts");
      cg.systemdInvocation = await startScope(scope.unit, scope.slice, pid, scopeProperties(settings, layout), scope.target);
      cg.systemdUnit = scope.unit;
      if (scope.target) cg.systemdBus = scope.target.path;
      save();
      // under a user's systemd the container's directories are not made yet (liblxc writes them)
      if (!scope.target) writeSettings(dirs, settings);
    },
    async update(settings, layout) {
      // the scope's properties first: systemd writes the files for those itself
      if (cg.systemdUnit) {
        const { setProperties, systemdTarget } = await import("../systemd/units.ts");
        const { scopeProperties } = await import("./scope.ts");
        await setProperties(cg.systemdUnit, cg.systemdInvocation, scopeProperties(settings, layout), systemdTarget(cg));
      }
      writeSettings(dirs, settings);
    },
    isFrozen: () => isFrozen(dirs),
    setFrozen: (frozen, timeoutMs) => setFrozen(dirs, frozen, timeoutMs),
    joinDirs: (init, subs) => joinDirs(dirs, init, subs),
    pids: () => pidsIn(dirs),
    stats: async () => (await import("./stats.ts")).containerStats(dirs),
    oomKills: async () => (await import("./stats.ts")).oomKills(dirs),
    memoryUsage: async () => (await import("./stats.ts")).memoryUsage(dirs),
    own: () => narrowed(sameCgroups(all, cg.inodes)),
    releaseMonitor: () => removeIfEmpty(cg.monitorDirs),
    hasDirs: () => all.length > 0,
    signal: (sig, opts = {}) => signalCgroupMembers(opts.withMonitor ? all : dirs, sig, opts.skip),
    removeNow(withChildren) {
      if (cg.systemdUnit) return this;
      const left: string[] = [];
      for (const f of removeCgroupsNow(all, withChildren)) left.push(f.dir);
      return narrowed(left);
    },
    async remove(withChildren) {
      const warnings: string[] = [];
      // Stopped only while it is the invocation create started: systemd may have started another of that name since.
      if (cg.systemdUnit)
        await import("../systemd/units.ts")
          .then(({ stopScope, systemdTarget }) => stopScope(cg.systemdUnit!, cg.systemdInvocation, systemdTarget(cg)))
          .then((leftAlone) => leftAlone && warnings.push(leftAlone))
          .catch((e) => warnings.push(`cannot stop systemd unit ${cg.systemdUnit}: ${(e as Error).message}`));
      // none left: delete's usual case after removeNow, without the retry loop's first run and its await
      if (all.length) for (const l of await removeCgroups(all, withChildren)) warnings.push(`cannot remove cgroup ${l}`);
      removeIfEmpty(cg.parents ?? []);
      return warnings;
    },
  };
}
