// The runtime's own rlimits.
import { libc } from "../../ffi/libc.ts";
import { RLIMITS } from "../spec/rlimits.ts";

/** This process's hard rlimits by RLIMIT_* name (Infinity for unlimited). */
export function hardRlimits(): Record<string, number> {
  const out: Record<string, number> = {};
  const buf = new BigUint64Array(2);
  for (const [name, resource] of Object.entries(RLIMITS)) {
    if (libc.getrlimit(resource, buf) !== 0) continue;
    out[name] = buf[1] === 0xffffffffffffffffn ? Infinity : Number(buf[1]);
  }
  return out;
}
