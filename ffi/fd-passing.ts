// Passing file descriptors over AF_UNIX sockets (SCM_RIGHTS): the console
// socket protocol (connect, one sendmsg with the pty name as data and the
// master as the only fd) and its receiving end for tests and scripts. Bun has
// no API for ancillary data, hence raw syscalls.
import { ptr } from "bun:ffi";
import { closeFd } from "./fds.ts";
import { sys } from "./libc.ts";
import { AF_UNIX, MSG_CMSG_CLOEXEC, O_CLOEXEC, SCM_RIGHTS, SOCK_STREAM, SOL_SOCKET, SYS } from "./syscalls.ts";

function sockaddr(path: string): { addr: Buffer; len: number } {
  const addr = Buffer.alloc(110);
  addr.writeUInt16LE(AF_UNIX, 0);
  const name = Buffer.from(path);
  if (name.length > 107) throw new Error(`${path}: socket path longer than 107 bytes`);
  name.copy(addr, 2);
  return { addr, len: 2 + name.length + 1 };
}

/** A listening AF_UNIX stream socket at `path` (a console socket, for a Bun script that wants the terminal). */
export function listenUnix(path: string): number {
  const { addr, len } = sockaddr(path);
  const fd = sys("socket", SYS.socket, AF_UNIX, SOCK_STREAM | O_CLOEXEC, 0);
  try {
    sys(`binding ${path}`, SYS.bind, fd, ptr(addr), len);
    sys(`listening on ${path}`, SYS.listen, fd, 8);
  } catch (e) {
    closeFd(fd);
    throw e;
  }
  return fd;
}

/** Accepts one connection (blocks). */
export function acceptUnix(fd: number): number {
  return sys("accept4", SYS.accept4, fd, 0, 0, O_CLOEXEC);
}

/** Connects to the AF_UNIX stream socket at `path`. */
export function connectUnix(path: string): number {
  const { addr, len } = sockaddr(path);
  const fd = sys("socket", SYS.socket, AF_UNIX, SOCK_STREAM | O_CLOEXEC, 0);
  try {
    sys(`connecting to ${path}`, SYS.connect, fd, ptr(addr), len);
  } catch (e) {
    closeFd(fd);
    throw e;
  }
  return fd;
}

/** One message: `data` (non-empty) with `fd` as its only SCM_RIGHTS fd. */
export function sendFd(sock: number, fd: number, data: string): void {
  const payload = Buffer.from(data || "-");
  const iov = new BigUint64Array([BigInt(ptr(payload)), BigInt(payload.length)]);
  const control = Buffer.alloc(24); // CMSG_SPACE(sizeof(int))
  control.writeBigUInt64LE(20n, 0); // CMSG_LEN(sizeof(int))
  control.writeInt32LE(SOL_SOCKET, 8);
  control.writeInt32LE(SCM_RIGHTS, 12);
  control.writeInt32LE(fd, 16);
  const msg = Buffer.alloc(56); // struct msghdr
  msg.writeBigUInt64LE(BigInt(ptr(iov)), 16);
  msg.writeBigUInt64LE(1n, 24);
  msg.writeBigUInt64LE(BigInt(ptr(control)), 32);
  msg.writeBigUInt64LE(24n, 40);
  sys("sendmsg", SYS.sendmsg, sock, ptr(msg), 0);
  void payload, iov, control;
}

/** Receives one message with one fd (close-on-exec); blocks. */
export function receiveFd(sock: number): { fd: number; data: string } {
  const payload = Buffer.alloc(4096);
  const iov = new BigUint64Array([BigInt(ptr(payload)), BigInt(payload.length)]);
  const control = Buffer.alloc(24);
  const msg = Buffer.alloc(56);
  msg.writeBigUInt64LE(BigInt(ptr(iov)), 16);
  msg.writeBigUInt64LE(1n, 24);
  msg.writeBigUInt64LE(BigInt(ptr(control)), 32);
  msg.writeBigUInt64LE(24n, 40);
  const n = sys("recvmsg", SYS.recvmsg, sock, ptr(msg), MSG_CMSG_CLOEXEC);
  if (control.readInt32LE(8) !== SOL_SOCKET || control.readInt32LE(12) !== SCM_RIGHTS)
    throw new Error("recvmsg: no file descriptor in the message");
  return { fd: control.readInt32LE(16), data: payload.subarray(0, n).toString() };
}
