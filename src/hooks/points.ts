// poststop hooks (runtime.md step 13): after the container is destroyed, in
// the runtime's namespaces; a failure is a warning and the rest still run.
// They also run after a create or start that failed in a hook (steps 3–7, 9 → 12 → 13).
import type { Context } from "../context.ts";
import type { StoredHook } from "./layout.ts";
import { describeFailure, failed, type HookRecord, runHooks } from "./run.ts";
import type { ContainerRecord } from "../container/record.ts";
import { stateOf } from "../container/status.ts";

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
