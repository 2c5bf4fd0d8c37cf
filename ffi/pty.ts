// Pseudo-terminals for --console-socket and exec -t: allocated through a
// container's own devpts (opened from the host as /proc/<pid>/root/dev/pts/ptmx),
// so the slave is /dev/pts/N inside the container, as runc does it.
import { constants, openSync } from "node:fs";
import { ptr } from "bun:ffi";
import { libc, sys } from "./libc.ts";

const SYS_ioctl = 16;
const TIOCSPTLCK = 0x40045431;
const TIOCGPTN = 0x80045430;
const TIOCGPTPEER = 0x5441;
const TIOCSWINSZ = 0x5414;
const TIOCGWINSZ = 0x5413;
const O_NOCTTY = 0o400;

function ioctl(fd: number, request: number, arg: number | Uint8Array | Int32Array | Uint16Array, what: string): number {
  return sys(what, SYS_ioctl, fd, request, typeof arg === "number" ? arg : ptr(arg));
}

export interface Pty {
  master: number;
  slave: number;
  /** /dev/pts/N, as the container sees it. */
  name: string;
}

/** A new pty from the devpts whose ptmx is `ptmx`; both fds are close-on-exec. */
export function openPty(ptmx: string): Pty {
  const master = openSync(ptmx, constants.O_RDWR | O_NOCTTY);
  ioctl(master, TIOCSPTLCK, new Int32Array([0]), `unlocking a pty of ${ptmx}`);
  const n = new Int32Array(1);
  ioctl(master, TIOCGPTN, n, `pty number of ${ptmx}`);
  const slave = ioctl(master, TIOCGPTPEER, constants.O_RDWR | O_NOCTTY | 0o2000000, `opening the pty peer of ${ptmx}`);
  return { master, slave, name: `/dev/pts/${n[0]}` };
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
  const r = Number(libc.syscall(SYS_ioctl, fd, TIOCGWINSZ, ptr(ws), 0, 0, 0));
  return r < 0 ? undefined : { rows: ws[0]!, cols: ws[1]! };
}

const SYS_dup2 = 33;
const SYS_setsid = 112;
const TIOCSCTTY = 0x540e;

/** Makes `slave` this process's stdin, stdout, stderr and controlling terminal (runc: setsid, TIOCSCTTY). */
export function takeTerminal(slave: number): void {
  libc.syscall(SYS_setsid, 0, 0, 0, 0, 0, 0); // fails harmlessly when already a session leader
  for (let fd = 0; fd <= 2; fd++) sys(`dup2 of the terminal to fd ${fd}`, SYS_dup2, slave, fd);
  ioctl(0, TIOCSCTTY, 0, "making the pty the controlling terminal");
}
