// The uts names liblxc does not set: the domain name (liblxc has no key for
// it) and the hostname in a uts namespace joined by path (liblxc sets
// lxc.uts.name only in a namespace it created). The launcher is root with
// every capability in the container's uts namespace; create has already
// refused a path that is the runtime's own uts namespace (host.ts), so this
// never changes the host's names.
import { ptr } from "bun:ffi";
import { sys } from "../ffi/libc.ts";

const SYS_sethostname = 170;
const SYS_setdomainname = 171;

function set(nr: number, what: string, name: string): void {
  const buf = Buffer.from(name);
  sys(what, nr, buf.length ? ptr(buf) : 0, buf.length);
}

export function setDomainname(name: string): void {
  set(SYS_setdomainname, "setdomainname", name);
}

export function setHostname(name: string): void {
  set(SYS_sethostname, "sethostname", name);
}
