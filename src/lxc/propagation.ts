// Mount propagation as runc leaves it. liblxc turns the host's shared mounts into dependents
// before it mounts anything (runc's rslave of "/"), applies each mount entry's propagation
// options right after the mount (as runc), and then, after pivot_root, makes the whole tree
// rshared (conf.c lxc_pivot_root): every mount of the container in a peer group of its own,
// which no runc container has. The steps here undo that, in one place for init
// (ffi/native/init.c) and the start-host hook (ffi/native/propagate.c), as runc ≥ 1.2 leaves
// it: MS_SLAVE | MS_REC on "/" (runc's prepareRoot, MS_PRIVATE | MS_REC for rootfsPropagation
// rprivate: what depended on the host still does, the groups liblxc invented go), "/" alone
// private (runc makes the rootfs's parent mount private before it binds the rootfs), each
// mount's own options in the config's order, then linux.rootfsPropagation unless it is
// private (runc sets it after pivot_root; 1.1 did not). What the kernel did on its own when a
// mount went on or below one that was shared (it made the new one shared too) is done again
// as a step of its own. Where runc's namespace keeps the host's peer groups (rootfsPropagation
// shared, rshared, slave, private, unbindable: all but the recursive slave, private and
// unbindable), runc's binds of a host's shared mount are its peers; lxcri's stay dependents
// unless they ask for "shared" under a shared root (src/lxc/mounts.ts keepsHostPeers).
import type { PropagationStep } from "../contract/plan.ts";
import { PROPAGATION_OPTIONS as PROPAGATION_LIST } from "../spec/support.ts";

const MS_REC = 0x4000;
const FLAGS: Record<string, number> = { unbindable: 1 << 17, private: 1 << 18, slave: 1 << 19, shared: 1 << 20 };

/** The eight propagation options of a mount (and of linux.rootfsPropagation). */
export const PROPAGATION_OPTIONS: ReadonlySet<string> = new Set(PROPAGATION_LIST);

/** "rslave" → MS_SLAVE | MS_REC (runc's mapping); undefined for what is not a propagation option. */
export function propagationFlags(value: string | undefined): number | undefined {
  if (!value || !PROPAGATION_OPTIONS.has(value)) return undefined;
  const rec = value.startsWith("r");
  return FLAGS[rec ? value.slice(1) : value]! | (rec ? MS_REC : 0);
}

/** A mount's propagation options as steps on its destination, in the order given (runc applies each). */
export function mountSteps(dest: string, options: readonly string[]): PropagationStep[] {
  return options.flatMap((o) => {
    const flags = propagationFlags(o);
    return flags === undefined ? [] : [{ path: dest, flags }];
  });
}

const below = (path: string, dest: string) => path === dest || path.startsWith(dest === "/" ? "/" : `${dest}/`);

/** The steps for the mounts, in the config's order. */
export class PropagationSteps {
  readonly steps: PropagationStep[];
  readonly #root: number | undefined;
  readonly #all: string[] = [];
  readonly #shared = new Set<string>();

  /** What undoes liblxc's rshared, for linux.rootfsPropagation `root`. */
  constructor(root: string | undefined) {
    this.#root = propagationFlags(root);
    const reset = root === "rprivate" ? FLAGS.private! | MS_REC : FLAGS.slave! | MS_REC;
    this.steps = [
      { path: "/", flags: reset },
      { path: "/", flags: FLAGS.private! },
    ];
  }

  /**
   * A mount at `dest`, made on the one at `parent` (the destination of the latest earlier
   * mount it lies in or on; undefined for the rootfs, which is not shared while runc mounts),
   * with its own options' steps. `recursive`: an rbind, whose submounts the kernel makes shared
   * along with it on a shared parent (attach_recursive_mnt shares the whole tree it attaches).
   */
  mount(dest: string, parent: string | undefined, own: readonly PropagationStep[], recursive = false): void {
    if (parent !== undefined && this.#shared.has(parent)) {
      this.steps.push({ path: dest, flags: FLAGS.shared! | (recursive ? MS_REC : 0) });
      this.#shared.add(dest);
    } else this.#shared.delete(dest);
    this.#all.push(dest);
    for (const step of own) {
      this.steps.push(step);
      const shared = (step.flags & FLAGS.shared!) !== 0;
      const affected = step.flags & MS_REC ? this.#all.filter((p) => below(p, dest)) : [dest];
      for (const p of affected) shared ? this.#shared.add(p) : this.#shared.delete(p);
    }
  }

  /** linux.rootfsPropagation, last; private is done already (runc ≥ 1.2 skips it here). */
  root(): void {
    if (this.#root !== undefined && !(this.#root & FLAGS.private!)) this.steps.push({ path: "/", flags: this.#root });
  }
}
