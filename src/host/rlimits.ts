// The runtime's own rlimits.
import { hardLimit } from "../../ffi/libc.ts";
import { RLIMITS } from "../spec/rlimits.ts";

let cached: Record<string, number> | undefined;

/** This process's hard rlimits by RLIMIT_* name (Infinity for unlimited), read once. */
export function hardRlimits(): Record<string, number> {
  if (cached) return cached;
  const out: Record<string, number> = (cached = {});
  for (const [name, resource] of Object.entries(RLIMITS)) {
    const hard = hardLimit(resource);
    if (hard !== undefined) out[name] = hard === 0xffffffffffffffffn ? Infinity : Number(hard);
  }
  return out;
}
