// kill: signal the container's init (created or running); anything else is
// an error that changes nothing (runtime.md: kill).
import { type Context, containerDir } from "./context.ts";
import { LxcriError } from "./errors.ts";
import { checkId } from "./ids.ts";
import { readRecord } from "./record.ts";
import { parseSignal } from "./signals.ts";
import { statusOf } from "./status.ts";

export async function kill(ctx: Context, id: string, signal?: string | number): Promise<void> {
  checkId(id);
  const sig = parseSignal(signal);
  const record = readRecord(containerDir(ctx, id), id);
  const status = statusOf(record);
  if (status !== "created" && status !== "running")
    throw new LxcriError("bad-state", `cannot kill container ${id}: container not running (it is ${status})`);
  try {
    process.kill(record.initPid!, sig);
  } catch (e) {
    throw new LxcriError("bad-state", `cannot kill container ${id}: no such process (${(e as Error).message})`);
  }
}
