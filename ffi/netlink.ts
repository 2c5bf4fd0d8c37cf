// rtnetlink for linux.netDevices (runtime-spec 1.3), as runc 1.4 does it: a
// device's permanent global addresses (the kernel drops them when the device
// moves), and moving a device into a network namespace joined by path, with
// its new name in the same message, then its addresses again and up there.
// A new namespace is liblxc's ("phys" networks, src/lxc/net-devices.ts).
import { ptr } from "bun:ffi";
import { closeFd } from "./fds.ts";
import { openFile } from "./files.ts";
import { errnoMessage, strerror, sys, trySys } from "./libc.ts";
import { O_RDONLY, SYS } from "./syscalls.ts";

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_ROUTE = 0;
const CLONE_NEWNET = 0x40000000;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const RTM_NEWLINK = 16;
const RTM_NEWADDR = 20;
const RTM_GETADDR = 22;
const NLM_F_REQUEST = 1;
const NLM_F_ACK = 4;
const NLM_F_DUMP = 0x300;
const NLM_F_CREATE = 0x400;
const NLM_F_EXCL = 0x200;
const IFLA_IFNAME = 3;
const IFLA_NET_NS_FD = 28;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const IFA_FLAGS = 8;
const IFA_F_PERMANENT = 0x80;
const RT_SCOPE_UNIVERSE = 0;
const IFF_UP = 1;
const AF_INET = 2;
const AF_INET6 = 10;

export interface Address {
  family: 4 | 6;
  /** The address's bytes (4 or 16). */
  bytes: Uint8Array;
  prefix: number;
}

const align = (n: number) => (n + 3) & ~3;

/** A netlink message: header, the fixed part, then attributes (type, bytes). */
function message(type: number, flags: number, fixed: Uint8Array, attrs: [number, Uint8Array][] = []): Uint8Array {
  const len = 16 + fixed.length + attrs.reduce((n, [, d]) => n + align(4 + d.length), 0);
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  v.setUint32(0, len, true);
  v.setUint16(4, type, true);
  v.setUint16(6, flags, true);
  v.setUint32(8, 1, true);
  out.set(fixed, 16);
  let at = 16 + fixed.length;
  for (const [t, d] of attrs) {
    v.setUint16(at, 4 + d.length, true);
    v.setUint16(at + 2, t, true);
    out.set(d, at + 4);
    at += align(4 + d.length);
  }
  return out;
}

function ifinfo(index: number, flags = 0, change = 0): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setInt32(4, index, true);
  v.setUint32(8, flags, true);
  v.setUint32(12, change, true);
  return b;
}

const u32 = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
const cstr = (s: string) => new TextEncoder().encode(`${s}\0`);

