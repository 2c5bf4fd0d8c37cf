// NULL-terminated char*[] for argv/envp style parameters.
// bun:ffi's ptr() does not keep a buffer alive (oven-sh/bun#9094), so the
// returned object holds every buffer; keep it referenced until C is done.
import { ptr } from "bun:ffi";

export interface CStringArray {
  readonly pointer: number;
  readonly keepAlive: unknown[];
}

export function cstringArray(strings: readonly string[]): CStringArray {
  const buffers = strings.map((s) => Buffer.from(s + "\0", "utf8"));
  const array = new BigUint64Array(strings.length + 1); // last slot stays NULL
  buffers.forEach((b, i) => (array[i] = BigInt(ptr(b))));
  return { pointer: ptr(array), keepAlive: [array, buffers] };
}

export function cstring(s: string): Buffer {
  return Buffer.from(s + "\0", "utf8");
}
