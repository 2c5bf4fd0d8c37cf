// create's side of the mount hook (mount-hook.ts), over a socket
// pair whose other end liblxc hands the mount hook: when it says hello,
// create — the runtime, in the runtime's namespaces and with the caller's
// environment — runs the prestart and createRuntime hooks, then replies with
// what the mount hook needs to run createContainer in the container's
// namespaces, and appends the records it sends to hooks.log.
import { writeAll } from "../host/fs.ts";
import { closeFd, readAvailable, setNonBlocking } from "../../ffi/fds.ts";
import type { HookRecord, MountHookMessage, StoredHook } from "../contract/hooks.ts";
import { FRAME, FrameReader, jsonFrame, jsonPayload } from "../contract/frames.ts";
import type { State } from "../spec/types.ts";
import type { OnOutput } from "./output.ts";

export interface HookServer {
  readonly fd: number;
  /** Handles what arrived; the mount hook's outcome once known: undefined while pending, null when all ran. */
  pump(): string | null | undefined;
  close(): void;
}

/** The largest message the mount hook sends: a trace record is at most 256 KiB as hooks.log stores it (src/hooks/trace.ts). */
const MAX_FRAME = 1 << 20;
/** The most createContainer hook output (both streams) create appends to the hook output files. */
export const MAX_OUTPUT = 64 << 20;

/**
 * The mount hook runs in the container's namespaces, where the createContainer hooks it starts run
 * too: what it sends is bounded like anything else a container could write. One hello, at most
 * `maxTraces` trace records (one per createContainer hook), one result; frames of at most MAX_FRAME;
 * at most MAX_OUTPUT bytes of hook output relayed to the hook output files.
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
  let traces = 0;
  let relayed = 0;
  const settle = (v: string | null) => {
    if (outcome === undefined) outcome = v;
  };
  return {
    fd,
    pump() {
      const bytes = readAvailable(fd, MAX_FRAME);
      if (bytes === null) settle("the mount hook exited without reporting");
      for (const f of bytes ? reader.push(bytes) : []) {
        if (f.kind !== FRAME.JSON) continue;
        const m = jsonPayload(f.payload) as MountHookMessage;
        if ("trace" in m) {
          if (++traces > maxTraces) settle(`the mount hook sent more than ${maxTraces} hook records`);
          else onRecord(m.trace);
        } else if ("output" in m) {
          const { stream, data } = m.output;
          if (!onOutput || (stream !== "stdout" && stream !== "stderr") || typeof data !== "string") continue;
          const chunk = Uint8Array.fromBase64(data);
          // bounded too: past MAX_OUTPUT the rest of the createContainer hooks' output is dropped
          if ((relayed += chunk.length) <= MAX_OUTPUT) onOutput(stream, chunk);
        } else if ("result" in m) settle("error" in m.result ? m.result.error : null);
        else if ("hello" in m && hello) settle("the mount hook said hello twice");
        else if ("hello" in m && (hello = true))
          onHello(m.hello.pid).then(
            (r) => {
              const reply: MountHookMessage = r.error
                ? { reply: { ok: false } }
                : { reply: { ok: true, hooks: r.hooks, state: r.state, env: process.env, timeout: r.timeout, relayOutput: !!onOutput } };
              writeAll(fd, jsonFrame(reply), "write to the mount hook");
              if (r.error) settle(r.error);
            },
            (e) => settle(`running prestart and createRuntime hooks: ${(e as Error).message}`),
          );
      }
      return outcome;
    },
    close() {
      closeFd(fd);
    },
  };
}