function open(): number {
  return sys("socket(AF_NETLINK)", SYS.socket, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

/** Sends `msg` and reads replies until the ack (or, for a dump, NLMSG_DONE); each other message's payload to `each`. */
function talk(fd: number, msg: Uint8Array, what: string, each?: (type: number, payload: DataView) => void): void {
  sys(what, SYS.write, fd, ptr(msg), msg.length);
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = sys(what, SYS.read, fd, ptr(buf), buf.length);
    const v = new DataView(buf.buffer, 0, n);
    for (let at = 0; at + 16 <= n; ) {
      const len = v.getUint32(at, true);
      const type = v.getUint16(at + 4, true);
      if (len < 16) return;
      if (type === NLMSG_DONE) return;
      if (type === NLMSG_ERROR) {
        const err = -v.getInt32(at + 16, true);
        if (err) throw new Error(`${what}: ${strerror(err)} (errno ${err})`);
        return;
      }
      each?.(type, new DataView(buf.buffer, at + 16, len - 16));
      at += align(len);
    }
  }
}

/** The permanent addresses of global scope on the device `index` (what runc carries over). */
export function permanentGlobalAddresses(index: number): Address[] {
  const fd = open();
  try {
    const out: Address[] = [];
    const req = message(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, new Uint8Array(8));
    talk(fd, req, "listing addresses", (type, p) => {
      if (type !== RTM_NEWADDR || p.getUint32(4, true) !== index) return;
      const family = p.getUint8(0);
      if (family !== AF_INET && family !== AF_INET6) return;
      let flags = p.getUint8(2);
      const scope = p.getUint8(3);
      let addr: Uint8Array | undefined;
      let local: Uint8Array | undefined;
      for (let at = 8; at + 4 <= p.byteLength; ) {
        const len = p.getUint16(at, true);
        const t = p.getUint16(at + 2, true);
        if (len < 4) break;
        const data = new Uint8Array(p.buffer.slice(p.byteOffset + at + 4, p.byteOffset + at + len));
        if (t === IFA_ADDRESS) addr = data;
        else if (t === IFA_LOCAL) local = data;
        else if (t === IFA_FLAGS) flags = new DataView(data.buffer).getUint32(0, true);
        at += align(len);
      }
      const bytes = local ?? addr; // IFA_LOCAL is the interface's own address (IFA_ADDRESS the peer's on point-to-point)
      if (bytes && scope === RT_SCOPE_UNIVERSE && flags & IFA_F_PERMANENT)
        out.push({ family: family === AF_INET ? 4 : 6, bytes, prefix: p.getUint8(1) });
    });
    return out;
  } finally {
    closeFd(fd);
  }
}

/** A netlink socket in the network namespace at `nsPath` (setns there and back on this thread, nothing in between). */
function openIn(nsPath: string): number {
  const own = openFile("/proc/thread-self/ns/net", O_RDONLY);
  const target = openFile(nsPath, O_RDONLY);
  try {
    sys(`setns ${nsPath}`, SYS.setns, target, CLONE_NEWNET);
    let fd = -1;
    try {
      fd = open();
    } finally {
      if (trySys(SYS.setns, own, CLONE_NEWNET) !== 0) throw new Error(`setns back to the runtime's network namespace: ${errnoMessage()}`); // cannot be: it is ours
    }
    return fd;
  } finally {
    closeFd(own);
    closeFd(target);
  }
}

/**
 * Moves the device `index` into the network namespace at `nsPath` renamed `name` (one message: no
 * moment with a name clash on either side), then gives it `addresses` and sets it up there.
 */
export function moveDevice(index: number, name: string, nsPath: string, addresses: Address[]): void {
  const fd = open();
  const ns = openFile(nsPath, O_RDONLY);
  try {
    talk(fd, message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, ifinfo(index, 0, IFF_UP)), `setting device ${index} down`);
    talk(
      fd,
      message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, ifinfo(index), [
        [IFLA_IFNAME, cstr(name)],
        [IFLA_NET_NS_FD, u32(ns)],
      ]),
      `moving device ${index} into ${nsPath} as ${name}`,
    );
  } finally {
    closeFd(fd);
    closeFd(ns);
  }
  const inside = openIn(nsPath);
  try {
    const moved = deviceIndexIn(inside, name);
    for (const a of addresses) {
      const fixed = new Uint8Array([a.family === 4 ? AF_INET : AF_INET6, a.prefix, 0, RT_SCOPE_UNIVERSE, 0, 0, 0, 0]);
      new DataView(fixed.buffer).setUint32(4, moved, true);
      talk(
        inside,
        message(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, fixed, [
          [IFA_LOCAL, a.bytes],
          [IFA_ADDRESS, a.bytes],
        ]),
        `adding an address to ${name} in ${nsPath}`,
      );
    }
    talk(inside, message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, ifinfo(moved, IFF_UP, IFF_UP)), `setting ${name} up in ${nsPath}`);
  } finally {
    closeFd(inside);
  }
}

/** The index of the device `name` in the namespace of the netlink socket `fd` (RTM_GETLINK by name). */
function deviceIndexIn(fd: number, name: string): number {
  let index = 0;
  talk(
    fd,
    message(18 /* RTM_GETLINK */, NLM_F_REQUEST | NLM_F_ACK, ifinfo(0), [[IFLA_IFNAME, cstr(name)]]),
    `finding ${name}`,
    (type, p) => {
      if (type === RTM_NEWLINK) index = p.getInt32(4, true);
    },
  );
  if (!index) throw new Error(`finding ${name}: not there after the move`);
  return index;
}

/** The address as the kernel writes it ("10.0.0.2/24", "fd00::2/64"), for liblxc's lxc.net.N.ipv4/ipv6.address. */
export function addressText(a: Address): string {
  if (a.family === 4) return `${[...a.bytes].join(".")}/${a.prefix}`;
  const words = [];
  for (let i = 0; i < 16; i += 2) words.push(((a.bytes[i]! << 8) | a.bytes[i + 1]!).toString(16));
  return `${words.join(":")}/${a.prefix}`;
}
