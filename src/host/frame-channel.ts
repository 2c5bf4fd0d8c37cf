// The one frame pump: a non-blocking fd another process writes lxcri's frames
// to (src/contract/frames.ts), read a frame at a time — init's channel (create,
// start), the monitor's report pipe (create), the exec helper's status socket
// (exec). Bounded as its reader is: a frame longer than `maxFrame` throws.
import { pollReadable, readAvailable, recvAvailable, setNonBlocking } from "../../ffi/fds.ts";
import { type Frame, FrameReader } from "../contract/frames.ts";

export class FrameChannel {
  readonly #reader: FrameReader;
  readonly #queue: Frame[] = [];
  #eof = false;

  /**
   * `passed`: where fds that came along with the frames (SCM_RIGHTS: a seccomp notify fd) go, in
   * order, for a socket whose peer may pass them; the caller closes what it does not take.
   */
  constructor(
    readonly fd: number,
    readonly maxFrame: number,
    readonly passed?: number[],
  ) {
    this.#reader = new FrameReader(maxFrame);
    setNonBlocking(fd);
  }

  /** A frame that has arrived, without waiting: undefined when none has (yet), null once the peer closed and every frame was taken. */
  take(): Frame | null | undefined {
    if (!this.#queue.length && !this.#eof) {
      const bytes = this.passed ? recvAvailable(this.fd, this.maxFrame, this.passed) : readAvailable(this.fd, this.maxFrame);
      if (bytes === null) this.#eof = true;
      else this.#queue.push(...this.#reader.push(bytes));
    }
    return this.#queue.shift() ?? (this.#eof ? null : undefined);
  }

  /** The next frame, waiting until `deadline` (Date.now() ms; default for ever): undefined when none came by then, null at the end. */
  next(deadline = Number.POSITIVE_INFINITY): Frame | null | undefined {
    for (;;) {
      const frame = this.take();
      if (frame !== undefined) return frame;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      pollReadable([this.fd], left === Number.POSITIVE_INFINITY ? -1 : Math.ceil(left));
    }
  }
}
