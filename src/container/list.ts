// Every container under a state root: its record, its state and the uid that
// owns its directory (runc's `list` names it as OWNER). Runtime.list and the
// CLI's `list` read through this one walk; a directory that is not a
// container's, or one being removed, is left out, as runc leaves it out.
import { readDir, tryLstat } from "../host/fs.ts";
import type { ContainerRecord } from "../contract/record.ts";
import type { State } from "../spec/types.ts";
import { checkId } from "./ids.ts";
import { observe } from "./observe.ts";

export interface Listed {
  record: ContainerRecord;
  state: State;
  /** The uid owning the container's directory. */
  ownerUid: number;
}

export async function listContainers(root: string): Promise<Listed[]> {
  let names: string[];
  try {
    names = readDir(root).map((e) => e.name);
  } catch {
    return [];
  }
  const out: Listed[] = [];
  for (const name of names.sort()) {
    try {
      checkId(name);
      const dir = `${root}/${name}`;
      const { record, state } = await observe(dir, name);
      const st = tryLstat(dir);
      if (st) out.push({ record, state, ownerUid: st.uid });
    } catch {
      /* not a container directory, or one being removed */
    }
  }
  return out;
}
