// host/frame-channel.ts, the one frame pump (create, start, exec read their
// peers through it): whole frames only, in order, however the bytes arrive;
// undefined while none has come, null at the end; the deadline; the bound.
import { afterEach, describe, expect, test } from "bun:test";
import { closeFd, pipe, socketPair } from "../../ffi/fds.ts";
import { sendFd } from "../../ffi/fd-passing.ts";
import { writeAll } from "../../ffi/files.ts";
import { encodeFrame, FRAME } from "../../src/contract/frames.ts";
import { FrameChannel } from "../../src/host/frame-channel.ts";

const open: number[] = [];
afterEach(() => {
  for (const fd of open.splice(0)) closeFd(fd);
});
function channel(maxFrame = 1024): { ch: FrameChannel; write: (b: Uint8Array) => void; end: () => void } {
  const [r, w] = pipe();
  open.push(r);
  let wfd = w;
  return {
    ch: new FrameChannel(r, maxFrame),
    write: (b) => writeAll(wfd, b),
    end: () => {
      closeFd(wfd);
      wfd = -1;
    },
  };
}

describe("FrameChannel", () => {
  test("a frame split across writes comes out whole, once; then undefined; null after the end", () => {
    const { ch, write, end } = channel();
    expect(ch.take()).toBeUndefined();
    const pid = encodeFrame(FRAME.PID, new Uint8Array([7, 0, 0, 0]));
    write(pid.subarray(0, 3));
    expect(ch.take()).toBeUndefined();
    write(new Uint8Array([...pid.subarray(3), ...encodeFrame(FRAME.EXEC)]));
    expect(ch.take()).toEqual({ kind: FRAME.PID, payload: new Uint8Array([7, 0, 0, 0]) });
    expect(ch.take()?.kind).toBe(FRAME.EXEC);
    expect(ch.take()).toBeUndefined();
    end();
    expect(ch.take()).toBeNull();
    expect(ch.next()).toBeNull();
  });

  test("next waits for a frame until the deadline, and no longer", () => {
    const { ch, write } = channel();
    const t0 = Date.now();
    expect(ch.next(t0 + 50)).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    write(encodeFrame(FRAME.READY));
    expect(ch.next(Date.now() + 5000)?.kind).toBe(FRAME.READY);
  });

  test("frames before the end are all handed out before null", () => {
    const { ch, write, end } = channel();
    write(new Uint8Array([...encodeFrame(FRAME.HOOK), ...encodeFrame(FRAME.ERROR)]));
    end();
    expect([ch.next()?.kind, ch.next()?.kind, ch.next()]).toEqual([FRAME.HOOK, FRAME.ERROR, null]);
  });

  test("a frame longer than the bound throws", () => {
    const { ch, write } = channel(16);
    write(encodeFrame(FRAME.HOOKS, new Uint8Array(17)));
    expect(() => ch.take()).toThrow("frame of 17 bytes (at most 16)");
  });

  test("an fd passed along with a frame (SCM_RIGHTS) goes to `passed`", () => {
    const [a, b] = socketPair();
    const [r, w] = pipe();
    open.push(a, b, r, w);
    const passed: number[] = [];
    const ch = new FrameChannel(a, 1024, passed);
    sendFd(b, r, String.fromCharCode(...encodeFrame(FRAME.LISTENER)));
    expect(ch.next(Date.now() + 5000)?.kind).toBe(FRAME.LISTENER);
    expect(passed).toHaveLength(1);
    expect(passed[0]).not.toBe(r);
    open.push(...passed);
  });
});
