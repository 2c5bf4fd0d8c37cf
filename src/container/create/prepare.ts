// create's first phase on the host: the runtime directory (root's, 0700),
// the record, the stored config.json and hooks, the mount points lxcri must
// make in a read-only rootfs, and the LXC config the monitor loads.
import { makeBeneath } from "../../../ffi/beneath.ts";
import { LxcContainer } from "../../../ffi/lxc-container.ts";
import type { Context } from "../../context.ts";
import { LxcriError } from "../../errors.ts";
import { writeAtomic, chmod, lstat, makeDir, makeDirs, stat, writeFile } from "../../host/fs.ts";
import type { ConfigItem } from "../../lxc/items.ts";
import type { MountPoint } from "../../lxc/mounts.ts";
import { files } from "../store.ts";

/**
 * <root> and <root>/<id>, both root's. <root>/<id> is 0700; <root> too,
 * except that liblxc checks, as a user namespace's root, that it can
 * traverse its lxcpath (<root>): then <root> is 0711 (traverse, not list).
 */
export function makeRuntimeDir(ctx: Context, dir: string, id: string, userns: boolean): void {
  makeDirs(ctx.root, 0o700);
  const root = stat(ctx.root);
  // root's, or rootless the caller's own ($XDG_RUNTIME_DIR/lxcri, as runc's)
  const euid = process.geteuid!();
  if (!root.isDirectory() || root.uid !== euid || root.mode & 0o022)
    throw new LxcriError(
      "runtime",
      `--root ${ctx.root}: must be a directory of ${euid === 0 ? "root's" : `uid ${euid}'s`} that no one else can write to`,
    );
  if (userns && (root.mode & 0o011) !== 0o011) chmod(ctx.root, (root.mode & 0o7777) | 0o011);
  try {
    makeDir(dir, 0o700);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new LxcriError("exists", `container ${id} already exists`);
    throw new LxcriError("runtime", `cannot create ${dir}: ${(e as Error).message}`);
  }
  chmod(dir, 0o700); // whatever the umask
}

/**
 * <root>/.stage (src/lxc/staged-mounts.ts): an empty directory the pre-mount hook mounts a
 * tmpfs over in a container's mount namespace only; one for all the root's containers, never
 * written on the host. 0711, as <root> is for a user namespace's root, who runs the hook. <root>
 * is ours and no one else's to write (makeRuntimeDir), so what is there is ours too.
 */
export function makeStageDir(dir: string): void {
  try {
    makeDir(dir, 0o711);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new LxcriError("runtime", `cannot create ${dir}: ${(e as Error).message}`);
  }
  const st = lstat(dir);
  if (!st.isDirectory()) throw new LxcriError("runtime", `${dir}: not a directory`);
  chmod(dir, 0o711); // whatever the umask
}

/**
 * config.json as create read and checked it — those bytes, not the bundle's
 * file again (0600: its env may hold secrets). The hooks layout create writes
 * once the monitor runs (index.ts).
 */
export function storeSpec(dir: string, config: Uint8Array): void {
  writeAtomic(files(dir).config, config, 0o600);
}

/**
 * lxc.conf: the items as liblxc reads a config file, one `key = value` line
 * each (translation made sure each reads back as it is). The monitor loads it.
 */
export function writeLxcConf(dir: string, items: readonly ConfigItem[]): void {
  writeFile(files(dir).lxcConf, items.map(([k, v]) => `${k} = ${v}\n`).join(""), 0o600);
}

/**
 * When the monitor could not load lxc.conf: each item set through liblxc
 * (bun:ffi), to name the one it refuses. Off the hot path: loading liblxc
 * into create costs milliseconds, and the monitor checks every item anyway.
 */
export function rejectedItem(ctx: Context, id: string, items: readonly ConfigItem[]): string | undefined {
  const lxc = new LxcContainer(id, ctx.root);
  try {
    for (const [key, value] of items) if (!lxc.setConfigItem(key, value)) return `liblxc rejected ${key} = ${JSON.stringify(value)}`;
    return undefined;
  } finally {
    lxc.release();
  }
}

/**
 * The mount points translation listed, made race-free on the host
 * (ffi/beneath.ts); the ones made in the rootfs are returned for delete to
 * remove (those made in a volume stay, as runc leaves them).
 */
export function makeMountpoints(rootfs: string, points: readonly MountPoint[]): string[] {
  const made: string[] = [];
  for (const p of points) {
    let paths: string[];
    try {
      paths = makeBeneath(p.base, p.rel, p.kind);
    } catch (e) {
      throw new LxcriError("invalid-config", `mount point /${p.rel} in ${p.base}: ${(e as Error).message}`);
    }
    if (p.base === rootfs) made.push(...paths);
  }
  return made;
}
