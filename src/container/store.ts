// The record's file in a container's runtime directory (src/contract/layout.ts),
// written atomically, and the runtime directory's own check: it must be root's
// and private before anything in it is trusted.
import { readText, replaceOwnFile, tryLstat } from "../host/fs.ts";
import { runtimeFiles } from "../contract/layout.ts";
import type { ContainerRecord } from "../contract/record.ts";
import { parseRecord, runtimeDirError } from "../contract/status-rules.ts";
import { LxcriError } from "../errors.ts";
import type { Spec } from "../spec/types.ts";

/** The runtime directory's files (src/contract/layout.ts). */
export const files = runtimeFiles;

/** config.json as create read it, the bytes it checked and ran (runtime.md: later changes to the bundle do not count). */
export function readStoredSpec(dir: string): Spec {
  return JSON.parse(readText(files(dir).config)) as Spec;
}

export function writeRecord(dir: string, r: ContainerRecord): void {
  replaceOwnFile(files(dir).record, JSON.stringify(r));
}

export function readRecord(dir: string, id: string): ContainerRecord {
  checkRuntimeDir(dir);
  let text: string;
  try {
    text = readText(files(dir).record);
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") throw new LxcriError("not-found", `container ${id} does not exist`);
    throw e;
  }
  return parseRecord(text, id, files(dir).record);
}

/**
 * Whether the runtime directory is there (false: gone). It must be a directory of root's that no one else can
 * enter or change: what is in it (the record, hooks, config.json) is trusted
 * as root. liblxc chowns its container directory to a user namespace's root
 * when it saves a config; lxcri never lets it, and refuses a directory that
 * is not as it made it.
 */
export function checkRuntimeDir(dir: string): boolean {
  const st = tryLstat(dir);
  if (!st) return false; // gone: the caller reports "does not exist"
  const problem = runtimeDirError(dir, st);
  if (problem) throw problem;
  return true;
}
