// linux.timeOffsets → lxc.time.offset.boot / lxc.time.offset.monotonic.
// liblxc writes each offset to /proc/self/timens_offsets right after it
// unshares the time namespace, before init exists, as whole seconds or as
// nanoseconds: the kernel takes the nanoseconds only in [0, 1e9), and liblxc
// writes seconds or nanoseconds, never both. So an offset is exact when it is
// whole seconds or a fraction of one second; anything else is refused rather
// than rounded.
import { configError } from "../errors.ts";
import { type Check, integer, mapOf, object, opt } from "../spec/check.ts";
import type { Spec } from "../spec/types.ts";
import type { ConfigItem } from "./items.ts";

const KEYS: Record<string, string> = { boottime: "lxc.time.offset.boot", monotonic: "lxc.time.offset.monotonic" };

const offset: Check<{ secs?: number; nanosecs?: number }> = object({
  secs: opt(integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, "an integer number of seconds")),
  nanosecs: opt(integer(0, 999_999_999, "nanoseconds in [0, 999999999]")),
});

export function timeOffsetItems(spec: Spec): ConfigItem[] {
  const raw = spec.linux?.timeOffsets;
  if (raw === undefined) return [];
  const offsets = mapOf(offset)(raw, "linux.timeOffsets");
  const ns = spec.linux?.namespaces?.findIndex((n) => n.type === "time") ?? -1;
  if (ns < 0) throw configError("linux.timeOffsets", "needs a new time namespace in linux.namespaces");
  if (spec.linux!.namespaces![ns]!.path)
    throw configError("linux.timeOffsets", `cannot set offsets of the time namespace joined by linux.namespaces[${ns}].path`);
  const items: ConfigItem[] = [];
  for (const [clock, o] of Object.entries(offsets)) {
    const key = KEYS[clock];
    const at = `linux.timeOffsets[${JSON.stringify(clock)}]`;
    if (!key) throw configError(at, `unknown clock (expected ${Object.keys(KEYS).join(" or ")})`);
    const secs = o.secs ?? 0;
    const nanosecs = o.nanosecs ?? 0;
    if (secs !== 0 && nanosecs !== 0)
      throw configError(at, "liblxc sets an offset in whole seconds or in nanoseconds below one second, not both");
    if (secs !== 0 || nanosecs !== 0) items.push([key, nanosecs ? `${nanosecs}ns` : `${secs}s`]);
  }
  return items;
}
