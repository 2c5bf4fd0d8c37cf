// The process plan: everything a container process is made of, built by one
// pure function (src/lxc/process-plan.ts) for init, exec and startContainer
// hooks alike, and encoded here for the native helper (ffi/native/plan.c
// decodes it; lxcri.h has the structs). Little-endian; a string is a u32
// length and its bytes; a list a u32 count and its items; bump PLAN_VERSION
// with any change on both sides.
import type { SeccompRules } from "../../ffi/seccomp.ts";

export type SeccompPlan = SeccompRules;

export const PLAN_VERSION = 4;
const PLAN_INIT = 1;
const PLAN_EXEC = 2;

/** Capability numbers per set (CAP_CHOWN = 0 …). */
export interface CapabilityNumbers {
  bounding: number[];
  effective: number[];
  inheritable: number[];
  permitted: number[];
  ambient: number[];
}

/** Process attributes liblxc has no key for, set first in the confining step. */
export interface ProcessAttrs {
  personality?: number;
  /** class << 13 | priority, as ioprio_set(2) takes it. */
  ioPriority?: number;
  scheduler?: { policy: number; flags: number; nice: number; priority: number; runtime: number; deadline: number; period: number };
  /** mode | mode flags, and the node numbers. */
  memoryPolicy?: { mode: number; nodes: number[] };
}

export interface ProcessPlan {
  args: string[];
  env: string[];
  cwd: string;
  umask: number;
  user: { uid: number; gid: number; additionalGids: number[] };
  capabilities: CapabilityNumbers;
  /** The highest capability number of the host's kernel (cap_last_cap). */
  lastCap: number;
  rlimits: { resource: number; soft: number; hard: number }[];
  noNewPrivileges: boolean;
  seccomp?: SeccompPlan;
  attrs: ProcessAttrs;
  /** env has no HOME: the helper takes it from the container's /etc/passwd. */
  lookupHome: boolean;
  /** process.execCPUAffinity.final (exec only: the spec does not apply it to init). */
  finalCpus?: number[];
  /** The AppArmor profile the process is confined by from its execve; absent for none and for "unconfined". */
  apparmorProfile?: string;
  /** The SELinux context the process gets at its execve (process.selinuxLabel); absent for none. */
  selinuxLabel?: string;
}

/** A device node init makes: S_IF* type bits plus permissions in `mode`. */
export interface DeviceNode {
  path: string;
  mode: number;
  major: number;
  minor: number;
  uid: number;
  gid: number;
}

/**
 * A mount option mount(2) cannot give through liblxc ("rro", ..., "nosymfollow") as struct
 * mount_attr's attr_set and attr_clr for a destination: for the mount there and all below it
 * (AT_RECURSIVE), or with `top` for that mount only.
 */
export interface RecursiveAttr {
  path: string;
  set: number;
  clr: number;
  top?: boolean;
}

/** A propagation change (MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE, with MS_REC for all below) of the mount at `path`. */
export interface PropagationStep {
  path: string;
  flags: number;
}

/** A tmpfs mount and what it takes from the image's directory below it, as runc does. */
export interface TmpfsFromImage {
  path: string;
  /** "tmpcopyup": the directory's files copied in. */
  copyUp: boolean;
}

/** What init does in the container before it reports ready (see ffi/native/init.c). */
export interface InitSetup {
  terminal: boolean;
  devices: DeviceNode[];
  /** The hostname when the uts namespace is joined by path (liblxc sets it only in one it made). */
  hostname?: string;
  /** The NIS domain name (liblxc has no key for it). */
  domainname?: string;
  /** FIFOs and sockets to mask (/dev/null bound over them), or paths liblxc cannot make read-only. */
  mask: string[];
  readonly: string[];
  recursive: RecursiveAttr[];
  /**
   * Mount propagation as runc leaves it, in order (src/lxc/propagation.ts): liblxc makes the
   * whole tree rshared after pivot_root; these undo that and apply the config's. Empty when
   * the start-host hook applies them (ffi/native/propagate.c).
   */
  propagation: PropagationStep[];
  /** tmpfs mounts that take what the image has at their destination (ffi/native/copyup.c). */
  tmpfs: TmpfsFromImage[];
  /** Mounts only init needed (a /proc to be exec'd through), detached before ready. */
  detach: string[];
  /** linux.mountLabel: the context= of the tmpfs init mounts over a masked directory (as runc's). */
  mountLabel?: string;
  /** Mounts whose root gets mountLabel as its security.selinux xattr (mqueue: as runc, not context=). */
  labelled: string[];
}

/** A startContainer hook as init runs it. */
export interface InitHook {
  index: number;
  path: string;
  argv: string[];
  env?: string[];
  timeout?: number;
}

export interface InitPlan {
  process: ProcessPlan;
  setup: InitSetup;
  /** Fds from here on are not the process's (3 … keepFds-1 are the preserved ones). */
  keepFds: number;
  hooks: InitHook[];
  /** Seconds, for hooks without their own timeout. */
  hookTimeout: number;
  /** The state JSON hooks get on stdin, split where init puts its pid. */
  state: [before: string, after: string];
}

