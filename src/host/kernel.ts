// Facts about the running kernel, read once per process.
import { readText } from "./fs.ts";

let lastCap: number | undefined;

/** The highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap). */
export function capLastCap(): number {
  if (lastCap === undefined) {
    try {
      lastCap = Number(readText("/proc/sys/kernel/cap_last_cap"));
    } catch {
      lastCap = 40; // CAP_CHECKPOINT_RESTORE, Linux 5.9+
    }
  }
  return lastCap;
}
