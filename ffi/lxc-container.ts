// A typed, safe view of liblxc's `struct lxc_container` (liblxc 5.0.x).
// Methods are function pointers inside the struct; offsets come from
// lxccontainer.h (x86_64, checked with offsetof against lxc-dev 5.0.2).
import { CFunction, CString, FFIType, ptr as pointerOf, read, type Pointer } from "bun:ffi";
import { cstringArray } from "./cstr.ts";
import { liblxc } from "./liblxc.ts";
import { libc } from "./libc.ts";

const { ptr, cstring, i32, bool } = FFIType;

// struct fields
const OFF_ERROR_NUM = 64;
// method slots: [offset, argument types after the container, return type]
const METHODS = {
  is_defined: [80, [], bool],
  state: [88, [], cstring],
  is_running: [96, [], bool],
  freeze: [104, [], bool],
  unfreeze: [112, [], bool],
  init_pid: [120, [], i32],
  load_config: [128, [cstring], bool],
  stop: [152, [], bool],
  want_daemonize: [160, [bool], bool],
  want_close_all_fds: [168, [bool], bool],
  wait: [184, [cstring, i32], bool],
  set_config_item: [192, [cstring, cstring], bool],
  save_config: [208, [cstring], bool],
  clear_config_item: [264, [cstring], bool],
  get_config_item: [272, [cstring, ptr, i32], i32],
  get_running_config_item: [280, [cstring], ptr],
  attach: [368, [ptr, ptr, ptr, ptr], i32],
  attach_run_wait: [376, [ptr, cstring, ptr], i32],
  init_pidfd: [552, [], i32],
} as const satisfies Record<string, readonly [number, readonly FFIType[], FFIType]>;

type MethodName = keyof typeof METHODS;

/** lxc_attach_options_t is 96 bytes on x86_64 (attach_options.h, liblxc 5.0.x). */
const ATTACH_OPTIONS_SIZE = 96;

const LXC_ATTACH_DEFAULT = 0x0000ffff;

export interface AttachOptions {
  cwd?: string;
  uid?: number;
  gid?: number;
  /** The whole environment; absent: keep liblxc's default (the container's). */
  env?: string[];
  stdin?: number;
  stdout?: number;
  stderr?: number;
}

export class LxcContainer {
  #c: Pointer | null;
  #fns = new Map<MethodName, (...args: unknown[]) => unknown>();
  readonly name: string;
  readonly lxcpath: string;

  constructor(name: string, lxcpath: string) {
    const c = liblxc().symbols.lxc_container_new(Buffer.from(name + "\0"), Buffer.from(lxcpath + "\0"));
    if (!c) throw new Error(`liblxc: lxc_container_new(${name}, ${lxcpath}) failed`);
    this.#c = c as Pointer;
    this.name = name;
    this.lxcpath = lxcpath;
  }

  /** Raw pointer, for the start trampoline in ffi/ only. */
  get pointer(): Pointer {
    if (!this.#c) throw new Error("liblxc container already released");
    return this.#c;
  }

  #call(name: MethodName, ...args: unknown[]): unknown {
    let fn = this.#fns.get(name);
    if (!fn) {
      const [off, argTypes, returns] = METHODS[name];
      const fp = read.ptr(this.pointer, off);
      fn = CFunction({ ptr: fp as Pointer, args: [ptr, ...argTypes], returns }) as unknown as (...a: unknown[]) => unknown;
      this.#fns.set(name, fn);
    }
    return fn(this.pointer, ...args);
  }

  setConfigItem(key: string, value: string): boolean {
    return this.#call("set_config_item", cs(key), cs(value)) as boolean;
  }

  clearConfigItem(key: string): boolean {
    return this.#call("clear_config_item", cs(key)) as boolean;
  }

  getConfigItem(key: string): string | null {
    const len = this.#call("get_config_item", cs(key), null, 0) as number;
    if (len < 0) return null;
    if (len === 0) return "";
    const buf = Buffer.alloc(len + 1);
    this.#call("get_config_item", cs(key), buf, len + 1);
    return buf.subarray(0, len).toString("utf8");
  }

