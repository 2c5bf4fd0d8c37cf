// A typed, safe view of liblxc's `struct lxc_container` (liblxc 5.0.x). What
// it is for today: when the monitor reports that liblxc would not load
// lxc.conf (a CONFIG failure), create sets the items one by one through it to
// name the one liblxc refuses (src/container/create/prepare.ts rejectedItem);
// test/integration/ffi.test.ts reads items back. Methods are function
// pointers in the struct; their offsets (x86_64) are the only hand-kept part of
// liblxc's ABI, this is their one place, and a test compiles offsetof against
// the installed lxccontainer.h to hold them to it: the monitor (ffi/native/monitor.c) is compiled
// against lxccontainer.h.
// What this liblxc supports is asked through exported functions instead
// (liblxc.ts configItemSupported), which need no offsets.
import { CFunction, FFIType, type Pointer, read } from "bun:ffi";
import { cs } from "./files.ts";
import { liblxc } from "./liblxc.ts";

const { ptr, cstring, i32, bool } = FFIType;

/** Method slots: [offset, argument types after the container, return type]; test/integration/ffi.test.ts compares the offsets with offsetof in liblxc's header. */
export const METHODS = {
  load_config: [128, [cstring], bool],
  set_config_item: [192, [cstring, cstring], bool],
  get_config_item: [272, [cstring, ptr, i32], i32],
} as const satisfies Record<string, readonly [number, readonly FFIType[], FFIType]>;

type MethodName = keyof typeof METHODS;

export class LxcContainer {
  #c: Pointer | null;
  #fns = new Map<MethodName, (...args: unknown[]) => unknown>();

  constructor(name: string, lxcpath: string) {
    const c = liblxc().symbols.lxc_container_new(cs(name), cs(lxcpath));
    if (!c) throw new Error(`liblxc: lxc_container_new(${name}, ${lxcpath}) failed`);
    this.#c = c as Pointer;
  }

  #call(name: MethodName, ...args: unknown[]): unknown {
    if (!this.#c) throw new Error("liblxc container already released");
    let fn = this.#fns.get(name);
    if (!fn) {
      const [off, argTypes, returns] = METHODS[name];
      const fp = read.ptr(this.#c, off);
      fn = CFunction({ ptr: fp as Pointer, args: [ptr, ...argTypes], returns }) as unknown as (...a: unknown[]) => unknown;
      this.#fns.set(name, fn);
    }
    return fn(this.#c, ...args);
  }

  setConfigItem(key: string, value: string): boolean {
    return this.#call("set_config_item", cs(key), cs(value)) as boolean;
  }

  /** An item's value as liblxc holds it (repeated keys joined by newlines), or null for an unknown key. */
  getConfigItem(key: string): string | null {
    const len = this.#call("get_config_item", cs(key), null, 0) as number;
    if (len < 0) return null;
    if (len === 0) return "";
    const buf = Buffer.alloc(len + 1);
    this.#call("get_config_item", cs(key), buf, len + 1);
    return buf.subarray(0, len).toString("utf8");
  }

  loadConfig(file: string): boolean {
    return this.#call("load_config", cs(file)) as boolean;
  }

  release(): void {
    if (this.#c) liblxc().symbols.lxc_container_put(this.#c);
    this.#c = null;
    this.#fns.clear();
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
