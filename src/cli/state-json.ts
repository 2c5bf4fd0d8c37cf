// What `lxcri state` prints. Reads the record, /proc and the freezer only (no
// Runtime, no liblxc, no node:fs: container/observe.ts): engines call state often.
import { containerDir } from "../context.ts";
import { checkId } from "../container/ids.ts";
import { observe } from "../container/observe.ts";

export async function printState(root: string, id: string): Promise<void> {
  checkId(id);
  const { record, state } = await observe(containerDir({ root }, id), id);
  // runc's extra fields: rootfs and created (RFC 3339). Keys CRI-O decodes differently are never added.
  // Object.assign, not an object spread: the spread is a JavaScript builtin, compiled on its first use
  const printed = Object.assign({}, state, { rootfs: record.rootfs, created: record.created });
  console.log(JSON.stringify(printed, null, 2));
}