  getRunningConfigItem(key: string): string | null {
    const p = this.#call("get_running_config_item", cs(key)) as Pointer | null;
    if (!p) return null;
    const s = new CString(p).toString();
    libc.free(p);
    return s;
  }

  loadConfig(file: string): boolean {
    return this.#call("load_config", cs(file)) as boolean;
  }

  saveConfig(file: string): boolean {
    return this.#call("save_config", cs(file)) as boolean;
  }

  isDefined(): boolean {
    return this.#call("is_defined") as boolean;
  }

  /** "STOPPED", "STARTING", "RUNNING", "STOPPING", "ABORTING", "FREEZING", "FROZEN", "THAWED". */
  state(): string {
    return String(this.#call("state") ?? "STOPPED");
  }

  isRunning(): boolean {
    return this.#call("is_running") as boolean;
  }

  initPid(): number {
    return this.#call("init_pid") as number;
  }

  initPidfd(): number {
    return this.#call("init_pidfd") as number;
  }

  freeze(): boolean {
    return this.#call("freeze") as boolean;
  }

  unfreeze(): boolean {
    return this.#call("unfreeze") as boolean;
  }

  stop(): boolean {
    return this.#call("stop") as boolean;
  }

  /** Blocks the calling thread for up to `timeoutSeconds` (-1: forever). */
  wait(state: string, timeoutSeconds: number): boolean {
    return this.#call("wait", cs(state), timeoutSeconds) as boolean;
  }

  /**
   * Runs `argv` inside the running container (all its namespaces, its cgroup,
   * liblxc's default attach flags) and waits for it: returns the raw wait status.
   * liblxc forks in C; no JavaScript runs in the child.
   */
  attachRunWait(argv: string[], opts: AttachOptions = {}): number {
    const o = attachOptions(opts);
    const args = cstringArray(argv);
    const status = this.#call("attach_run_wait", o.buffer, cs(argv[0]!), args.pointer) as number;
    void o.keepAlive, args.keepAlive;
    return status;
  }

  /** The wait status liblxc stored last (for a finished start: init's wait status). */
  get errorNum(): number {
    return read.i32(this.pointer, OFF_ERROR_NUM);
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

/** lxc_attach_options_t (attach_options.h) for `opts`. */
function attachOptions(opts: AttachOptions): { buffer: Uint8Array; keepAlive: unknown[] } {
  const o = new DataView(new ArrayBuffer(ATTACH_OPTIONS_SIZE));
  const keep: unknown[] = [];
  const p = (v: Buffer | { pointer: number; keepAlive: unknown[] } | undefined) => {
    if (!v) return 0n;
    keep.push(v);
    return BigInt(Buffer.isBuffer(v) ? pointerOf(v) : v.pointer);
  };
  o.setInt32(0, LXC_ATTACH_DEFAULT, true);
  o.setInt32(4, -1, true); // every namespace of the container
  o.setBigInt64(8, -1n, true); // personality: the container's
  o.setBigUint64(16, p(opts.cwd ? cs(opts.cwd) : undefined), true);
  o.setUint32(24, opts.uid ?? 0xffffffff, true);
  o.setUint32(28, opts.gid ?? 0xffffffff, true);
  o.setInt32(32, opts.env ? 1 : 0, true); // LXC_ATTACH_CLEAR_ENV with extra_env_vars, else keep
  o.setBigUint64(40, p(opts.env ? cstringArray(opts.env) : undefined), true);
  o.setInt32(56, opts.stdin ?? 0, true);
  o.setInt32(60, opts.stdout ?? 1, true);
  o.setInt32(64, opts.stderr ?? 2, true);
  o.setInt32(68, -9, true); // log_fd: -EBADF
  return { buffer: new Uint8Array(o.buffer), keepAlive: keep };
}

function cs(s: string): Buffer {
  return Buffer.from(s + "\0", "utf8");
}
