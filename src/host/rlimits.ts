// The runtime's own rlimits.
import { libc } from "../../ffi/libc.ts";
import { RLIMITS } from "../spec/rlimits.ts";

let cached: Record<string, number> | undefined;

/** This process's hard rlimits by RLIMIT_* name (Infinity for unlimited), read once. */
export function hardRlimits(): Record<string, number> {
  if (cached) return cached;
  const out: Record<string, number> = (cached = {});
  const buf = new BigUint64Array(2);
  for (const [name, resource] of Object.entries(RLIMITS)) {
    if (libc.getrlimit(resource, buf) !== 0) continue;
    out[name] = buf[1] === 0xffffffffffffffffn ? Infinity : Number(buf[1]);
  }
  return out;
}
