// The sink a piped stdin gets: Bun's FileSink on our end of the pipe, whose
// end() also closes that end. Bun's own FileSink over an fd it did not open
// never closes it, and the process would then never read EOF.
import type { FileSink } from "bun";
import { closeFd } from "../../ffi/fds.ts";

export class PipeSink implements FileSink {
  readonly #inner: FileSink;
  #fd: number | undefined;

  constructor(fd: number) {
    this.#fd = fd;
    this.#inner = Bun.file(fd).writer();
  }

  write(chunk: string | ArrayBufferView | ArrayBuffer | SharedArrayBuffer): number | Promise<number> {
    return this.#inner.write(chunk as Parameters<FileSink["write"]>[0]);
  }

  flush(): number | Promise<number> {
    return this.#inner.flush();
  }

  /** Flushes what is buffered, then closes the pipe: the process reads EOF. */
  async end(error?: Error): Promise<number> {
    if (this.#fd === undefined) return 0;
    try {
      return await this.#inner.end(error);
    } catch {
      return 0; // the process closed its end (EPIPE): nothing more can reach it
    } finally {
      this.close();
    }
  }

  start(options?: { highWaterMark?: number }): void {
    this.#inner.start(options);
  }

  ref(): void {
    this.#inner.ref();
  }

  unref(): void {
    this.#inner.unref();
  }

  /** Closes the pipe without flushing (the process is gone). */
  close(): void {
    closeFd(this.#fd);
    this.#fd = undefined;
  }
}
