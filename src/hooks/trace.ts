// hooks.log: one JSON line per hook run, appended by whichever process ran it.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { HookRecord } from "./run.ts";

export function appendTrace(file: string, record: HookRecord): void {
  appendFileSync(file, JSON.stringify(record) + "\n", { mode: 0o600 });
}

export function readTrace(file: string): HookRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
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
