// Pseudo-terminals for `exec -t`: allocated from the container's own devpts,
// so the slave is /dev/pts/N inside the container, as runc does it. The
// container controls its /dev: its ptmx is opened from the host with
// openat2(RESOLVE_IN_ROOT) below the container's root (no symlink or ".."
// leads out, no magic link is followed) and must be the ptmx device (5:2).
import { ptr } from "bun:ffi";
import { fstat, openFile } from "./files.ts";
import { closeFd } from "./fds.ts";
import { sys, trySys } from "./libc.ts";
import { O_CLOEXEC, O_NOCTTY, O_PATH, O_RDWR, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, SYS } from "./syscalls.ts";

const TIOCSPTLCK = 0x40045431;
const TIOCGPTN = 0x80045430;
const TIOCGPTPEER = 0x5441;
const TIOCSWINSZ = 0x5414;
const TIOCGWINSZ = 0x5413;

function ioctl(fd: number, request: number, arg: number | Uint8Array | Int32Array | Uint16Array, what: string): number {
  return sys(what, SYS.ioctl, fd, request, typeof arg === "number" ? arg : ptr(arg));
}

export interface Pty {
  master: number;
  slave: number;
  /** /dev/pts/N, as the container sees it. */
  name: string;
}

/** Opens `path` below the directory `root` as if `root` were "/" (openat2 RESOLVE_IN_ROOT). */
function openInRoot(root: string, path: string, flags: number): number {
  const dir = openFile(root, O_PATH | O_CLOEXEC);
  try {
    const how = new BigUint64Array([BigInt(flags | O_CLOEXEC), 0n, BigInt(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)]);
    const p = Buffer.from(path + "\0");
    return sys(`opening ${path} in the container`, SYS.openat2, dir, ptr(p), ptr(how), 24);
  } finally {
    closeFd(dir);
  }
}

/** A new pty from the devpts mounted at /dev/pts of the filesystem tree `root`; both fds are close-on-exec. */
export function openPtyIn(root: string): Pty {
  const master = openInRoot(root, "/dev/pts/ptmx", O_RDWR | O_NOCTTY);
  try {
    const st = fstat(master, "/dev/pts/ptmx in the container");
    if (st.type !== "char device" || st.rdev !== ((5 << 8) | 2)) throw new Error("/dev/pts/ptmx in the container is not a pty multiplexer");
    ioctl(master, TIOCSPTLCK, new Int32Array([0]), "unlocking a pty");
    const n = new Int32Array(1);
    ioctl(master, TIOCGPTN, n, "pty number");
    const slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC, "opening the pty's slave");
    return { master, slave, name: `/dev/pts/${n[0]}` };
  } catch (e) {
    closeFd(master);
    throw e;
  }
}

/** /dev/pts/N of a pty master. */
export function ptyName(master: number): string {
  const n = new Int32Array(1);
  ioctl(master, TIOCGPTN, n, "pty number");
  return `/dev/pts/${n[0]}`;
}

export function setWindowSize(fd: number, rows: number, cols: number): void {
  ioctl(fd, TIOCSWINSZ, new Uint16Array([rows, cols, 0, 0]), "setting the terminal size");
}

/** Rows and columns of the terminal on `fd`, or undefined when it is not one. */
export function windowSize(fd: number): { rows: number; cols: number } | undefined {
  const ws = new Uint16Array(4);
  return trySys(SYS.ioctl, fd, TIOCGWINSZ, ptr(ws)) < 0 ? undefined : { rows: ws[0]!, cols: ws[1]! };
}
