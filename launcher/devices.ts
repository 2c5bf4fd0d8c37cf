// linux.devices: the launcher makes the nodes itself — it is root with every
// capability until its exec step, inside the container's mount namespace.
import { ptr } from "bun:ffi";
import { chmodSync, chownSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { sys } from "../ffi/libc.ts";
import type { DeviceNode } from "../src/lxc/devices.ts";

const SYS_mknodat = 259;
const AT_FDCWD = -100;

/** The kernel's new_encode_dev: what mknod(2) takes as dev. */
export function encodeDev(major: number, minor: number): number {
  return ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
}

export function makeDevices(nodes: DeviceNode[]): void {
  for (const d of nodes) {
    mkdirSync(dirname(d.path), { recursive: true });
    rmSync(d.path, { force: true });
    const path = Buffer.from(d.path + "\0");
    sys(`mknod ${d.path}`, SYS_mknodat, AT_FDCWD, ptr(path), d.mode, encodeDev(d.major, d.minor));
    chownSync(d.path, d.uid, d.gid);
    chmodSync(d.path, d.mode & 0o7777); // mknod applied the umask
  }
}
