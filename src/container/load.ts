// What every operation on an existing container does first, written once:
// check the id, find its directory (root's and private), read its record,
// take its lock for what changes it, and check its status against one table
// of what each operation allows — with one wording for "not now" that
// callers match ("container not running", "does not exist"). kill and the
// read-only calls (spec, stats, ps, hooks) load without the lock: a kill must
// reach a container whose start or delete waits on a hook, and what they read
// is written atomically.
import { type Context, containerDir } from "../context.ts";
import { LxcriError } from "../errors.ts";
import { lockFile } from "../host/fs.ts";
import type { Status } from "../spec/types.ts";
import { checkId } from "./ids.ts";
import type { ContainerRecord } from "../contract/record.ts";
import { checkRuntimeDir, files, readRecord } from "./store.ts";
import { statusOf } from "./status.ts";

export type Operation = "start" | "kill" | "exec" | "pause" | "resume" | "update" | "delete" | "checkpoint";

/** The statuses each operation allows (delete with --force, and exec into a paused container when asked, allow more). */
export const ALLOWED: Record<Operation, readonly Status[]> = {
  start: ["created"],
  kill: ["created", "running", "paused"],
  exec: ["created", "running"],
  pause: ["running"],
  resume: ["paused"],
  update: ["created", "running", "paused"],
  // runc and containerd delete a created container without --force
  delete: ["creating", "created", "stopped"],
  checkpoint: ["running"],
};

const VERB: Record<Operation, string> = {
  start: "start",
  kill: "kill",
  exec: "exec in",
  pause: "pause",
  resume: "resume",
  update: "update",
  delete: "delete",
  checkpoint: "checkpoint",
};

export interface Container {
  id: string;
  dir: string;
  files: ReturnType<typeof files>;
  record: ContainerRecord;
}

/** The container `id`: "does not exist" when it does not. */
export function load(ctx: Context, id: string): Container {
  checkId(id);
  const dir = containerDir(ctx, id);
  return { id, dir, files: files(dir), record: readRecord(dir, id) };
}

/**
 * withLock(load(ctx, id), fn) with one read of the record, under the lock: before the lock only
 * the runtime directory is checked (there, root's and private), so the lock file is made in no
 * other place. A read before the lock as well costs a call ~0.1 ms (docs/performance.md, "Issue
 * 23, round 7").
 */
export async function loadLocked<T>(ctx: Context, id: string, fn: (c: Container) => Promise<T> | T): Promise<T> {
  checkId(id);
  const dir = containerDir(ctx, id);
  if (!checkRuntimeDir(dir)) throw new LxcriError("not-found", `container ${id} does not exist`);
  const f = files(dir);
  let lock;
  try {
    lock = lockFile(f.lock);
  } catch (e) {
    // the directory went in between (a delete)
    if ((e as { code?: string }).code === "ENOENT") throw new LxcriError("not-found", `container ${id} does not exist`);
    throw e;
  }
  try {
    return await fn({ id, dir, files: f, record: readRecord(dir, id) });
  } finally {
    lock.release();
  }
}

/** Runs `fn` holding the container's lock, on its record as it is once the lock is held. */
export async function withLock<T>(c: Container, fn: (c: Container) => Promise<T> | T): Promise<T> {
  const lock = lockFile(c.files.lock);
  try {
    return await fn({ ...c, record: readRecord(c.dir, c.id) });
  } finally {
    lock.release();
  }
}

/** The container's status, when `op` may run in it; a bad-state error otherwise. `also` allows more statuses. */
export function allow(c: Container, op: Operation, also: readonly Status[] = []): Status {
  const status = statusOf(c.record);
  const allowed = [...ALLOWED[op], ...also];
  if (allowed.includes(status)) return status;
  throw refusal(c.id, op, status, allowed);
}

/** The one wording of "not now": `op` refused on container `id` in `status` (callers match "container not running"). */
export function refusal(id: string, op: Operation, status: Status, allowed: readonly Status[] = ALLOWED[op]): LxcriError {
  // kill says it for every status it refuses (creating too), as it always did: containerd matches it
  const why = `${status === "stopped" || op === "kill" ? "container not running: " : ""}it is ${status}, not ${allowed.join(" or ")}`;
  return new LxcriError("bad-state", `cannot ${VERB[op]} container ${id}: ${why}${op === "delete" ? " (use --force)" : ""}`);
}
