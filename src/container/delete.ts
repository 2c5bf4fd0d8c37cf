// delete: a stopped (or, as runc and containerd expect, a created) container is
// destroyed; a running one only with force. Then the poststop hooks run: a
// failing poststop is a warning, the rest still run, delete succeeds. The hook
// runner (hooks/runner.ts) is imported only when there are poststop hooks.
import { exists, lockFile } from "../host/fs.ts";
import { type Context, containerDir } from "../context.ts";
import { destroy } from "./destroy.ts";
import { LxcriError } from "../errors.ts";
import { readHooks } from "../hooks/layout.ts";
import type { HookRecord } from "../hooks/run.ts";
import { checkId } from "./ids.ts";
import { files, readRecord } from "./store.ts";
import { allow } from "./load.ts";
import { stateOf } from "./status.ts";

/** Returns the poststop hook runs (their trace cannot go to hooks.log: the directory is gone). */
export async function deleteContainer(ctx: Context, id: string, opts: { force?: boolean } = {}): Promise<HookRecord[]> {
  checkId(id);
  const dir = containerDir(ctx, id);
  // Checked before the lock (it lives in the directory) and again after: another delete may have won.
  const gone = () => {
    if (exists(dir)) return false;
    if (opts.force) return true;
    throw new LxcriError("not-found", `container ${id} does not exist`);
  };
  if (gone()) return [];
  const f = files(dir);
  const lock = lockFile(f.lock);
  try {
    if (gone()) return [];
    let record;
    try {
      record = readRecord(dir, id);
    } catch (e) {
      if (!opts.force) throw e;
      // A record that cannot be read names nothing: with force, only the runtime directory goes.
      // Nothing is searched for by the id's name (it may be someone else's).
      ctx.log.warn(`${(e as Error).message}: removing only ${dir}; its processes and cgroups, if any, are left as they are`);
      await destroy(ctx, dir, { id, bundle: "", rootfs: "", ociVersion: "", annotations: {}, created: "" });
      return [];
    }
    const status = allow({ id, dir, files: f, record }, "delete", opts.force ? ["running", "paused"] : []);
    // A start that failed in a hook has already run them.
    const poststop = record.poststopDone ? [] : readHooks(f.hooks, "poststop");
    // "stopped" with an init on record: init was just seen gone (contract/status-rules.ts)
    await destroy(ctx, dir, record, status === "stopped" && record.initPid !== undefined);
    return poststop.length ? (await import("../hooks/runner.ts")).runPoststop(ctx, stateOf(record, "stopped"), poststop) : [];
  } finally {
    lock.release();
  }
}
