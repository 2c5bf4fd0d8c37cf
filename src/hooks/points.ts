// The OCI hook points lxcri runs from the runtime itself (runtime.md):
// prestart and createRuntime at liblxc's mount hook (create runs them when
// the mount hook asks), poststart in `start`, poststop in `delete` — and
// after a create or start that failed in a hook (steps 3–7, 9 → 12 → 13).
// createContainer runs in the mount hook (launcher/mount-hook.ts),
// startContainer in init (ffi/native/hooks.c). Each point appends its hooks'
// output to the files the hook output annotations name (src/hooks/output.ts):
// create opens them once for its points, start and delete when they run hooks.
import type { Context } from "../context.ts";
import type { ContainerRecord } from "../contract/record.ts";
import { files } from "../container/store.ts";
import { stateOf } from "../container/status.ts";
import type { State } from "../spec/types.ts";
import { readHooks, type StoredHook } from "./layout.ts";
import { type HookOutput, openHookOutput } from "./output.ts";
import { describeFailure, failed, type HookRecord, runHooks } from "./run.ts";
import { appendTrace } from "./trace.ts";

/**
 * The hook output files of `record` for `hooks` (none: undefined, nothing opened). Outside
 * create (which refuses the container) a file that cannot be opened is a warning: the hooks
 * still run, their output in the trace only.
 */
export function hookOutputFor(ctx: Context, record: ContainerRecord, hooks: StoredHook[]): HookOutput | undefined {
  if (!hooks.length) return undefined;
  try {
    return openHookOutput(record.annotations);
  } catch (e) {
    ctx.log.warn(`${(e as Error).message}: hook output goes to the trace only`);
    return undefined;
  }
}

/** prestart then createRuntime, in the runtime's namespaces, with init's host pid: the first failure, described. */
export async function runtimeHooks(
  ctx: Context,
  record: ContainerRecord,
  dir: string,
  initPid: number,
  output?: HookOutput,
): Promise<string | undefined> {
  const f = files(dir);
  const state: State = { ...stateOf(record, "creating"), pid: initPid };
  for (const type of ["prestart", "createRuntime"] as const) {
    const { failure } = await runHooks(readHooks(f.hooks, type), state, {
      defaultTimeout: ctx.hookTimeout,
      cwd: record.bundle,
      onRecord: (r) => appendTrace(f.hooksLog, r),
      onOutput: output?.onOutput,
    });
    if (failure) return describeFailure(failure);
  }
  return undefined;
}

/** poststart, after the process runs; a failure stops the container (runtime-spec 1.3). */
export async function runPoststart(ctx: Context, record: ContainerRecord, dir: string, state: State): Promise<HookRecord | undefined> {
  const f = files(dir);
  const hooks = readHooks(f.hooks, "poststart");
  const output = hookOutputFor(ctx, record, hooks);
  try {
    const { failure } = await runHooks(hooks, state, {
      defaultTimeout: ctx.hookTimeout,
      cwd: record.bundle,
      onRecord: (r) => appendTrace(f.hooksLog, r),
      onOutput: output?.onOutput,
    });
    return failure;
  } finally {
    output?.close();
  }
}

/** poststop, after the container is gone: a failure is a warning and the rest still run. */
export async function runPoststop(
  ctx: Context,
  record: ContainerRecord,
  hooks: StoredHook[],
  onRecord?: (r: HookRecord) => void,
  /** The files create opened already; otherwise opened here, for these hooks. */
  opened?: HookOutput,
): Promise<HookRecord[]> {
  if (!hooks.length) return [];
  const output = opened ?? hookOutputFor(ctx, record, hooks);
  try {
    const { records } = await runHooks(hooks, stateOf(record, "stopped"), {
      defaultTimeout: ctx.hookTimeout,
      cwd: record.bundle || undefined,
      keepGoing: true,
      onRecord,
      onOutput: output?.onOutput,
    });
    for (const r of records) if (failed(r)) ctx.log.warn(describeFailure(r));
    return records;
  } finally {
    if (!opened) output?.close();
  }
}
