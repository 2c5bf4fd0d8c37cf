// domainname: liblxc has no key for it; the launcher sets it in the
// container's new uts namespace, where it still has CAP_SYS_ADMIN.
import { ptr } from "bun:ffi";
import { errnoMessage, libc } from "../ffi/libc.ts";

const SYS_setdomainname = 171;

export function setDomainname(name: string): void {
  const buf = Buffer.from(name);
  if (libc.syscall(SYS_setdomainname, buf.length ? ptr(buf) : 0, buf.length, 0, 0, 0) !== 0n) throw new Error(`setdomainname: ${errnoMessage()}`);
}
