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

/** Linux's (x86_64) signal names by number, as src/host/signals.ts has them (test/unit/hook-signals.test.ts compares the two). */
const SIGNALS = [
  ...["", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1"],
  ...["SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP"],
  ...["SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"],
];
const SIGRTMIN = 34;

/**
 * A record's `signal`: the name of the signal that ended a hook, the same
 * whichever runner saw it (Bun names 1-31 itself and gives a real-time one
 * as its number; init reports numbers). A real-time one is SIGRTMIN+n, as kill takes it.
 */
export function signalName(n: number): string {
  if (n > 0 && n < SIGNALS.length) return SIGNALS[n]!;
  if (n >= SIGRTMIN && n <= 64) return n === SIGRTMIN ? "SIGRTMIN" : `SIGRTMIN+${n - SIGRTMIN}`;
  return `signal ${n}`;
}
