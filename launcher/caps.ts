// The inheritable and ambient capability sets. liblxc sets only the bounding
// set; for root, execve() then makes permitted = effective = bounding. The
// ambient set needs each capability in permitted and inheritable first.
import { ptr } from "bun:ffi";
import { errnoMessage, libc } from "../ffi/libc.ts";

const SYS_capget = 125;
const SYS_capset = 126;
const SYS_prctl = 157;
const LINUX_CAPABILITY_VERSION_3 = 0x20080522;
const PR_CAP_AMBIENT = 47;
const PR_CAP_AMBIENT_RAISE = 2;

export function raiseCapabilities(inheritable: number[], ambient: number[]): void {
  if (!inheritable.length && !ambient.length) return;
  const header = new Uint32Array([LINUX_CAPABILITY_VERSION_3, 0]);
  const data = new Uint32Array(6); // two {effective, permitted, inheritable}
  if (libc.syscall(SYS_capget, ptr(header), ptr(data), 0, 0, 0) !== 0n) throw new Error(`capget: ${errnoMessage()}`);
  for (const cap of new Set([...inheritable, ...ambient])) data[(cap >> 5) * 3 + 2]! |= 1 << (cap & 31);
  if (libc.syscall(SYS_capset, ptr(header), ptr(data), 0, 0, 0) !== 0n)
    throw new Error(`capset (inheritable capabilities): ${errnoMessage()}`);
  for (const cap of ambient)
    if (libc.syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) !== 0n)
      throw new Error(`raising ambient capability ${cap}: ${errnoMessage()}`);
}
