// Frames: how lxcri's processes talk over pipes and sockets — init and
// create/start (the channel), the exec helper and exec (its status pipe),
// the monitor and create (its report pipe), the mount hook and create (the
// hook socket). A frame is a u32 payload length, a u8 kind and the payload,
// little-endian; ffi/native/frames.c writes the same. What the native helpers
// send is decoded here; what create sends them is encoded in plan.ts.
//
//   create ─ monitor:   ◀─ ERROR(step CONFIG, lxc.conf's path) | EOF once start() runs
//                       (the report pipe, which the start-host hooks' ERRORs share; on CONFIG
//                       create asks liblxc which item it refuses)
//   create ─ init:      ◀─ READY | ERROR                       (init at CHANNEL_FD, copied with pidfd_getfd)
//   start  ─ init:      GO ─▶ ◀─ HOOK* (startContainer), EXEC, [LISTENER], EOF | ERROR
//   exec   ─ helper:    ◀─ PID, [LISTENER], EOF | ERROR        (the status socket is close-on-exec)
//   LISTENER: the process's seccomp notify fd rides along (SCM_RIGHTS), for the seccomp agent
//   create ─ mount hook: ◀─ PID (init's host pid)  HOOKS (createContainer's, plan.ts encodeHookRun) ─▶
//                        ◀─ HOOK*, OUTPUT*, DONE | ERROR      (ffi/native/mounthook.c)
import { escapeBytes } from "../text/escape.ts";
import { type HookRecord, type Stream, TAIL, TEXT_MAX } from "./hooks.ts";
import { signalName } from "./signals.ts";

// Uint8Array and DataView, not Buffer: Bun sets its Buffer up on first use
// (docs/performance.md, "What start-up costs"), which `start` need not pay.
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** 7 is unused: the mount hook's JSON while it was a Bun program. */
export const FRAME = {
  READY: 1,
  ERROR: 2,
  HOOK: 3,
  EXEC: 4,
  GO: 5,
  PID: 6,
  LISTENER: 8,
  HOOKS: 9,
  OUTPUT: 10,
  DONE: 11,
  HERE: 12,
} as const;
export type FrameKind = (typeof FRAME)[keyof typeof FRAME];

export interface Frame {
  kind: number;
  payload: Uint8Array;
}

export function encodeFrame(kind: FrameKind, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  view(out).setUint32(0, payload.length, true);
  out[4] = kind;
  out.set(payload, 5);
  return out;
}

/**
 * Collects bytes as they arrive and hands out whole frames. A frame longer than `maxFrame`
 * throws: each reader of a channel another process can write names its own bound.
 */
export class FrameReader {
  #pending = new Uint8Array(0);

  constructor(readonly maxFrame = 1 << 24) {}

  push(bytes: Uint8Array): Frame[] {
    const joined = new Uint8Array(this.#pending.length + bytes.length);
    joined.set(this.#pending);
    joined.set(bytes, this.#pending.length);
    this.#pending = joined;
    const out: Frame[] = [];
    while (this.#pending.length >= 5) {
      const len = view(this.#pending).getUint32(0, true);
      if (len > this.maxFrame) throw new Error(`frame of ${len} bytes (at most ${this.maxFrame}): the peer does not speak lxcri's frames`);
      if (this.#pending.length < 5 + len) break;
      out.push({ kind: this.#pending[4]!, payload: this.#pending.subarray(5, 5 + len) });
      this.#pending = this.#pending.subarray(5 + len);
    }
    return out;
  }
}

class Cursor {
  at = 0;
  readonly v: DataView;
  constructor(readonly b: Uint8Array) {
    this.v = view(b);
  }
  u32(): number {
    const v = this.v.getUint32(this.at, true);
    this.at += 4;
    return v;
  }
  i32(): number {
    const v = this.v.getInt32(this.at, true);
    this.at += 4;
    return v;
  }
  u64(): number {
    const v = Number(this.v.getBigUint64(this.at, true));
    this.at += 8;
    return v;
  }
  /**
   * A string from init or the exec helper, which run where the container can
   * reach them: at most `max` of its bytes (the last ones with `end`), escaped
   * (src/text/escape.ts; `keep`: the controls left as they are).
   */
  str(max: number, keep: string, end = false): string {
    const n = this.u32();
    const b = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return escapeBytes(b.length <= max ? b : end ? b.subarray(b.length - max) : b.subarray(0, max), keep);
  }
}

/** ERROR: the failed step, errno, and what it concerned (for a message: no control kept). */
export interface NativeFailure {
  step: number;
  errno: number;
  what: string;
}

export function decodeError(payload: Uint8Array): NativeFailure {
  const c = new Cursor(payload);
  return { step: c.u32(), errno: c.i32(), what: c.str(TEXT_MAX, "") };
}

/** HOOK: one hook run, as init (startContainer) or the mount hook (createContainer) reports it (ffi/native/hooks.c). */
export function decodeHookRun(
  payload: Uint8Array,
  type: "startContainer" | "createContainer",
  path: (index: number) => string,
): HookRecord {
  const c = new Cursor(payload);
  const index = c.u32();
  const start = c.u64();
  const durationMs = c.u64();
  const exitCode = c.i32();
  const signal = c.u32();
  const timedOut = c.u32() !== 0;
  const error = c.str(TEXT_MAX, "\n\t");
  const stdoutTail = c.str(TAIL, "\n\t", true);
  const stderrTail = c.str(TAIL, "\n\t", true);
  return {
    type,
    index,
    path: path(index),
    start: new Date(start).toISOString(),
    durationMs,
    exitCode: exitCode < 0 || signal ? null : exitCode,
    signal: signal ? signalName(signal) : null,
    timedOut,
    ...(error ? { error } : {}),
    stdoutTail,
    stderrTail,
  };
}

/** OUTPUT: a chunk a createContainer hook wrote, for the hook output files (undefined: not a stream). */
export function decodeOutput(payload: Uint8Array): { stream: Stream; bytes: Uint8Array } | undefined {
  if (payload.length < 4) return undefined;
  const n = view(payload).getUint32(0, true);
  return n === 1 || n === 2 ? { stream: n === 1 ? "stdout" : "stderr", bytes: payload.subarray(4) } : undefined;
}

export function decodePid(payload: Uint8Array): number {
  return view(payload).getInt32(0, true);
}
