// The OCI hook points lxcri runs from the runtime itself (runtime.md):
// prestart and createRuntime at liblxc's mount hook (create runs them when
// the mount hook asks), poststart in `start`, poststop in `delete` — and
// after a create or start that failed in a hook (steps 3–7, 9 → 12 → 13).
// createContainer runs in the mount hook (launcher/mount-hook.ts),
// startContainer in init (ffi/native/hooks.c).
import type { Context } from "../context.ts";
import type { ContainerRecord } from "../container/record.ts";
import { files } from "../container/record.ts";
import { stateOf } from "../container/status.ts";
import type { State } from "../spec/types.ts";
import { readHooks, type StoredHook } from "./layout.ts";
import { describeFailure, failed, type HookRecord, runHooks } from "./run.ts";
import { appendTrace } from "./trace.ts";

/** prestart then createRuntime, in the runtime's namespaces, with init's host pid: the first failure, described. */
export async function runtimeHooks(ctx: Context, record: ContainerRecord, dir: string, initPid: number): Promise<string | undefined> {
  const f = files(dir);
  const state: State = { ...stateOf(record, "creating"), pid: initPid };
  for (const type of ["prestart", "createRuntime"] as const) {
    const { failure } = await runHooks(readHooks(f.hooks, type), state, {
      defaultTimeout: ctx.hookTimeout,
      cwd: record.bundle,
      onRecord: (r) => appendTrace(f.hooksLog, r),
    });
    if (failure) return describeFailure(failure);
  }
  return undefined;
}

/** poststart, after the process runs; a failure stops the container (runtime-spec 1.3). */
export async function runPoststart(ctx: Context, record: ContainerRecord, dir: string, state: State): Promise<HookRecord | undefined> {
  const f = files(dir);
  const { failure } = await runHooks(readHooks(f.hooks, "poststart"), state, {
    defaultTimeout: ctx.hookTimeout,
    cwd: record.bundle,
    onRecord: (r) => appendTrace(f.hooksLog, r),
  });
  return failure;
}

/** poststop, after the container is gone: a failure is a warning and the rest still run. */
export async function runPoststop(
  ctx: Context,
  record: ContainerRecord,
  hooks: StoredHook[],
  onRecord?: (r: HookRecord) => void,
): Promise<HookRecord[]> {
  if (!hooks.length) return [];
  const { records } = await runHooks(hooks, stateOf(record, "stopped"), {
    defaultTimeout: ctx.hookTimeout,
    cwd: record.bundle || undefined,
    keepGoing: true,
    onRecord,
  });
  for (const r of records) if (failed(r)) ctx.log.warn(describeFailure(r));
  return records;
}
