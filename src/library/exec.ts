// Runtime.exec: container/exec.ts starts the process with the stdio
// openStdio made; this gives it back as a ContainerProcess, with the pty as
// one duplex stream and an AbortSignal that kills it.
import { type ExecOptions as BaseExecOptions, type ExecResult, exec as startProcess } from "../container/exec.ts";
import type { Context } from "../context.ts";
import { type ContainerProcess, onAbort, type SignalOptions, signalChild } from "./process.ts";
import { reap } from "./reap.ts";
import { ptyStreams, type Terminal } from "./terminal.ts";
import { openStdio, type StdinOption, type StdioOption, type StdioOptions } from "./stdio.ts";

/** exec's options: the process, its stdio as Bun.spawn takes it, an AbortSignal. */
export interface ExecOptions<
  In extends StdinOption = StdinOption,
  Out extends StdioOption = StdioOption,
  Err extends StdioOption = StdioOption,
> extends BaseExecOptions,
    StdioOptions<In, Out, Err>,
    SignalOptions {}

/** What exec returns: the process, and (with process.terminal) its pty. */
export interface ExecProcess<
  In extends StdinOption = StdinOption,
  Out extends StdioOption = StdioOption,
  Err extends StdioOption = StdioOption,
> extends ContainerProcess<In, Out, Err>,
    ExecResult {
  readonly pid: number;
  /** With process.terminal (no consoleSocket): the pty as one duplex stream (taking it makes ptyMaster the stream's). */
  readonly terminal: Terminal | undefined;
}

export async function execProcess<In extends StdinOption, Out extends StdioOption, Err extends StdioOption>(
  ctx: Context,
  id: string,
  opts: ExecOptions<In, Out, Err>,
): Promise<ExecProcess<In, Out, Err>> {
  opts.signal?.throwIfAborted();
  const io = openStdio(opts.stdin, opts.stdout, opts.stderr);
  let started: ExecResult;
  try {
    started = await startProcess(ctx, id, opts, io.child);
  } catch (e) {
    io.abandon();
    throw e;
  }
  io.started();
  const { pid, ptyMaster } = started;
  let exitCode: number | null = null;
  let exited: Promise<number> | undefined;
  let stopListening = () => {};
  // Reaped only once something waits: a detached exec's caller may exit while the process runs on.
  const waitExit = () =>
    (exited ??= reap(pid).then((code) => {
      exitCode = code;
      stopListening();
      return code;
    }));
  if (opts.signal) {
    stopListening = onAbort(opts.signal, () => {
      if (exitCode === null) signalChild(pid, opts.killSignal ?? "SIGKILL");
    });
    void waitExit();
  }
  let terminal: Terminal | undefined;
  return {
    pid,
    ptyMaster,
    stdin: io.stdin as ExecProcess<In, Out, Err>["stdin"],
    stdout: io.stdout as ExecProcess<In, Out, Err>["stdout"],
    stderr: io.stderr as ExecProcess<In, Out, Err>["stderr"],
    get exited() {
      return waitExit();
    },
    get exitCode() {
      return exitCode;
    },
    get terminal() {
      if (ptyMaster === undefined) return undefined;
      return (terminal ??= ptyStreams(ptyMaster));
    },
    wait: waitExit,
    kill(signal) {
      if (exitCode === null) signalChild(pid, signal);
    },
  };
}
