// start: copy init's channel (pidfd_getfd: only root on the host can), send
// GO, relay what init reports — each startContainer hook run for the trace,
// an error, EXEC, the process's seccomp notify fd for the agent (LISTENER) —
// until EOF (init's end is close-on-exec: EOF after EXEC means the process
// runs), then run poststart hooks. What only a failure or a hook needs (destroy.ts,
// hooks/runner.ts: the hooks' runner, their runs' trace and wording; native errors' wording) is
// imported when it happens: a plain start loads none of it (each module a call
// loads costs it, docs/performance.md, "Issue 23, round 5").
import { closeFd } from "../../ffi/fds.ts";
import { fstat, writeAll } from "../host/fs.ts";
import { getFd, pidfdClose, pidfdOpen, pidfdWait } from "../../ffi/pidfd.ts";
import type { Context } from "../context.ts";
import { decodeError, decodeHookRun, encodeFrame, FRAME } from "../contract/frames.ts";
import { FrameChannel } from "../host/frame-channel.ts";
import { CHANNEL_FD } from "../contract/layout.ts";
import { LxcriError } from "../errors.ts";
import { readHooks, type StoredHook } from "../hooks/layout.ts";
import type { HookRecord } from "../hooks/run.ts";
import { mark } from "../log.ts";
import type { State } from "../spec/types.ts";
import { allow, loadLocked } from "./load.ts";
import type { ContainerRecord } from "../contract/record.ts";
import { files, readStoredSpec, writeRecord } from "./store.ts";
import { stateOf } from "./status.ts";

/** Starts container `id`; its state once started (the library's Runtime.start returns it). */
export const start = (ctx: Context, id: string): Promise<State> => run(ctx, id, true) as Promise<State>;

/** start, without the state after it (the CLI prints nothing): a read of /proc and the freezer fewer. */
export const startOnly = async (ctx: Context, id: string): Promise<void> => {
  await run(ctx, id, false);
};

async function run(ctx: Context, id: string, wantState: boolean): Promise<State | undefined> {
  return loadLocked(ctx, id, async (c) => {
    const { dir, files: f, record } = c;
    // init's pidfd is opened before the status check, so that "created" (init alive with the start
    // time on record) proves it init's, as host/pidfds.ts openRecorded does: one read of
    // /proc/<init>/stat, not two
    const pidfd = record.initPid !== undefined && record.initPid > 0 ? pidfdOpen(record.initPid) : -1;
    try {
      // "created" until a start has let init go (the record's `started`, which only we write):
      // a second start is refused however the container's pid 1 looks; the lock keeps starts apart.
      allow(c, "start");
    } catch (e) {
      if (pidfd >= 0) pidfdClose(pidfd);
      throw e;
    }
    try {
      const poststart = await releaseInit(dir, record, pidfd);
      mark(ctx.log, "start: process exec'd");
      const state = wantState || poststart.length ? stateOf(record) : undefined;
      const runner = poststart.length ? await import("../hooks/runner.ts") : undefined;
      const failure = runner ? await runner.runPoststart(ctx, state!, dir, poststart) : undefined;
      if (failure) throw new LxcriError("hook-failed", runner!.describeFailure(failure));
      return state;
    } catch (e) {
      // A failing startContainer or (runtime-spec 1.3) poststart hook stops the container, then poststop runs.
      // The runtime directory stays until `delete`, so state and delete keep working.
      if (e instanceof LxcriError && e.code === "hook-failed") {
        const [{ stopContainer }, { runPoststop, appendTrace }] = await Promise.all([import("./destroy.ts"), import("../hooks/runner.ts")]);
        await stopContainer(record);
        record.poststopDone = true;
        writeRecord(dir, record);
        await runPoststop(ctx, stateOf(record, "stopped"), readHooks(f.hooks, "poststop"), (r) => appendTrace(f.hooksLog, r));
      }
      throw e;
    }
  });
}

/** The largest frame init sends start: a HOOK record (three strings of at most 4096 bytes each, ffi/native/hooks.c) or an ERROR. */
const MAX_FRAME = 16 << 10;

/**
 * Through `pidfd` (init's, proven by the status check; closed here), copies init's channel,
 * checks it is the socket create recorded, marks the container started, sends GO and relays
 * what init reports; resolves with the poststart hooks (read once, while init runs). Everything read is
 * bounded: frames by MAX_FRAME, HOOK records by the number of startContainer hooks the plan
 * has, the whole by their sum.
 */
