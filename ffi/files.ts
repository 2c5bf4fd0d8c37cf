// Synchronous file I/O over raw system calls, for the paths of the short
// calls (start, kill, delete): importing node:fs costs a compiled lxcri more
// than those calls spend on their files (docs/performance.md, "What start-up costs"). src/ reaches
// these through src/host/fs.ts, the one file facade. Failures
// throw a SysError as node:fs words its errors ("ENOENT: no such file or
// directory, open '/x'"; `code` the errno's name), so callers and the
// messages users see stay as they were. Every fd is close-on-exec; only
// exists() and stat() follow a symlink at the last component, as node's
// existsSync and statSync do.
import { ptr } from "./natives.ts";
import { closeFd } from "./fds.ts";
import { errno, strerror, trySys } from "./libc.ts";
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_REMOVEDIR,
  RENAME_EXCHANGE,
  AT_SYMLINK_NOFOLLOW,
  EEXIST,
  EINTR,
  ENOENT,
  ERRNO,
  LOCK_EX,
  O_APPEND,
  O_CLOEXEC,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_NOCTTY,
  O_NOFOLLOW,
  O_NONBLOCK,
  O_PATH,
  O_RDONLY,
  O_TRUNC,
  O_WRONLY,
  SYS,
} from "./syscalls.ts";

/** A failed system call (`what`: the call and its path, "open '/x'"), worded as node:fs words it. */
export class SysError extends Error {
  readonly code: string;
  constructor(
    readonly errno: number,
    what: string,
  ) {
    const [code, text] = ERRNO[errno] ?? [`E${errno}`, strerror(errno)];
    super(`${code}: ${text}, ${what}`);
    this.code = code;
  }
}

/** node's name for an errno ("ENOENT"). */
export const errnoName = (e: number): string => ERRNO[e]?.[0] ?? `E${e}`;

/** "open '/x'": a call and its path as node:fs names them in a message. */
export const callOn = (call: string, path: string) => `${call} '${path}'`;

type Arg = number | bigint | null;

/** The call's result, retried on EINTR; a SysError naming `what` on any other failure. */
function call(what: () => string, nr: number, a: Arg = 0, b: Arg = 0, c: Arg = 0, d: Arg = 0, e: Arg = 0): number {
  for (;;) {
    const r = trySys(nr, a, b, c, d, e);
    if (r >= 0) return r;
    const err = errno();
    if (err !== EINTR) throw new SysError(err, what());
  }
}

// Bytes are Uint8Arrays, text goes through TextEncoder/TextDecoder: Bun sets
// up its Buffer on first use, which `delete` and `kill` need not pay.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// A path as a C string. Each caller keeps it in a local while the call runs:
// a ptr() number alone does not keep the buffer from the garbage collector.
export const cs = (s: string): Uint8Array => encoder.encode(`${s}\0`);

export function openFile(path: string, flags: number, mode = 0): number {
  const p = cs(path);
  return call(() => callOn("open", path), SYS.openat, AT_FDCWD, ptr(p), flags | O_CLOEXEC, mode);
}

/** Everything `fd` gives until EOF (files of /proc and cgroupfs report no size: read until 0). */
export function readFd(fd: number, what = "read"): Uint8Array {
  let buf = new Uint8Array(4096);
  let size = 0;
  for (;;) {
    if (size === buf.length) {
      const bigger = new Uint8Array(buf.length * 2);
      bigger.set(buf);
      buf = bigger;
    }
    const n = call(() => what, SYS.read, fd, ptr(buf, size), buf.length - size);
    if (n === 0) return buf.subarray(0, size);
    size += n;
  }
}

/** What `fd` gives until EOF, but never more than `max` bytes (the caller knows a longer file for what it is). */
function readFdUpTo(fd: number, max: number, what: string, sizeHint: number): Uint8Array {
  let buf = new Uint8Array(Math.min(max, sizeHint + 1, 1 << 20) || 1);
  let size = 0;
  while (size < max) {
    if (size === buf.length) {
      const bigger = new Uint8Array(Math.min(max, buf.length * 2));
      bigger.set(buf);
      buf = bigger;
    }
    const n = call(() => what, SYS.read, fd, ptr(buf, size), buf.length - size);
    if (n === 0) break;
    size += n;
  }
  return buf.subarray(0, size);
}

