// linux.timeOffsets → lxc.time.offset.boot / lxc.time.offset.monotonic.
// liblxc writes each offset to /proc/self/timens_offsets right after it
// unshares the time namespace, before init exists, as whole seconds or as
// nanoseconds. The checker (src/spec/linux.ts) let through only offsets that
// are exact so, in a time namespace of the container's own.
import type { Spec } from "../spec/types.ts";
import type { ConfigItem } from "./items.ts";

const KEYS = { boottime: "lxc.time.offset.boot", monotonic: "lxc.time.offset.monotonic" } as const;

export function timeOffsetItems(spec: Spec): ConfigItem[] {
  const items: ConfigItem[] = [];
  for (const clock of ["boottime", "monotonic"] as const) {
    const o = spec.linux?.timeOffsets?.[clock];
    if (!o) continue;
    const secs = o.secs ?? 0;
    const nanosecs = o.nanosecs ?? 0;
    if (secs !== 0 || nanosecs !== 0) items.push([KEYS[clock], nanosecs ? `${nanosecs}ns` : `${secs}s`]);
  }
  return items;
}
