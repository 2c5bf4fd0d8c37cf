// linux.netDevices (runtime-spec 1.3), as runc 1.4 does it: each host device
// moves into the container's network namespace under its new name (or its
// own), with its permanent global addresses (the kernel drops them on the
// move) and up. Into a new namespace: liblxc "phys" networks, here. Into one
// joined by path: create moves them itself before liblxc starts (liblxc
// configures networks only in a namespace it makes; ffi/netlink.ts). The
// device stays in the namespace; when a new one ends the kernel returns a
// physical device to the host and destroys a virtual one (runc: the same).
// Names were checked (src/spec/linux.ts); whether the device exists is the host's to say.
import { unsupportedOnHost } from "../errors.ts";
import type { Spec } from "../spec/types.ts";
import type { ConfigItem } from "./items.ts";

/** A host device's permanent global addresses ("10.0.0.2/24", "fd00:0:0:0:0:0:0:2/64"), or undefined when there is no such device. */
export type DeviceAddresses = (name: string) => string[] | undefined;

/** The devices to move and where: the network namespace path when joined, else undefined (liblxc's). */
export function netDeviceMoves(spec: Spec): { host: string; name: string; nsPath?: string }[] {
  const nsPath = spec.linux?.namespaces?.find((n) => n.type === "network")?.path;
  return Object.entries(spec.linux?.netDevices ?? {}).map(([host, dev]) => ({ host, name: dev.name || host, nsPath }));
}

/** lxc.net.<n> items for a new namespace's devices, from lxc.net.1 on (lxc.net.0 is the loopback, src/lxc/namespaces.ts). */
export function netDeviceItems(spec: Spec, addresses: DeviceAddresses): ConfigItem[] {
  const items: ConfigItem[] = [];
  netDeviceMoves(spec).forEach(({ host, name, nsPath }, i) => {
    const found = addresses(host);
    if (!found) throw unsupportedOnHost(`linux.netDevices[${JSON.stringify(host)}]`, "no such network device on the host");
    if (nsPath) return;
    const n = i + 1;
    items.push([`lxc.net.${n}.type`, "phys"], [`lxc.net.${n}.link`, host], [`lxc.net.${n}.name`, name]);
    for (const a of found) items.push([`lxc.net.${n}.${a.includes(":") ? "ipv6" : "ipv4"}.address`, a]);
    items.push([`lxc.net.${n}.flags`, "up"]);
  });
  return items;
}
