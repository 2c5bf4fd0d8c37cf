// What exec and run return: a subprocess shaped like Bun.spawn's (pid,
// stdin/stdout/stderr, exited, exitCode, kill), and the two things it needs
// from the host: an AbortSignal that kills, and signalling a child of ours
// (waiting for one is reap.ts's, which loads libc).
import type { OutputOf, StdinOf, StdinOption, StdioOption } from "./stdio.ts";

/** A process in a container, as Bun.spawn's Subprocess is one on the host. */
export interface ContainerProcess<
  In extends StdinOption = StdinOption,
  Out extends StdioOption = StdioOption,
  Err extends StdioOption = StdioOption,
> {
  /** Host pid of the process (for run: the container's init, known once it is created). */
  readonly pid: number | undefined;
  /** With stdin "pipe": a FileSink; end() closes it and the process reads EOF. */
  readonly stdin: StdinOf<In>;
  /** With stdout "pipe": the output, read as the script pulls it (the process waits while the script does not). */
  readonly stdout: OutputOf<Out>;
  readonly stderr: OutputOf<Err>;
  /** The exit status: the code, or 128+n for signal n. */
  readonly exited: Promise<number>;
  /** The exit status once known, else null. */
  readonly exitCode: number | null;
  /** Sends `signal` (default SIGTERM) to the process. */
  kill(signal?: number | NodeJS.Signals): void;
}

/** Signal options of exec and run. */
export interface SignalOptions {
  /** Aborting kills the process (and run deletes the container): AbortSignal.timeout(ms) bounds its run time. */
  signal?: AbortSignal;
  /** The signal an abort sends (default SIGKILL: a container's init ignores signals it has no handler for). */
  killSignal?: number | NodeJS.Signals;
}

/** Calls `onAbort` when `signal` aborts; the returned function stops listening. */
export function onAbort(signal: AbortSignal | undefined, f: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    f();
    return () => {};
  }
  signal.addEventListener("abort", f, { once: true });
  return () => signal.removeEventListener("abort", f);
}

/** Signals `pid` (a child of ours not yet reaped, so never another process with its number); nothing if it is gone. */
export function signalChild(pid: number, signal: number | NodeJS.Signals = "SIGTERM"): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* exited */
  }
}
