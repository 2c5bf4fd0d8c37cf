// create's side of the mount hook (ffi/native/mounthook.c: lxcri-init, run by
// liblxc as lxc.hook.mount), over a socket pair whose other end liblxc hands
// it: when it sends init's host pid, create — the runtime, in the runtime's
// namespaces and with the caller's environment — runs the prestart and
// createRuntime hooks, then sends what the mount hook needs to run
// createContainer in the container's namespaces, and appends the records it
// sends back to hooks.log (src/contract/frames.ts has the exchange).
import { closeFd, readAvailable, setNonBlocking, writeSome } from "../../ffi/fds.ts";
import type { HookRecord, StoredHook } from "../contract/hooks.ts";
import { decodeError, decodeHookRun, decodeOutput, decodePid, encodeFrame, FRAME, FrameReader } from "../contract/frames.ts";
import { encodeHookRun } from "../contract/plan.ts";
import { STEP, stepText } from "../contract/steps.ts";
import type { State } from "../spec/types.ts";
import type { OnOutput } from "./output.ts";
import { stateHalves } from "./points.ts";
import { describeFailure } from "./run.ts";

export interface HookServer {
  readonly fd: number;
  /** Handles what arrived; the mount hook's outcome once known: undefined while pending, null when all ran. */
  pump(): string | null | undefined;
  /**
   * While create runs the prestart and createRuntime hooks (on the event loop): settles when
   * they have run and the answer is on its way. Otherwise undefined: nothing of the hook
   * server's needs the event loop, and create may wait for the mount hook's frames in poll(2).
   */
  readonly running: Promise<void> | undefined;
  close(): void;
}

/** The largest frame the mount hook sends: a HOOK record holds two tails of TAIL bytes and a short error. */
const MAX_FRAME = 1 << 20;
/** The most createContainer hook output (both streams) create appends to the hook output files. */
export const MAX_OUTPUT = 64 << 20;

/** ERROR (step HOOK) to the mount hook: a prestart or createRuntime hook failed, nothing to run. */
function failedFrame(): Uint8Array {
  const payload = new Uint8Array(12);
  new DataView(payload.buffer).setUint32(0, STEP.HOOK, true);
  return encodeFrame(FRAME.ERROR, payload);
}

/** The runtime's environment as "NAME=value" entries, for hooks without `env` (as Bun.spawn gives an env object). */
function envList(env: Record<string, string | undefined>): string[] {
  return Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
}

/**
 * The mount hook runs in the container's namespaces, where the createContainer hooks it starts run
 * too: what it sends is bounded like anything else a container could write. One PID, at most
 * `maxTraces` HOOK records (one per createContainer hook, each named by create's own list), one
 * DONE or ERROR; frames of at most MAX_FRAME; at most MAX_OUTPUT bytes of hook output relayed to
 * the hook output files.
 */
export function hookServer(
  fd: number,
  maxTraces: number,
  onHello: (initPid: number) => Promise<{ error?: string; hooks: StoredHook[]; state: State; timeout: number }>,
  onRecord: (record: HookRecord) => void,
  onOutput?: OnOutput,
): HookServer {
  setNonBlocking(fd);
  const reader = new FrameReader(MAX_FRAME);
  let outcome: string | null | undefined;
  let hello = false;
  let hooks: StoredHook[] = [];
  let lastHook: HookRecord | undefined;
  let traces = 0;
  let relayed = 0;
  let running: Promise<void> | undefined;
  const settle = (v: string | null) => {
    if (outcome === undefined) outcome = v;
  };
  // the reply, written as the socket takes it: it holds the state and the environment, which may be more than
  // the socket's buffer, and create must not block on a mount hook that stopped reading
  let pending: Uint8Array | undefined;
  const flush = () => {
    if (!pending) return;
    const n = writeSome(fd, pending);
    if (n === null) settle("the mount hook exited before it got the createContainer hooks");
    pending = n === null || n === pending.length ? undefined : pending.subarray(n);
  };
  const frame = (kind: number, payload: Uint8Array) => {
    if (kind === FRAME.HOOK) {
      if (++traces > maxTraces) return settle(`the mount hook sent more than ${maxTraces} hook records`);
      lastHook = decodeHookRun(payload, "createContainer", (i) => hooks.find((h) => h.index === i)?.path ?? "");
      onRecord(lastHook);
    } else if (kind === FRAME.OUTPUT) {
      const chunk = onOutput && decodeOutput(payload);
      // bounded too: past MAX_OUTPUT the rest of the createContainer hooks' output is dropped
      if (chunk && (relayed += chunk.bytes.length) <= MAX_OUTPUT) onOutput(chunk.stream, chunk.bytes);
    } else if (kind === FRAME.DONE) settle(null);
    else if (kind === FRAME.ERROR) {
      const failure = decodeError(payload);
      settle(failure.step === STEP.HOOK && lastHook ? describeFailure(lastHook) : `the mount hook failed: ${stepText(failure.step)}`);
    } else if (kind === FRAME.PID && hello) settle("the mount hook said hello twice");
    else if (kind === FRAME.PID) {
      hello = true;
      running = onHello(decodePid(payload))
        .then((r) => {
          hooks = r.hooks;
          const reply = r.error
            ? failedFrame()
            : encodeFrame(
                FRAME.HOOKS,
                encodeHookRun({
                  hooks: r.hooks,
                  timeout: r.timeout,
                  relay: !!onOutput,
                  cwd: r.state.bundle,
                  env: envList(process.env),
                  state: stateHalves(r.state),
                }),
              );
          if (r.error) settle(r.error);
          pending = reply;
          flush();
        })
        .catch((e) => settle(`running prestart and createRuntime hooks: ${(e as Error).message}`))
        .finally(() => {
          running = undefined;
        });
    }
  };
  return {
    fd,
    get running() {
      return running;
    },
    pump() {
      flush();
      const bytes = readAvailable(fd, MAX_FRAME);
      if (bytes === null) settle("the mount hook exited without reporting");
      try {
        for (const f of bytes ? reader.push(bytes) : []) frame(f.kind, f.payload);
      } catch (e) {
        settle(`the mount hook sent what is not a frame of lxcri's: ${(e as Error).message}`);
      }
      return outcome;
    },
    close() {
      closeFd(fd);
    },
  };
}
