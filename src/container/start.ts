// start: copy init's channel (pidfd_getfd: only root on the host can), send
// GO, relay what init reports — each startContainer hook run for the trace,
// an error, EXEC — until EOF (init's end is close-on-exec: EOF after EXEC
// means the process runs), then run poststart hooks.
import { closeFd, pollReadable, readAvailable, setNonBlocking } from "../../ffi/fds.ts";
import { writeAll } from "../../ffi/files.ts";
import { strerror } from "../../ffi/libc.ts";
import { getFd, pidfdClose, pidfdOpen } from "../../ffi/pidfd.ts";
import type { Context } from "../context.ts";
import { decodeError, decodeHookRun, describeNative, encodeFrame, FRAME, FrameReader } from "../contract/frames.ts";
import { CHANNEL_FD } from "../contract/layout.ts";
import { STEP } from "../contract/steps.ts";
import { LxcriError } from "../errors.ts";
import { readHooks } from "../hooks/layout.ts";
import { runPoststart, runPoststop } from "../hooks/points.ts";
import { describeFailure, type HookRecord } from "../hooks/run.ts";
import { appendTrace } from "../hooks/trace.ts";
import { isAlive } from "../host/proc.ts";
import { mark } from "../log.ts";
import type { State } from "../spec/types.ts";
import { stopContainer } from "./destroy.ts";
import { load, require, withLock } from "./load.ts";
import { type ContainerRecord, files, writeRecord } from "./record.ts";
import { stateOf } from "./status.ts";

export async function start(ctx: Context, id: string): Promise<State> {
  return withLock(load(ctx, id), async (c) => {
    // While our init is init the container is "created", however often start was tried
    // (a start killed before GO leaves it so); the lock keeps starts apart.
    require(c, "start");
    const { dir, files: f, record } = c;
    try {
      await releaseInit(dir, record);
      mark(ctx.log, "start: process exec'd");
      const state = stateOf(record);
      const failure = await runPoststart(ctx, record, dir, state);
      if (failure) throw new LxcriError("hook-failed", describeFailure(failure));
      return state;
    } catch (e) {
      // A failing startContainer or (runtime-spec 1.3) poststart hook stops the container, then poststop runs.
      // The runtime directory stays until `delete`, so state and delete keep working.
      if (e instanceof LxcriError && e.code === "hook-failed") {
        await stopContainer(record);
        record.poststopDone = true;
        writeRecord(dir, record);
        await runPoststop(ctx, record, readHooks(f.hooks, "poststop"), (r) => appendTrace(f.hooksLog, r));
      }
      throw e;
    }
  });
}

async function releaseInit(dir: string, record: ContainerRecord): Promise<void> {
  const f = files(dir);
  const pidfd = pidfdOpen(record.initPid!);
  if (pidfd < 0) throw new LxcriError("runtime", `container ${record.id}: init ${record.initPid} is gone`);
  let chan = -1;
  try {
    const fd = getFd(pidfd, CHANNEL_FD);
    if (fd === null) throw new LxcriError("runtime", `container ${record.id}: init is not waiting for start`);
    chan = fd;
    writeAll(chan, encodeFrame(FRAME.GO), "write to init's channel");
    setNonBlocking(chan);
    const startHooks = readHooks(f.hooks, "startContainer");
    const reader = new FrameReader();
    let execing = false;
    let lastHook: HookRecord | undefined;
    for (;;) {
      const bytes = readAvailable(chan);
      for (const fr of bytes ? reader.push(bytes) : []) {
        if (fr.kind === FRAME.HOOK) {
          lastHook = decodeHookRun(fr.payload, (i) => startHooks[i]?.path ?? "");
          appendTrace(f.hooksLog, lastHook);
        } else if (fr.kind === FRAME.EXEC) execing = true;
        else if (fr.kind === FRAME.ERROR) {
          const failure = decodeError(fr.payload);
          if (failure.step === STEP.HOOK)
            throw new LxcriError("hook-failed", lastHook ? describeFailure(lastHook) : `startContainer hook ${failure.what} failed`);
          throw new LxcriError("runtime", `container ${record.id}: ${describeNative(failure, strerror)}`);
        }
      }
      // EOF after EXEC and no error: execve() closed init's end.
      if (bytes === null) break;
      if (!pollReadable([chan], 20).length && !isAlive(record.initPid, record.initStart)) break;
    }
    if (!execing) throw new LxcriError("runtime", `container ${record.id}: init exited before running the process`);
  } finally {
    closeFd(chan);
    pidfdClose(pidfd);
  }
}
