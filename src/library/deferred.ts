// Stand-ins for run's stdio, handed out before the pipes exist: `run`
// returns synchronously (as Bun.spawn does) from a module every CLI call
// loads, which must not load bun:ffi (test/unit/startup-imports.test.ts);
// the pipes are made once run's async part has loaded what makes them.
import type { FileSink } from "bun";

/** A stream that reads `source` once it is there (undefined: an empty stream). */
export function laterStream(source: Promise<ReadableStream<Uint8Array> | undefined>): ReadableStream<Uint8Array> {
  let reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(reason?: unknown): Promise<void> } | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        const s = await source.catch(() => undefined);
        if (!s) return c.close();
        const r = (reader ??= s.getReader());
        const { done, value } = await r.read();
        if (done) c.close();
        else c.enqueue(value);
      },
      async cancel(reason) {
        const s = await source.catch(() => undefined);
        await (reader ? reader.cancel(reason) : s?.cancel(reason));
      },
    },
    { highWaterMark: 0 },
  );
}

type Chunk = Parameters<FileSink["write"]>[0];

/** A FileSink that writes to `target` once it is there, keeping what is written before (the script's own data, its to bound). */
export class LaterSink implements FileSink {
  #target: FileSink | undefined;
  #queue: Chunk[] = [];
  readonly #ready: Promise<FileSink | undefined>;

  constructor(target: Promise<FileSink | undefined>) {
    this.#ready = target
      .catch(() => undefined)
      .then((t) => {
        this.#target = t;
        for (const c of this.#queue.splice(0)) t?.write(c);
        return t;
      });
  }

  write(chunk: Chunk): number {
    if (this.#target) return Number(this.#target.write(chunk)) || 0;
    this.#queue.push(chunk);
    return typeof chunk === "string" ? chunk.length : chunk.byteLength;
  }

  async flush(): Promise<number> {
    return (await (await this.#ready)?.flush()) ?? 0;
  }

  async end(error?: Error): Promise<number> {
    return (await (await this.#ready)?.end(error)) ?? 0;
  }

  start(options?: { highWaterMark?: number }): void {
    void this.#ready.then((t) => t?.start(options));
  }

  ref(): void {
    void this.#ready.then((t) => t?.ref());
  }

  unref(): void {
    void this.#ready.then((t) => t?.unref());
  }
}