async function releaseInit(dir: string, record: ContainerRecord, pidfd: number): Promise<StoredHook[]> {
  const f = files(dir);
  if (pidfd < 0) throw new LxcriError("runtime", `container ${record.id}: init ${record.initPid} is gone`);
  let chan = -1;
  const passed: number[] = []; // fds that came with init's frames (a seccomp notify fd)
  try {
    const fd = getFd(pidfd, CHANNEL_FD);
    if (fd === null) throw new LxcriError("runtime", `container ${record.id}: init is not waiting for start`);
    chan = fd;
    // Whatever sits at init's CHANNEL_FD now (a process of the container may have put a file,
    // a pipe or another socket there) is used only if it is the very socket create recorded.
    if (record.channelInode === undefined)
      throw new LxcriError(
        "runtime",
        `container ${record.id} was created by an older lxcri, whose channel start cannot check: delete it and create it again`,
      );
    const got = fstat(chan, "init's channel");
    if (got.type !== "socket" || got.inode !== record.channelInode)
      throw new LxcriError("runtime", `container ${record.id}: init's channel is not the socket create made: refusing to start`);
    // From here on the container counts as started (never "created" again), whatever follows.
    record.started = new Date().toISOString();
    writeRecord(dir, record);
    writeAll(chan, encodeFrame(FRAME.GO), "write to init's channel");
    // read while init runs (start only waits for it now), not after its execve
    const startHooks = readHooks(f.hooks, "startContainer");
    const poststart = readHooks(f.hooks, "poststart");
    const channel = new FrameChannel(chan, MAX_FRAME, passed);
    const maxFrames = startHooks.length + 3; // a HOOK per hook, then EXEC or ERROR, a LISTENER
    let frames = 0;
    let execing = false;
    let lastHook: HookRecord | undefined;
    let listeners = 0;
    for (;;) {
      const fr = channel.next(Date.now() + 20);
      // EOF after EXEC and no error: execve() closed init's end
      if (fr === null) break;
      if (fr === undefined) {
        if (pidfdWait(pidfd, 0)) break;
        continue;
      }
      if (++frames > maxFrames) throw new LxcriError("runtime", `container ${record.id}: init sent more than ${maxFrames} frames`);
      if (fr.kind === FRAME.LISTENER) {
        const fd = passed.shift();
        if (fd === undefined || ++listeners > 1) throw new LxcriError("runtime", `container ${record.id}: a stray seccomp listener frame`);
        // only configs with SCMP_ACT_NOTIFY rules get here: the agent code is loaded for them alone
        const { sendToAgent } = await import("./seccomp-agent.ts");
        try {
          sendToAgent(readStoredSpec(dir).linux?.seccomp, { ...stateOf(record, "running"), pid: record.initPid! }, record.initPid!, fd);
        } catch (e) {
          // the process would wait for ever in its first notified syscall: as runc, the container goes
          await (await import("./destroy.ts")).stopContainer(record);
          throw new LxcriError("runtime", `container ${record.id}: seccomp agent: ${(e as Error).message}`);
        }
      } else if (fr.kind === FRAME.HOOK) {
        lastHook = decodeHookRun(fr.payload, "startContainer", (i) => startHooks[i]?.path ?? "");
        (await import("../hooks/runner.ts")).appendTrace(f.hooksLog, lastHook);
      } else if (fr.kind === FRAME.EXEC) execing = true;
      else if (fr.kind === FRAME.ERROR) {
        const failure = decodeError(fr.payload);
        const [{ STEP }, { describeFailure }, { nativeError }, { strerror }] = await Promise.all([
          import("../contract/steps.ts"),
          import("../hooks/runner.ts"),
          import("../contract/native-error.ts"),
          import("../../ffi/libc.ts"),
        ]);
        if (failure.step === STEP.HOOK)
          throw new LxcriError("hook-failed", lastHook ? describeFailure(lastHook) : `startContainer hook ${failure.what} failed`);
        throw nativeError(failure, "start", strerror, { id: record.id });
      }
    }
    if (!execing) throw new LxcriError("runtime", `container ${record.id}: init exited before running the process`);
    return poststart;
  } finally {
    for (const fd of passed.splice(0)) closeFd(fd);
    closeFd(chan);
    pidfdClose(pidfd);
  }
}
