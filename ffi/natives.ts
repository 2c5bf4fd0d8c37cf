// What the hot calls use of bun:ffi, taken from the natives its module wraps
// (Bun.FFI, the object bun:ffi itself reads), without loading that module:
// evaluating bun:ffi cost every call ~0.15–0.2 ms (docs/performance.md, "Issue
// 23, round 7: the hot calls' shell"). Each export does what bun:ffi's does on
// Bun 1.4.5: `dlopen` is the native one with the same throw of the Error it
// returns (bun:ffi also takes a file: URL or a file path object, which lxcri
// never passes), `ptr` and `read` are the natives, `FFIType` the numbers of the
// types lxcri's hot modules name. test/unit/ffi-natives.test.ts holds them to
// bun:ffi's. The other modules of ffi/ (liblxc, seccomp, lxc-container's
// CFunction, …), which of the hot calls only create loads, import bun:ffi.
import type * as BunFFI from "bun:ffi";

const natives = (Bun as unknown as { FFI: { dlopen: typeof BunFFI.dlopen; ptr: typeof BunFFI.ptr; read: typeof BunFFI.read } }).FFI;
const nativeDlopen = natives.dlopen as (path: string, symbols: Record<string, BunFFI.FFIFunction>) => unknown;
const nativePtr = natives.ptr;

export const dlopen = (<Fns extends Record<string, BunFFI.FFIFunction>>(path: string, symbols: Fns) => {
  const result = nativeDlopen(path, symbols);
  if (Error.isError(result)) throw result;
  return result;
}) as typeof BunFFI.dlopen;

export const ptr: typeof BunFFI.ptr = (view, byteOffset) => (byteOffset === undefined ? nativePtr(view) : nativePtr(view, byteOffset));

export const read: typeof BunFFI.read = natives.read;

/** The FFIType numbers the hot modules name (bun:ffi's FFIType.i32, …). */
export const FFIType = { i32: 5, i64: 7, ptr: 12, cstring: 14 } as unknown as Pick<
  typeof BunFFI.FFIType,
  "i32" | "i64" | "ptr" | "cstring"
>;