/**
 * The bytes of the regular file `path`, read through one open file, or why
 * not: a symlink at its last component is not followed, anything but a
 * regular file (a FIFO, a device, a directory) is refused before it is opened
 * for reading — an O_PATH fd is looked at first, and only that inode is then
 * opened (through /proc/self/fd), so nothing swapped in between is read, no
 * FIFO blocks and no device's open runs — and a file larger than `limit`
 * (when opened, or growing while read) is refused after at most `limit` + 1
 * bytes.
 */
export function readRegularFile(path: string, limit: number): { bytes: Uint8Array } | { refused: Exclude<FileType, "file"> | "too large" } {
  const at = openFile(path, O_PATH | O_NOFOLLOW);
  try {
    const st = fstat(at, path);
    if (st.type !== "file") return { refused: st.type };
    if (st.size > limit) return { refused: "too large" };
    let fd: number;
    try {
      fd = openFile(`/proc/self/fd/${at}`, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    } catch (e) {
      throw e instanceof SysError ? new SysError(e.errno, callOn("open", path)) : e;
    }
    try {
      const bytes = readFdUpTo(fd, limit + 1, callOn("read", path), st.size);
      return bytes.length > limit ? { refused: "too large" } : { bytes };
    } finally {
      closeFd(fd);
    }
  } finally {
    closeFd(at);
  }
}

export function readFile(path: string): Uint8Array {
  const fd = openFile(path, O_RDONLY);
  try {
    return readFd(fd, callOn("read", path));
  } finally {
    closeFd(fd);
  }
}

export function readText(path: string): string {
  return decoder.decode(readFile(path));
}

/**
 * The file's text, or undefined when it cannot be read (gone, no such cgroup
 * file, …): no error is made when it cannot be opened, the common case (a
 * process that exited), which costs an Error's stack trace.
 */
export function tryReadText(path: string): string | undefined {
  const p = cs(path);
  const fd = trySys(SYS.openat, AT_FDCWD, ptr(p), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return undefined;
  try {
    return decoder.decode(readFd(fd, callOn("read", path)));
  } catch {
    return undefined;
  } finally {
    closeFd(fd);
  }
}

/** Writes all of `data` to `fd` (a pipe or a socket may take it in parts). */
export function writeAll(fd: number, data: string | Uint8Array, what = "write"): void {
  const buf = typeof data === "string" ? encoder.encode(data) : data;
  for (let done = 0; done < buf.length; ) done += call(() => what, SYS.write, fd, ptr(buf, done), buf.length - done);
}

function writeWith(path: string, data: string | Uint8Array, flags: number, mode: number): void {
  const fd = openFile(path, O_WRONLY | flags, mode);
  try {
    writeAll(fd, data, callOn("write", path));
  } finally {
    closeFd(fd);
  }
}

/** Creates or truncates `path` (`mode` for a new file, less the umask) and writes `data`. */
export function writeFile(path: string, data: string | Uint8Array, mode = 0o666): void {
  writeWith(path, data, O_CREAT | O_TRUNC, mode);
}

/** Writes to an existing file as it is (a cgroup file): no create, no truncate. */
export function writeExisting(path: string, data: string | Uint8Array): void {
  writeWith(path, data, 0, 0);
}

/** Writes `data` to a file that must not exist yet (EEXIST otherwise). */
export function writeNew(path: string, data: string | Uint8Array, mode: number): void {
  writeWith(path, data, O_CREAT | O_EXCL, mode);
}

/** Appends `data` in one write (O_APPEND: lines from several processes do not interleave). */
export function appendFile(path: string, data: string | Uint8Array, mode = 0o666): void {
  writeWith(path, data, O_CREAT | O_APPEND, mode);
}

export function rename(from: string, to: string): void {
  const [f, t] = [cs(from), cs(to)];
  call(() => `rename '${from}' -> '${to}'`, SYS.renameat, AT_FDCWD, ptr(f), AT_FDCWD, ptr(t));
}

/**
 * Swaps the two names at once (renameat2 RENAME_EXCHANGE): each now names what the other did. false,
 * and nothing moved, when either is missing or the filesystem cannot exchange (the caller renames).
 */
export function tryExchange(a: string, b: string): boolean {
  const [x, y] = [cs(a), cs(b)];
  for (;;) {
    if (trySys(SYS.renameat2, AT_FDCWD, ptr(x), AT_FDCWD, ptr(y), RENAME_EXCHANGE) === 0) return true;
    if (errno() !== EINTR) return false;
  }
}

/** Removes a file or a symlink (never what it points to); a file already gone is no error. */
export function unlinkIfExists(path: string): void {
  const p = cs(path);
  if (trySys(SYS.unlinkat, AT_FDCWD, ptr(p), 0) < 0 && errno() !== ENOENT) throw new SysError(errno(), callOn("unlink", path));
}

/** rmdir(2) without an error made: 0, or the errno of its failure (ENOENT: already gone). */
export function tryRemoveDir(path: string): number {
  const p = cs(path);
  return trySys(SYS.unlinkat, AT_FDCWD, ptr(p), AT_REMOVEDIR) === 0 ? 0 : errno();
}

/** mkdir(2) (`mode` less the umask); EEXIST when it is there. */
export function makeDir(path: string, mode: number): void {
  const p = cs(path);
  call(() => callOn("mkdir", path), SYS.mkdirat, AT_FDCWD, ptr(p), mode);
}

/** `path` and its missing parents (each `mode` less the umask), as node's recursive mkdirSync: no error if it is a directory already. */
export function makeDirs(path: string, mode: number): void {
  for (let i = path.indexOf("/", 1); ; i = path.indexOf("/", i + 1)) {
    const part = i < 0 ? path : path.slice(0, i);
    if (part && !part.endsWith("/")) {
      const p = cs(part);
      if (trySys(SYS.mkdirat, AT_FDCWD, ptr(p), mode) < 0) {
        const e = errno();
        if (e !== EEXIST || !stat(part).isDirectory()) throw new SysError(e, callOn("mkdir", path));
      }
    }
    if (i < 0) return;
  }
}

/** chmod(2): follows a symlink at the last component, as node's chmodSync. */
export function chmod(path: string, mode: number): void {
  const p = cs(path);
  call(() => callOn("chmod", path), SYS.fchmodat, AT_FDCWD, ptr(p), mode, 0);
}

// PATH_MAX: readlink(2) never returns more
const linkBuf = new Uint8Array(4096);

/** readlink(2): where the symlink `path` points (a /proc/<pid>/ns/… or /proc/<pid>/fd/… link too). */
export function readLink(path: string): string {
  const p = cs(path);
  const n = call(() => callOn("readlink", path), SYS.readlinkat, AT_FDCWD, ptr(p), ptr(linkBuf), linkBuf.length);
  return decoder.decode(linkBuf.subarray(0, n));
}

/** The canonical absolute path of `path` (every symlink resolved), as node's realpathSync: the kernel's name of it, opened O_PATH. */
export function realPath(path: string): string {
  const p = cs(path);
  const fd = call(() => callOn("realpath", path), SYS.openat, AT_FDCWD, ptr(p), O_PATH | O_CLOEXEC, 0);
  try {
    return readLink(`/proc/self/fd/${fd}`);
  } finally {
    closeFd(fd);
  }
}

/** A file's type, from its mode. */
export type FileType = "file" | "dir" | "symlink" | "fifo" | "socket" | "char device" | "block device" | "unknown";

export interface Stat {
  /** st_dev, exact (a decimal string); with `inode`, what names a file (a namespace) */
  device: string;
  mode: number;
  type: FileType;
  uid: number;
  gid: number;
  size: number;
  /** st_rdev: a device file's device number (major << 8 | minor for the small ones) */
  rdev: number;
  /** st_ino, exact (a decimal string: it is a u64) */
  inode: string;
  isDirectory(): boolean;
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

const S_IFMT = 0o170000;
const TYPES: Record<number, FileType> = {
  0o100000: "file",
  0o040000: "dir",
  0o120000: "symlink",
  0o010000: "fifo",
  0o140000: "socket",
  0o020000: "char device",
  0o060000: "block device",
};

/** newfstatat(2) of `path` relative to `dirFd` (AT_EMPTY_PATH with "": the fd itself), as a Stat. */
function statAt(dirFd: number, path: string, flags: number, what: () => string): Stat {
  const st = new BigUint64Array(18); // x86_64 struct stat: st_ino at byte 8; st_mode, st_uid, st_gid at 24, 28, 32; st_rdev at 40; st_size at 48
  const p = cs(path);
  call(what, SYS.newfstatat, dirFd, ptr(p), ptr(st), flags);
  return toStat(st);
}

function toStat(st: BigUint64Array): Stat {
  const v = new DataView(st.buffer);
  const mode = v.getUint32(24, true);
  const type = TYPES[mode & S_IFMT] ?? "unknown";
  return {
    device: String(st[0]),
    mode,
    type,
    uid: v.getUint32(28, true),
    gid: v.getUint32(32, true),
    size: Number(st[6]),
    rdev: Number(st[5]),
    inode: String(st[1]),
    isDirectory: () => type === "dir",
    isFile: () => type === "file",
    isSymbolicLink: () => type === "symlink",
  };
}

/** lstat(2): a symlink is described, not followed. */
export const lstat = (path: string): Stat => statAt(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, () => callOn("lstat", path));
/** stat(2): follows symlinks. */
export const stat = (path: string): Stat => statAt(AT_FDCWD, path, 0, () => callOn("stat", path));
/** fstat(2) of an open fd (an O_PATH one too); errors name `path`, what it was opened as. */
export const fstat = (fd: number, path: string): Stat => statAt(fd, "", AT_EMPTY_PATH, () => callOn("fstat", path));

/**
 * lstat(2), or undefined when it fails (`path` is gone): no Error is made, whose stack trace
 * costs a common miss (delete looks at each cgroup the record names, on cgroup v1 ten or twenty).
 */
export function tryLstat(path: string): Stat | undefined {
  const st = new BigUint64Array(18);
  const p = cs(path);
  for (;;) {
    if (trySys(SYS.newfstatat, AT_FDCWD, ptr(p), ptr(st), AT_SYMLINK_NOFOLLOW) === 0) return toStat(st);
    if (errno() !== EINTR) return undefined;
  }
}

// One buffer for inodeOf: it returns before anyone can ask again.
const inodeStat = new BigUint64Array(18);

/**
 * lstat(2)'s st_ino of `path` (a decimal string), or undefined when it fails (gone): tryLstat
 * without the Stat it builds, for delete's check of each recorded cgroup directory (twenty on
 * cgroup v1, half of them gone).
 */
export function inodeOf(path: string): string | undefined {
  const p = cs(path);
  for (;;) {
    if (trySys(SYS.newfstatat, AT_FDCWD, ptr(p), ptr(inodeStat), AT_SYMLINK_NOFOLLOW) === 0) return String(inodeStat[1]);
    if (errno() !== EINTR) return undefined;
  }
}

/** Whether `path` names something (through symlinks), as node's existsSync. */
export function exists(path: string): boolean {
  const st = new BigUint64Array(18);
  const p = cs(path);
  return trySys(SYS.newfstatat, AT_FDCWD, ptr(p), ptr(st), 0) === 0;
}

export interface DirEntry {
  name: string;
  /** The entry's d_type: "dir", "file", "symlink", "other" or "unknown" (the filesystem did not say). */
  type: "dir" | "file" | "symlink" | "other" | "unknown";
}

const D_TYPES: Record<number, DirEntry["type"]> = { 0: "unknown", 4: "dir", 8: "file", 10: "symlink" };

// One buffer for every listing: readDirFd returns before anyone can list again.
const dirents = new Uint8Array(32768);
const direntView = new DataView(dirents.buffer);

/**
 * The entries of the open directory `fd` (getdents64), without "." and "..";
 * with `only`, just the entries of that type, whose names alone are decoded
 * (a cgroup directory lists dozens of files for each subdirectory).
 */
export function readDirFd(fd: number, what = "scandir", only?: DirEntry["type"]): DirEntry[] {
  const out: DirEntry[] = [];
  for (;;) {
    const n = call(() => what, SYS.getdents64, fd, ptr(dirents), dirents.length);
    if (n === 0) return out;
    // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[] (NUL-terminated)
    for (let at = 0; at < n; at += direntView.getUint16(at + 16, true)) {
      const type = D_TYPES[dirents[at + 18]!] ?? "other";
      if (only !== undefined && type !== only) continue;
      const name = decoder.decode(dirents.subarray(at + 19, dirents.indexOf(0, at + 19)));
      if (name !== "." && name !== "..") out.push({ name, type });
    }
  }
}

/** The entries of directory `path`, without "." and ".."; with `only`, just those of that type. */
export function readDir(path: string, only?: DirEntry["type"]): DirEntry[] {
  const fd = openFile(path, O_RDONLY | O_DIRECTORY);
  try {
    return readDirFd(fd, callOn("scandir", path), only);
  } finally {
    closeFd(fd);
  }
}

/** An exclusive flock(2) on `path` (created 0600 if missing), held until release(). */
export function lockFile(path: string): { release(): void } {
  const fd = openFile(path, O_WRONLY | O_APPEND | O_CREAT, 0o600);
  try {
    call(() => callOn("flock", path), SYS.flock, fd, LOCK_EX);
  } catch (e) {
    closeFd(fd);
    throw e;
  }
  return { release: () => closeFd(fd) };
}
