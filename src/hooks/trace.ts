// hooks.log: one JSON line per hook run, appended by whichever process ran it.
import { appendFile, exists, readText } from "../../ffi/files.ts";
import type { HookRecord } from "./run.ts";

export function appendTrace(file: string, record: HookRecord): void {
  appendFile(file, JSON.stringify(record) + "\n", 0o600);
}

export function readTrace(file: string): HookRecord[] {
  if (!exists(file)) return [];
  return readText(file)
    .split("\n")
    .filter(Boolean)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as HookRecord];
      } catch {
        return [];
      }
    });
}
