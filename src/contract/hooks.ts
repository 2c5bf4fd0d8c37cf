// Hooks as every runner sees them: the stored form `create` writes
// (src/hooks/layout.ts) and the record of one run that goes to hooks.log,
// whichever process ran it (create, the mount hook, init, start, delete).
import type { HookType } from "../spec/types.ts";

export interface StoredHook {
  type: HookType;
  index: number;
  path: string;
  argv: string[];
  /** undefined: the hook gets the environment of the process that runs it (as in runc). */
  env?: string[];
  timeout?: number;
}

export interface HookRecord {
  type: string;
  index: number;
  path: string;
  start: string;
  durationMs: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  error?: string;
  stdoutTail: string;
  stderrTail: string;
}
