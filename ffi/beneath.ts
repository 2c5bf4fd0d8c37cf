// Making and removing mount points in a directory a container may control (a
// rootfs another container shares, a volume): each step is an openat2 with
// no symlink allowed and never leaving the base directory, and each new
// directory or file is made relative to the fd of its parent. A symlink swapped
// in on the way (CVE-2021-30465) makes the call fail; it never redirects it.
import { ptr } from "./natives.ts";
import { closeFd } from "./fds.ts";
import { cs } from "./files.ts";
import { errno, errnoMessage, trySys } from "./libc.ts";
import {
  AT_REMOVEDIR,
  EEXIST,
  O_CLOEXEC,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_NOFOLLOW,
  O_PATH,
  O_WRONLY,
  RESOLVE_BENEATH,
  RESOLVE_NO_MAGICLINKS,
  RESOLVE_NO_SYMLINKS,
  SYS,
} from "./syscalls.ts";

const SYS_mkdirat = 258;
const SYS_openat = 257;
const SYS_unlinkat = 263;
const SYS_newfstatat = 262;

function openBeneath(dirFd: number, path: string, flags: number): number {
  const how = new BigUint64Array([BigInt(flags | O_CLOEXEC), 0n, BigInt(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)]);
  return trySys(SYS.openat2, dirFd, ptr(cs(path)), ptr(how), 24);
}

function fail(what: string): never {
  throw new Error(`${what}: ${errnoMessage()}${errno() === 40 ? " (a symlink on the way)" : ""}`);
}

/**
 * Makes `rel` (a relative path, no "..") below the directory `base`: every
 * missing directory, then the last part as a directory or an empty file.
 * Returns the host paths it made, outermost first. Throws when a component
 * is a symlink or not a directory.
 */
export function makeBeneath(base: string, rel: string, kind: "dir" | "file"): string[] {
  const parts = rel.split("/").filter((p) => p && p !== ".");
  if (parts.includes("..")) throw new Error(`${rel}: must not contain ".."`);
  const made: string[] = [];
  let dir = trySys(SYS_openat, -100, ptr(cs(base)), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) fail(`opening ${base}`);
  try {
    let host = base;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      host = `${host}/${part}`;
      if (last && kind === "file") {
        const fd = trySys(SYS_openat, dir, ptr(cs(part)), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644);
        if (fd >= 0) {
          closeFd(fd);
          made.push(host);
        } else if (errno() !== EEXIST) fail(`making ${host}`);
        else {
          const check = openBeneath(dir, part, O_PATH);
          if (check < 0) fail(`opening ${host}`);
          closeFd(check);
        }
        break;
      }
      if (trySys(SYS_mkdirat, dir, ptr(cs(part)), 0o755) === 0) made.push(host);
      else if (errno() !== EEXIST) fail(`making ${host}`);
      const next = openBeneath(dir, part, O_PATH | O_DIRECTORY);
      if (next < 0) fail(`opening ${host}`);
      closeFd(dir);
      dir = next;
    }
  } finally {
    closeFd(dir);
  }
  return made;
}

/**
 * Removes `path` (a host path below `base`) if it is still an empty directory
 * or an empty file, through an fd of its parent opened beneath `base` with no
 * symlink on the way: a swapped-in symlink makes it do nothing.
 */
export function removeBeneath(base: string, path: string): void {
  if (!path.startsWith(`${base}/`)) return;
  const rel = path.slice(base.length + 1);
  const slash = rel.lastIndexOf("/");
  const parentRel = slash < 0 ? "." : rel.slice(0, slash);
  const name = rel.slice(slash + 1);
  const root = trySys(SYS_openat, -100, ptr(cs(base)), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return;
  const parent = parentRel === "." ? root : openBeneath(root, parentRel, O_PATH | O_DIRECTORY);
  try {
    if (parent < 0) return;
    const st = new BigUint64Array(18); // struct stat: st_mode at byte 24, st_size at byte 48
    if (trySys(SYS_newfstatat, parent, ptr(cs(name)), ptr(st), 0x100 /* AT_SYMLINK_NOFOLLOW */) !== 0) return;
    const mode = new DataView(st.buffer).getUint32(24, true);
    const size = Number(st[6]);
    const isDir = (mode & 0o170000) === 0o040000;
    const isFile = (mode & 0o170000) === 0o100000;
    if (isDir)
      trySys(SYS_unlinkat, parent, ptr(cs(name)), AT_REMOVEDIR); // fails while not empty
    else if (isFile && size === 0) trySys(SYS_unlinkat, parent, ptr(cs(name)), 0);
  } finally {
    if (parent !== root) closeFd(parent);
    closeFd(root);
  }
}
