// ffi/natives.ts gives the hot calls bun:ffi's dlopen, ptr, read and FFIType numbers without loading
// the bun:ffi module (docs/performance.md, "Issue 23, round 7: the hot calls' shell"): each must do
// what bun:ffi's does, on the Bun this project pins.
import * as bunFFI from "bun:ffi";
import { expect, test } from "bun:test";
import { dlopen, FFIType, ptr, read } from "../../ffi/natives.ts";

test("the FFIType numbers are bun:ffi's", () => {
  for (const [name, n] of Object.entries(FFIType)) expect([name, n]).toEqual([name, bunFFI.FFIType[name as keyof typeof FFIType]]);
});

test("ptr and read are bun:ffi's", () => {
  const b = new Uint8Array(16);
  expect(ptr(b)).toBe(bunFFI.ptr(b));
  expect(ptr(b, 4)).toBe(bunFFI.ptr(b, 4));
  new DataView(b.buffer).setInt32(4, -7, true);
  expect(read.i32(ptr(b), 4)).toBe(-7);
  expect(read).toBe(bunFFI.read);
});

test("dlopen binds as bun:ffi's does: numbers, pointers, C strings, and a thrown error", () => {
  const symbols = {
    syscall: { args: [FFIType.i64, FFIType.i64, FFIType.i64, FFIType.i64, FFIType.i64, FFIType.i64], returns: FFIType.i64 },
    strerror: { args: [FFIType.i32], returns: FFIType.cstring },
    __errno_location: { args: [], returns: FFIType.ptr },
  } as const;
  const mine = dlopen("libc.so.6", symbols).symbols;
  const theirs = bunFFI.dlopen("libc.so.6", symbols).symbols;
  expect(mine.syscall(39, 0, 0, 0, 0, 0)).toBe(theirs.syscall(39, 0, 0, 0, 0, 0)); // getpid
  expect(Number(mine.syscall(39, 0, 0, 0, 0, 0))).toBe(process.pid);
  expect(String(mine.strerror(2))).toBe(String(theirs.strerror(2)));
  expect(String(mine.strerror(2))).toBe("No such file or directory");
  expect(mine.__errno_location()).toBe(theirs.__errno_location());
  const error = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  };
  const missing = { nope_not_a_symbol: { args: [], returns: FFIType.i32 } } as const;
  expect(error(() => dlopen("libc.so.6", missing))).toBe(error(() => bunFFI.dlopen("libc.so.6", missing)));
  expect(error(() => dlopen("libc.so.6", missing))).not.toBe("no error");
});
