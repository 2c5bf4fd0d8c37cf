// Runtime.exec: container/exec.ts starts the process with the stdio
// openStdio made; this gives it back as a ContainerProcess, with the pty as
// one duplex stream and an AbortSignal that kills it.
import { closeFd, readPty, setNonBlocking, writePty } from "../../ffi/fds.ts";
import { setWindowSize } from "../../ffi/pty.ts";
import { type ExecOptions as BaseExecOptions, type ExecResult, exec as startProcess } from "../container/exec.ts";
import type { Context } from "../context.ts";
import { type ContainerProcess, onAbort, type SignalOptions, signalChild } from "./process.ts";
import { reap } from "./reap.ts";
import { openStdio, type StdinOption, type StdioOption, type StdioOptions } from "./stdio.ts";

/** exec's options: the process, its stdio as Bun.spawn takes it, an AbortSignal. */
export interface ExecOptions<
  In extends StdinOption = StdinOption,
  Out extends StdioOption = StdioOption,
  Err extends StdioOption = StdioOption,
> extends BaseExecOptions,
    StdioOptions<In, Out, Err>,
    SignalOptions {}

/** A process.terminal's pty, owned by the script: what the process writes, and what it reads. */
export interface Terminal {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array | string>;
  /** Sets the pty's window size (the process gets SIGWINCH). */
  resize(rows: number, cols: number): void;
}

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

/**
 * The pty master as a readable and a writable. Bun's file streams read with
 * pread, which a pty refuses (ESPIPE): the master is non-blocking, read when
 * the script pulls, polled while it has nothing (every 1 ms, backing off to 20).
 * Its fd is closed at the pty's end (EIO once the process and its children are gone).
 */
function ptyStreams(master: number): Terminal {
  setNonBlocking(master);
  let open = true;
  const close = () => {
    if (open) closeFd(master);
    open = false;
  };
  const readable = new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        for (let idle = 0; open; idle++) {
          const got = readPty(master);
          if (got === null) break;
          if (got !== "again") return c.enqueue(got.slice());
          await Bun.sleep(Math.min(20, 1 + idle));
        }
        close();
        c.close();
      },
      cancel: close,
    },
    { highWaterMark: 0 },
  );
  const encoder = new TextEncoder();
  const writable = new WritableStream<Uint8Array | string>({
    async write(chunk) {
      let bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
      while (bytes.length && open) {
        const n = writePty(master, bytes);
        if (n === null) return; // the pty is gone
        bytes = bytes.subarray(n);
        if (bytes.length) await Bun.sleep(1); // full: the process reads it
      }
    },
  });
  return { readable, writable, resize: (rows, cols) => setWindowSize(master, rows, cols) };
}
