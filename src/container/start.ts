// start: release the launcher (open init/sync), relay what it reports (hook
// runs, errors), confirm the exec (EOF on sync: the launcher's write end is
// O_CLOEXEC), then run poststart hooks.
import { closeSync, constants, openSync, readSync } from "node:fs";
import { libc, O_CLOEXEC, POLLHUP, POLLIN } from "../../ffi/libc.ts";
import { type Context, containerDir } from "../context.ts";
import { LxcriError } from "../errors.ts";
import { lockFile } from "../host/fsutil.ts";
import { readHooks } from "../hooks/layout.ts";
import { describeFailure, runHooks } from "../hooks/run.ts";
import { appendTrace } from "../hooks/trace.ts";
import { checkId } from "./ids.ts";
import { mark } from "../log.ts";
import { isAlive } from "../host/proc.ts";
import { stopContainer } from "./destroy.ts";
import { runPoststop } from "../hooks/points.ts";
import type { InitMessage } from "../contract/messages.ts";
import { type ContainerRecord, files, readRecord, writeRecord } from "./record.ts";
import type { State } from "../spec/types.ts";
import { stateOf, statusOf } from "./status.ts";

export async function start(ctx: Context, id: string): Promise<State> {
  checkId(id);
  const dir = containerDir(ctx, id);
  const f = files(dir);
  readRecord(dir, id); // "does not exist" before taking the lock in its directory
  const lock = lockFile(f.lock);
  try {
    const record = readRecord(dir, id);
    const status = statusOf(record);
    // While the launcher is init the container is "created", however often start was tried
    // (a start killed before the exec leaves it so); the lock keeps starts apart.
    if (status !== "created") throw new LxcriError("bad-state", `cannot start container ${id}: it is ${status}, not created`);
    try {
      await releaseLauncher(dir, record);
      mark(ctx.log, "start: process exec'd");
      const state = stateOf(record);
      const { failure } = await runHooks(readHooks(f.hooks, "poststart"), state, {
        defaultTimeout: ctx.hookTimeout,
        cwd: record.bundle,
        onRecord: (r) => appendTrace(f.hooksLog, r),
      });
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
  } finally {
    lock.release();
  }
}

async function releaseLauncher(dir: string, record: ContainerRecord): Promise<void> {
  const f = files(dir);
  const sync = openSync(f.syncFifo, constants.O_RDONLY | constants.O_NONBLOCK | O_CLOEXEC);
  try {
    let execing = false;
    for await (const msg of messages(sync, record)) {
      if ("hook" in msg) appendTrace(f.hooksLog, msg.hook);
      else if ("error" in msg) throw new LxcriError(msg.hookFailed ? "hook-failed" : "runtime", msg.error);
      else execing = true;
    }
    // EOF after "exec" and no error: execve() closed the launcher's end.
    if (!execing) throw new LxcriError("runtime", `container ${record.id}: init exited before running the process`);
  } finally {
    closeSync(sync);
  }
}

/** Newline-delimited JSON from the launcher until EOF, polling so a dead init cannot hang us. */
async function* messages(fd: number, record: ContainerRecord): AsyncGenerator<InitMessage> {
  const pfd = new Int32Array(2);
  const buf = Buffer.alloc(65536);
  let pending = "";
  for (;;) {
    pfd[0] = fd;
    pfd[1] = POLLIN; // events (low 16 bits); revents (high 16 bits) start at 0
    const n = libc.poll(pfd, 1n, 20);
    const revents = pfd[1]! >>> 16;
    if (n > 0 && revents & (POLLIN | POLLHUP)) {
      let got = 0;
      try {
        got = readSync(fd, buf);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      }
      if (got === 0 && revents & POLLHUP) return;
      pending += buf.subarray(0, got).toString();
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line) yield JSON.parse(line) as InitMessage;
      }
    } else if (!isAlive(record.initPid, record.initStart)) return;
    await Bun.sleep(0);
  }
}
