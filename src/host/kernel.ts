// Facts about the running kernel, read once per process.
import { readFileSync } from "node:fs";

let lastCap: number | undefined;

/** The highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap). */
export function capLastCap(): number {
  if (lastCap === undefined) {
    try {
      lastCap = Number(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8"));
    } catch {
      lastCap = 40; // CAP_CHECKPOINT_RESTORE, Linux 5.9+
    }
  }
  return lastCap;
}
