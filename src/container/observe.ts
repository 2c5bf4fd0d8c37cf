// A container's record and state, for `state` (the CLI's and Runtime.state)
// and the events stream: the record read and checked as every operation reads
// it (store.ts readRecord: the runtime directory's lstat, the record's
// checks), the status by contract/status-rules.ts from /proc and the freezer
// (status.ts). Synchronous system calls (host/fs.ts): `state` once read
// through Bun.file to load no bun:ffi, but each Bun.file read is a round trip
// through Bun's thread pool, which it starts for the call; the system calls
// cost `state` less (docs/performance.md, "Issue 23, round 5").
import type { State } from "../spec/types.ts";
import type { ContainerRecord } from "../contract/record.ts";
import { stateOf } from "./status.ts";
import { readRecord } from "./store.ts";

/** The record in `dir` (checked as readRecord checks it) and the container's state. */
export async function observe(dir: string, id: string): Promise<{ record: ContainerRecord; state: State }> {
  const record = readRecord(dir, id);
  return { record, state: stateOf(record) };
}
