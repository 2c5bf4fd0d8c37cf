// The OCI hook points lxcri runs from the runtime itself (runtime.md):
// prestart and createRuntime at liblxc's mount hook (create runs them when
// the mount hook asks), poststart in `start`, poststop in `delete` — and
// after a create or start that failed in a hook (steps 3–7, 9 → 12 → 13).
// createContainer runs in the mount hook (ffi/native/mounthook.c),
// startContainer in init (ffi/native/hooks.c). Each point appends its hooks'
// output to the files the hook output annotations name (src/hooks/output.ts):
// create opens them once for its points, start and delete when they run hooks.
// Each takes the container's state as the hooks get it (its bundle is their cwd, its annotations
// name the output files), never the record: the record is the operations'.
import type { Context } from "../context.ts";
import { runtimeFiles as files } from "../contract/layout.ts";
import type { InitHook } from "../contract/plan.ts";
import type { Spec, State } from "../spec/types.ts";
import { readHooks, type StoredHook } from "./layout.ts";
import { type HookOutput, openHookOutput } from "./output.ts";
import { describeFailure, failed, type HookRecord, runHooks } from "./run.ts";
import { appendTrace } from "./trace.ts";

/**
 * The hook output files the annotations of `state` name, for `hooks` (none: undefined, nothing
 * opened). Outside create (which refuses the container) a file that cannot be opened is a
 * warning: the hooks still run, their output in the trace only.
 */
export function hookOutputFor(ctx: Context, state: State, hooks: StoredHook[]): HookOutput | undefined {
  if (!hooks.length) return undefined;
  try {
    return openHookOutput(state.annotations);
  } catch (e) {
    ctx.log.warn(`${(e as Error).message}: hook output goes to the trace only`);
    return undefined;
  }
}

/** prestart then createRuntime, in the runtime's namespaces (`state`: "creating", init's host pid): the first failure, described. */
export async function runtimeHooks(ctx: Context, state: State, dir: string, output?: HookOutput): Promise<string | undefined> {
  const f = files(dir);
  for (const type of ["prestart", "createRuntime"] as const) {
    const { failure } = await runHooks(readHooks(f.hooks, type), state, {
      defaultTimeout: ctx.hookTimeout,
      cwd: state.bundle,
      onRecord: (r) => appendTrace(f.hooksLog, r),
      onOutput: output?.onOutput,
    });
    if (failure) return describeFailure(failure);
  }
  return undefined;
}

/** poststart (`hooks`: start read them while init ran), after the process runs; a failure stops the container (runtime-spec 1.3). */
export async function runPoststart(ctx: Context, state: State, dir: string, hooks: StoredHook[]): Promise<HookRecord | undefined> {
  const f = files(dir);
  const output = hookOutputFor(ctx, state, hooks);
  try {
    const { failure } = await runHooks(hooks, state, {
      defaultTimeout: ctx.hookTimeout,
      cwd: state.bundle,
      onRecord: (r) => appendTrace(f.hooksLog, r),
      onOutput: output?.onOutput,
    });
    return failure;
  } finally {
    output?.close();
  }
}

/** poststop, after the container is gone (`state`: "stopped"): a failure is a warning and the rest still run. */
export async function runPoststop(
  ctx: Context,
  state: State,
  hooks: StoredHook[],
  onRecord?: (r: HookRecord) => void,
  /** The files create opened already; otherwise opened here, for these hooks. */
  opened?: HookOutput,
): Promise<HookRecord[]> {
  if (!hooks.length) return [];
  const output = opened ?? hookOutputFor(ctx, state, hooks);
  try {
    const { records } = await runHooks(hooks, state, {
      defaultTimeout: ctx.hookTimeout,
      cwd: state.bundle || undefined,
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

/** startContainer hooks as init runs them (it gets them in its plan, never from a path). */
export function startContainerHooks(spec: Spec): InitHook[] {
  return (spec.hooks?.startContainer ?? []).map((h, index) => ({
    index,
    path: h.path,
    argv: h.args ?? [h.path],
    env: h.env,
    timeout: h.timeout,
  }));
}

/** The state JSON hooks get on stdin, in two halves around the pid (init's own, as the container sees it). */
export function stateHalves(state: State): [string, string] {
  const { pid: _, ...rest } = state;
  const before = JSON.stringify({ ociVersion: rest.ociVersion, id: rest.id, status: rest.status });
  const after = JSON.stringify({ bundle: rest.bundle, annotations: rest.annotations });
  return [`${before.slice(0, -1)},"pid":`, `,${after.slice(1)}`];
}