export interface ExecPlan {
  process: ProcessPlan;
  keepFds: number;
  /** Fds in the helper: namespaces to join (user last), cgroup.procs files to write, where to report. */
  nsFds: number[];
  cgroupFds: number[];
  statusFd: number;
  /** The pty slave to make stdio and controlling terminal, or -1. */
  ttyFd: number;
  initialCpus?: number[];
}

/** The compiled seccomp filter, when the plan has one (ffi/seccomp.ts makes it). */
export interface CompiledSeccomp {
  program: Uint8Array;
  flags: number;
}

// Bytes through one growing Uint8Array and TextEncoder, not Buffer: Bun sets its Buffer up on first
// use (~0.2 ms), which create's plain path then no longer pays (docs/performance.md, "Issue 23,
// round 7: create").
const encoder = new TextEncoder();

class Writer {
  #buf = new Uint8Array(4096);
  #view = new DataView(this.#buf.buffer);
  #size = 0;
  /** Room for `n` more bytes; the offset they go at. */
  #room(n: number): number {
    const at = this.#size;
    if (at + n > this.#buf.length) {
      const bigger = new Uint8Array(Math.max(this.#buf.length * 2, at + n));
      bigger.set(this.#buf.subarray(0, at));
      this.#buf = bigger;
      this.#view = new DataView(bigger.buffer);
    }
    this.#size = at + n;
    return at;
  }
  u32(v: number): this {
    const at = this.#room(4);
    this.#view.setUint32(at, v >>> 0, true);
    return this;
  }
  u64(v: number | bigint): this {
    const x = typeof v === "bigint" ? v : v >= 2 ** 53 - 1 ? 0xffffffffffffffffn : BigInt(v);
    // setBigUint64 would wrap what Buffer's writeBigUInt64LE refused
    if (x < 0n || x > 0xffffffffffffffffn) throw new RangeError(`a u64 for the native helper is out of range: ${x}`);
    const at = this.#room(8);
    this.#view.setBigUint64(at, x, true);
    return this;
  }
  bytes(b: Uint8Array): this {
    const at = this.#room(b.length); // first: it may replace #buf
    this.#buf.set(b, at);
    return this;
  }
  str(s: string): this {
    if (s.includes("\0")) throw new Error(`a string for the native helper contains NUL: ${JSON.stringify(s.slice(0, 60))}`);
    const b = encoder.encode(s);
    return this.u32(b.length).bytes(b);
  }
  strs(list: readonly string[]): this {
    this.u32(list.length);
    for (const s of list) this.str(s);
    return this;
  }
  optional(s: string | undefined): this {
    return s === undefined ? this.u32(0) : this.u32(1).str(s);
  }
  done(): Uint8Array {
    return this.#buf.slice(0, this.#size);
  }
}

const bitmask = (list: readonly number[]) => list.reduce((m, c) => m | (1n << BigInt(c)), 0n);

function mask1024(w: Writer, list: readonly number[] | undefined): void {
  const words = new BigUint64Array(16);
  for (const n of list ?? []) words[n >> 6]! |= 1n << BigInt(n & 63);
  for (const x of words) w.u64(x);
}

const ATTR_PERSONALITY = 1;
const ATTR_IOPRIO = 2;
const ATTR_SCHED = 4;
const ATTR_MEMPOLICY = 8;

function schedAttr(s: NonNullable<ProcessAttrs["scheduler"]> | undefined): Uint8Array {
  const b = new Uint8Array(48);
  if (!s) return b;
  const v = new DataView(b.buffer);
  v.setUint32(0, 48, true); // size: SCHED_ATTR_SIZE_VER0
  v.setUint32(4, s.policy, true);
  v.setBigUint64(8, BigInt(s.flags), true);
  v.setInt32(16, s.nice, true);
  v.setUint32(20, s.priority, true);
  v.setBigUint64(24, BigInt(s.runtime), true);
  v.setBigUint64(32, BigInt(s.deadline), true);
  v.setBigUint64(40, BigInt(s.period), true);
  return b;
}

function processPart(w: Writer, p: ProcessPlan, keepFds: number, seccomp: CompiledSeccomp | undefined): void {
  if (!p.args.length) throw new Error("a process plan needs args");
  if (p.seccomp && !seccomp) throw new Error("the plan's seccomp filter was not compiled");
  w.strs(p.args).strs(p.env).str(p.cwd).u32(p.umask).u32(p.user.uid).u32(p.user.gid);
  w.u32(p.user.additionalGids.length);
  for (const g of p.user.additionalGids) w.u32(g);
  const c = p.capabilities;
  for (const set of [c.bounding, c.effective, c.permitted, c.inheritable, c.ambient]) w.u64(bitmask(set));
  w.u32(p.lastCap);
  w.u32(p.rlimits.length);
  for (const r of p.rlimits) w.u32(r.resource).u64(r.soft).u64(r.hard);
  w.u32(p.noNewPrivileges ? 1 : 0);
  w.u32(seccomp?.program.length ?? 0);
  if (seccomp) w.bytes(seccomp.program);
  // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: before the capabilities go.
  w.u32(seccomp?.flags ?? 0).u32(seccomp && !p.noNewPrivileges ? 1 : 0);
  const a = p.attrs;
  const set =
    (a.personality !== undefined ? ATTR_PERSONALITY : 0) |
    (a.ioPriority !== undefined ? ATTR_IOPRIO : 0) |
    (a.scheduler ? ATTR_SCHED : 0) |
    (a.memoryPolicy ? ATTR_MEMPOLICY : 0);
  w.u32(set)
    .u64(a.personality ?? 0)
    .u64(a.ioPriority ?? 0)
    .u64(a.memoryPolicy?.mode ?? 0);
  w.bytes(schedAttr(a.scheduler));
  mask1024(w, a.memoryPolicy?.nodes);
  w.u32(p.lookupHome ? 1 : 0).u32(keepFds);
  w.u32(p.finalCpus ? 1 : 0);
  mask1024(w, p.finalCpus);
  w.optional(p.apparmorProfile);
  w.optional(p.selinuxLabel);
}

const MAGIC = encoder.encode("LXCRIPLN");

function header(kind: number): Writer {
  return new Writer().bytes(MAGIC).u32(PLAN_VERSION).u32(kind);
}

export function encodeInitPlan(plan: InitPlan, seccomp?: CompiledSeccomp): Uint8Array {
  const w = header(PLAN_INIT);
  processPart(w, plan.process, plan.keepFds, seccomp);
  const s = plan.setup;
  w.u32(s.terminal ? 1 : 0);
  w.u32(s.devices.length);
  for (const d of s.devices) w.str(d.path).u32(d.mode).u32(d.major).u32(d.minor).u32(d.uid).u32(d.gid);
  w.optional(s.hostname).optional(s.domainname).strs(s.mask).strs(s.readonly);
  w.u32(s.recursive.length);
  for (const r of s.recursive)
    w.str(r.path)
      .u64(r.set)
      .u64(r.clr)
      .u32(r.top ? 1 : 0);
  w.u32(s.propagation.length);
  for (const p of s.propagation) w.str(p.path).u64(p.flags);
  w.u32(s.tmpfs.length);
  for (const t of s.tmpfs) w.str(t.path).u32(t.copyUp ? 1 : 0);
  w.strs(s.detach);
  w.optional(s.mountLabel).strs(s.labelled);
  w.u32(plan.hookTimeout).str(plan.state[0]).str(plan.state[1]);
  hookList(w, plan.hooks);
  return w.done();
}

/** Hooks as init's plan and the mount hook's run carry them (ffi/native/plan.c hook_list). */
function hookList(w: Writer, hooks: readonly InitHook[]): void {
  w.u32(hooks.length);
  for (const h of hooks)
    w.u32(h.index)
      .str(h.path)
      .strs(h.argv)
      .u32(h.env ? 1 : 0)
      .strs(h.env ?? [])
      .u32(h.timeout ?? 0);
}

/**
 * What create sends the mount hook (ffi/native/mounthook.c) once prestart and createRuntime ran:
 * the createContainer hooks and how to run them, as the runtime runs its own (src/hooks/run.ts).
 */
export interface HookRun {
  hooks: InitHook[];
  /** Seconds, for hooks without their own timeout. */
  timeout: number;
  /** Send each hook's output back (the hook output annotations, src/hooks/output.ts). */
  relay: boolean;
  /** The bundle. */
  cwd: string;
  /** The runtime's environment, for hooks without `env`. */
  env: string[];
  /** The state JSON hooks get on stdin, split where the mount hook puts init's pid (as the container sees it). */
  state: [before: string, after: string];
}

/** A HookRun as ffi/native/plan.c read_hook_run decodes it (the payload of a HOOKS frame). */
export function encodeHookRun(run: HookRun): Uint8Array {
  const w = new Writer()
    .u32(run.timeout)
    .u32(run.relay ? 1 : 0)
    .str(run.cwd)
    .strs(run.env)
    .str(run.state[0])
    .str(run.state[1]);
  hookList(w, run.hooks);
  return w.done();
}

export function encodeExecPlan(plan: ExecPlan, seccomp?: CompiledSeccomp): Uint8Array {
  const w = header(PLAN_EXEC);
  processPart(w, plan.process, plan.keepFds, seccomp);
  w.u32(plan.nsFds.length);
  for (const fd of plan.nsFds) w.u32(fd);
  w.u32(plan.cgroupFds.length);
  for (const fd of plan.cgroupFds) w.u32(fd);
  w.u32(plan.statusFd).u32(plan.ttyFd);
  w.u32(plan.initialCpus ? 1 : 0);
  mask1024(w, plan.initialCpus);
  return w.done();
}
