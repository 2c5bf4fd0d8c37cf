// The kernel's list format ("0-3,7"), as in cpuset.cpus: process.execCPUAffinity
// and linux.memoryPolicy.nodes. The checker accepts a list; translation then
// takes its numbers.
import { configError } from "../errors.ts";
import { type Check, string } from "./check.ts";

/** The exec step passes node and CPU masks of this many bits (MAX_NODES in ffi/native/confine.c). */
export const MAX_NODES = 1024;

const PART = /^\s*(\d+)(?:-(\d+))?\s*$/;

/** A list of numbers below `max`. */
export function numberList(max: number): Check<string> {
  return (v, p) => {
    const list = string(v, p);
    for (const part of list.trim() === "" ? [] : list.split(",")) {
      const m = PART.exec(part);
      const lo = m ? Number(m[1]) : NaN;
      const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
      if (!m || hi < lo) throw configError(p, `invalid list ${JSON.stringify(list)} (expected e.g. "0-3,7")`);
      if (hi >= max) throw configError(p, `${hi} is above the largest supported number ${max - 1}`);
    }
    return list;
  };
}

/** The numbers of a list `numberList` accepted: "0-3,7" → [0, 1, 2, 3, 7]. */
export function listNumbers(list: string): number[] {
  const out: number[] = [];
  for (const part of list.trim() === "" ? [] : list.split(",")) {
    const m = PART.exec(part)!;
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    for (let i = lo; i <= hi; i++) out.push(i);
  }
  return out;
}
