// list: runc's table (ID, PID, STATUS, BUNDLE, CREATED, OWNER; Go's tabwriter
// with runc's minimum width 12 and padding 3), `--quiet` ids, and
// `--format json`: runc's list entries (its state's fields, rootfs, created
// and the owner's name).
import { listContainers } from "../../container/list.ts";
import { userName } from "../../host/users.ts";
import { columns } from "../columns.ts";
import { globals } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function list({ flags }: Call<"list">): Promise<void> {
  const listed = await listContainers(globals.root);
  if (flags.quiet) {
    for (const { state } of listed) console.log(state.id);
    return;
  }
  const names = new Map<number, string>();
  const owner = (uid: number) => names.get(uid) ?? names.set(uid, userName(uid)).get(uid)!;
  const entries = listed.map(({ record, state, ownerUid }) => ({
    ...state,
    pid: state.pid ?? 0,
    rootfs: record.rootfs,
    created: record.created,
    owner: owner(ownerUid),
  }));
  if (flags.format === "json") {
    console.log(JSON.stringify(entries));
    return;
  }
  const rows = [
    ["ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"],
    ...entries.map((e) => [e.id, String(e.pid), e.status, e.bundle, e.created, e.owner]),
  ];
  for (const line of columns(rows, 3, "", 12)) console.log(line);
}
