// A process.terminal's pty as the script gets it from exec or run: one
// duplex stream over the master, which the script owns.
import { closeFd, readPty, setNonBlocking, writePty } from "../../ffi/fds.ts";
import { setWindowSize } from "../../ffi/pty.ts";

/** A process.terminal's pty, owned by the script: what the process writes, and what it reads. */
export interface Terminal {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array | string>;
  /** Sets the pty's window size (the process gets SIGWINCH). */
  resize(rows: number, cols: number): void;
}

/**
 * The pty master as a readable and a writable. Bun's file streams read with
 * pread, which a pty refuses (ESPIPE): the master is non-blocking, read when
 * the script pulls, polled while it has nothing (every 1 ms, backing off to 20).
 * Its fd is closed at the pty's end (EIO once the process and its children are gone).
 */
export function ptyStreams(master: number): Terminal {
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
