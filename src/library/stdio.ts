// A process's stdio as Bun.spawn takes it, turned into the three fds the
// exec helper or the container's init gets, and our ends of the pipes. The
// pipes are made in ffi/ (close-on-exec; the helper and the monitor get them
// through Bun.spawn's stdio array). Our read ends are read through Bun's
// file streams, which read only when the script pulls: a process writing
// faster than the script reads waits on a full pipe, and host memory stays
// bounded (test/integration/library-stdio.test.ts measures it).
import { closeFd, pipe } from "../../ffi/fds.ts";
import { PipeSink } from "./sink.ts";

/** Where a process's stdout or stderr goes: Bun.spawn's choices. */
export type StdioOption = "pipe" | "inherit" | "ignore" | null | undefined | number;
/** What a process reads as stdin: Bun.spawn's choices, or content to feed it (then closed). */
export type StdinOption = StdioOption | string | ArrayBufferView | ArrayBuffer | Blob | Response | ReadableStream<Uint8Array>;

/** What each of fds 0-2 of the child is: an fd of ours, the caller's own, or /dev/null. */
export type ChildStdio = number | "inherit" | "ignore";

/** stdin's type on the returned process: a sink with "pipe", else undefined. */
export type StdinOf<T> = T extends "pipe" ? PipeSink : undefined;
/** stdout's or stderr's type on the returned process: a stream with "pipe", else undefined. */
export type OutputOf<T> = T extends "pipe" ? ReadableStream<Uint8Array> : undefined;

export interface OpenedStdio {
  /** For the child, as fds 0, 1, 2. */
  child: [ChildStdio, ChildStdio, ChildStdio];
  stdin?: PipeSink;
  stdout?: ReadableStream<Uint8Array>;
  stderr?: ReadableStream<Uint8Array>;
  /** Closes our copies of the child's ends (once the child holds them) and starts feeding stdin content. */
  started(): void;
  /** Closes everything of ours (the child was never started). */
  abandon(): void;
}

/** Content to feed: a string (other than the three names), bytes, a Blob, a Response or a stream. */
function isContent(v: StdinOption): v is Exclude<StdinOption, StdioOption> {
  if (typeof v === "string") return v !== "pipe" && v !== "inherit" && v !== "ignore";
  return typeof v === "object" && v !== null;
}

function fixed(v: StdioOption, name: string): ChildStdio {
  if (v === undefined || v === "inherit") return "inherit";
  if (v === null || v === "ignore") return "ignore";
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  throw new TypeError(`${name}: expected "pipe", "inherit", "ignore", null or a file descriptor, got ${JSON.stringify(v)}`);
}

/** A stream over the read end `fd`, closed at EOF or on cancel. */
function readStream(fd: number): ReadableStream<Uint8Array> {
  let open = true;
  const close = () => {
    if (open) closeFd(fd);
    open = false;
  };
  const reader = Bun.file(fd).stream().getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            close();
            c.close();
          } else c.enqueue(value);
        } catch (e) {
          close();
          c.error(e);
        }
      },
      async cancel(reason) {
        await reader.cancel(reason).catch(() => {});
        close(); // the process gets EPIPE on its next write
      },
    },
    { highWaterMark: 0 },
  );
}

/** Writes `content` into the pipe, then closes it; a process that stops reading just ends the feed. */
async function feed(sink: PipeSink, content: Exclude<StdinOption, StdioOption>): Promise<void> {
  try {
    if (content instanceof ReadableStream || content instanceof Response) {
      const body = content instanceof Response ? content.body : content;
      if (body)
        for await (const chunk of body as ReadableStream<Uint8Array>) {
          sink.write(chunk);
          await sink.flush();
        }
    } else if (content instanceof Blob) {
      sink.write(await content.bytes());
    } else {
      sink.write(content as string | ArrayBufferView | ArrayBuffer);
    }
    await sink.end();
  } catch {
    sink.close();
  }
}

export function openStdio(stdin: StdinOption, stdout: StdioOption, stderr: StdioOption): OpenedStdio {
  const theirs: number[] = [];
  const out: OpenedStdio = {
    child: ["inherit", "inherit", "inherit"],
    started() {
      for (const fd of theirs.splice(0)) closeFd(fd);
      if (content !== undefined) void feed(sink!, content);
    },
    abandon() {
      // the child's ends closed, a piped output reads EOF and closes ours (closing an fd
      // Bun's stream still reads could hand its number to the next open)
      for (const fd of theirs.splice(0)) closeFd(fd);
      sink?.close();
    },
  };
  let sink: PipeSink | undefined;
  let content: Exclude<StdinOption, StdioOption> | undefined;
  try {
    if (stdin === "pipe" || isContent(stdin)) {
      const [r, w] = pipe();
      theirs.push(r);
      out.child[0] = r;
      sink = new PipeSink(w);
      if (stdin === "pipe") out.stdin = sink;
      else content = stdin as Exclude<StdinOption, StdioOption>;
    } else out.child[0] = fixed(stdin as StdioOption, "stdin");
    for (const [i, v, name] of [
      [1, stdout, "stdout"],
      [2, stderr, "stderr"],
    ] as const) {
      if (v !== "pipe") {
        out.child[i] = fixed(v, name);
        continue;
      }
      const [r, w] = pipe();
      theirs.push(w);
      out.child[i] = w;
      out[name] = readStream(r);
    }
  } catch (e) {
    out.abandon();
    throw e;
  }
  return out;
}

/** The stdio options of exec and run, as Bun.spawn names them. */
export interface StdioOptions<
  In extends StdinOption = StdinOption,
  Out extends StdioOption = StdioOption,
  Err extends StdioOption = StdioOption,
> {
  /** "inherit" (default), "ignore", "pipe" (a sink to write to), an fd, or content to feed (a string, bytes, Blob, Response or stream). */
  stdin?: In;
  /** "inherit" (default), "ignore", "pipe" (a ReadableStream read with backpressure), or an fd. */
  stdout?: Out;
  /** As stdout. */
  stderr?: Err;
}
