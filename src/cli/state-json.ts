// What `lxcri state` prints. Reads the record and /proc only (no Runtime, no
// liblxc): engines call state often, and the fast path imports just this.
import { join } from "node:path";
import { checkId } from "../container/ids.ts";
import { readRecord } from "../container/record.ts";
import { stateOf } from "../container/status.ts";

export function printState(root: string, id: string): void {
  checkId(id);
  const record = readRecord(join(root, id), id);
  // runc's extra fields: rootfs and created (RFC 3339). Keys CRI-O decodes differently are never added.
  console.log(JSON.stringify({ ...stateOf(record), rootfs: record.rootfs, created: record.created }, null, 2));
}
