// create's first phase on the host: the runtime directory (root's, 0700),
// the record, the stored config.json and hooks, the mount points lxcri must
// make in a read-only rootfs, and the LXC config the monitor loads.
import { chmodSync, copyFileSync, lstatSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LxcContainer } from "../../../ffi/lxc-container.ts";
import type { Context } from "../../context.ts";
import { LxcriError } from "../../errors.ts";
import { writeHooks } from "../../hooks/layout.ts";
import type { ConfigItem } from "../../lxc/items.ts";
import type { Spec } from "../../spec/types.ts";
import { files } from "../record.ts";

/**
 * <root> and <root>/<id>, both root's. <root>/<id> is 0700; <root> too,
 * except that liblxc checks, as a user namespace's root, that it can
 * traverse its lxcpath (<root>): then <root> is 0711 (traverse, not list).
 */
export function makeRuntimeDir(ctx: Context, dir: string, id: string, userns: boolean): void {
  mkdirSync(ctx.root, { recursive: true, mode: 0o700 });
  const root = statSync(ctx.root);
  if (!root.isDirectory() || root.uid !== 0 || root.mode & 0o022)
    throw new LxcriError("runtime", `--root ${ctx.root}: must be a directory of root's that no one else can write to`);
  if (userns && (root.mode & 0o011) !== 0o011) chmodSync(ctx.root, (root.mode & 0o7777) | 0o011);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new LxcriError("exists", `container ${id} already exists`);
    throw new LxcriError("runtime", `cannot create ${dir}: ${(e as Error).message}`);
  }
  chmodSync(dir, 0o700); // whatever the umask
}

/** config.json as it was (0600: its env may hold secrets) and the hooks layout. */
export function storeSpec(dir: string, bundle: string, spec: Spec): void {
  const f = files(dir);
  copyFileSync(join(bundle, "config.json"), f.config);
  chmodSync(f.config, 0o600);
  writeHooks(f.hooks, spec.hooks);
}

/**
 * lxc.conf: the items as liblxc reads a config file, one `key = value` line
 * each (translation made sure each reads back as it is). The monitor loads it.
 */
export function writeLxcConf(dir: string, items: readonly ConfigItem[]): void {
  writeFileSync(files(dir).lxcConf, items.map(([k, v]) => `${k} = ${v}\n`).join(""), { mode: 0o600 });
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
 * Mount points lxcri must make in the rootfs on the host: for a read-only
 * root, every mount destination (liblxc cannot create them there). Only
 * plain directories under the rootfs are walked: a symlink on the way is left
 * for liblxc, which refuses symlinked mount targets.
 */
export function precreateMountpoints(rootfs: string, spec: Spec, mountpoints: { path: string; kind: "dir" | "file" }[]): string[] {
  if (!spec.root?.readonly) return [];
  // Paths below /dev, /proc and /sys live on filesystems mounted at start; those three themselves do not.
  const wanted = mountpoints.filter((m) => !/^\/(dev|proc|sys)\/./.test(m.path));
  const made: string[] = [];
  for (const { path, kind } of wanted) {
    const parts = path.split("/").filter(Boolean);
    let cur = rootfs;
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      cur = join(cur, parts[i]!);
      const last = i === parts.length - 1;
      let st;
      try {
        st = lstatSync(cur);
      } catch {
        try {
          if (last && kind === "file") writeFileSync(cur, "", { flag: "wx", mode: 0o644 });
          else mkdirSync(cur, { mode: 0o755 });
          made.push(cur);
        } catch {
          ok = false; // a read-only rootfs on the host: liblxc reports what is missing
        }
        continue;
      }
      if (st.isSymbolicLink() || (!last && !st.isDirectory())) ok = false;
    }
  }
  return made;
}
