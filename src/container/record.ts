// The runtime directory of one container and the record lxcri keeps in it.
//   <root>/<id>/                 0700; also liblxc's container dir (lxcpath=<root>, name=<id>)
//     record.json                this record, written atomically
//     config.json                the bundle's config.json as it was at create
//     lxc.conf, lxc.log          the LXC config lxcri set, and liblxc's log
//     hooks/<type>/<n>/…         the hooks layout (src/hooks/layout.ts)
//     hooks.log                  one JSON line per hook run
//     init/                      bound read-only at /.lxcri/init until start:
//       process.json, state.json, sync (FIFO)
//     hook.sock                  during create only: the mount hook talks to create
//     .lock                      flock for mutating operations
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LxcriError } from "../errors.ts";
import { writeAtomic } from "../host/fsutil.ts";
import type { Spec } from "../spec/types.ts";

export interface ContainerRecord {
  id: string;
  bundle: string;
  rootfs: string;
  ociVersion: string;
  annotations: Record<string, string>;
  created: string;
  monitorPid?: number;
  monitorStart?: number;
  initPid?: number;
  initStart?: number;
  /** cgroup directories (absolute) that belong to this container, removed at delete. */
  cgroups?: string[];
  /** Parents of a configured cgroupsPath that did not exist before create, removed at delete when empty. */
  cgroupParents?: string[];
  /** Mount points lxcri created in the rootfs, removed at delete when still empty. */
  rootfsMountpoints?: string[];
  /** Set when poststop hooks already ran (after a start that failed in a hook). */
  poststopDone?: boolean;
}

export const files = (dir: string) => ({
  record: join(dir, "record.json"),
  config: join(dir, "config.json"),
  lxcConf: join(dir, "lxc.conf"),
  lxcLog: join(dir, "lxc.log"),
  hooks: join(dir, "hooks"),
  hooksLog: join(dir, "hooks.log"),
  init: join(dir, "init"),
  processJson: join(dir, "init", "process.json"),
  initState: join(dir, "init", "state.json"),
  syncFifo: join(dir, "init", "sync"),
  hookSocket: join(dir, "hook.sock"),
  lock: join(dir, ".lock"),
});

/** config.json as it was at create, validated then (runtime.md: later changes to the bundle do not count). */
export function readStoredSpec(dir: string): Spec {
  return JSON.parse(readFileSync(files(dir).config, "utf8")) as Spec;
}

export function writeRecord(dir: string, r: ContainerRecord): void {
  writeAtomic(files(dir).record, JSON.stringify(r));
}

export function readRecord(dir: string, id: string): ContainerRecord {
  let text: string;
  try {
    text = readFileSync(files(dir).record, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new LxcriError("not-found", `container ${id} does not exist`);
    throw e;
  }
  try {
    const r = JSON.parse(text) as ContainerRecord;
    if (r.id !== id || typeof r.bundle !== "string") throw new Error("fields missing");
    return r;
  } catch (e) {
    throw new LxcriError("runtime", `${files(dir).record}: corrupt container record: ${(e as Error).message}`);
  }
}
