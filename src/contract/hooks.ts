// Hooks as every runner sees them: the stored form `create` writes
// (src/hooks/layout.ts), and the record of one run that goes to hooks.log,
// whichever process ran it (create, the mount hook, init, start, delete).
// What create and the mount hook say to each other is frames
// (src/contract/frames.ts, plan.ts encodeHookRun).
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

/**
 * The bytes of each output stream a hook record keeps: the last ones
 * (ffi/native/hooks.c's TAIL is the same). Escaped (src/text/escape.ts), they
 * take at most 4 characters each.
 */
export const TAIL = 4096;
/** The most of a record's path or error kept, and of a string init reports (a path, a short error). */
export const TEXT_MAX = 4096;

/** A record's text: escaped where it is made (tails, init's report) and again by the trace, bounded there. */
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

/** A hook's output stream, as the hook output files (src/hooks/output.ts) and the mount hook's relay (OUTPUT frames) name it. */
export type Stream = "stdout" | "stderr";
