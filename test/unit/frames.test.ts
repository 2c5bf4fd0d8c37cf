// Frames as every reader sees them (src/contract/frames.ts): whole frames out
// of bytes however they are cut, a bound on the length a peer may claim, kinds
// handed on as they came (each reader decides what it takes), and the
// decoders of what init and the exec helper report, which escape and bound
// what a container could have written.
import { describe, expect, test } from "bun:test";
import { decodeError, decodeHookRun, decodeOutput, encodeFrame, FRAME, FrameReader } from "../../src/contract/frames.ts";
import { TAIL, TEXT_MAX } from "../../src/contract/hooks.ts";

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new TextEncoder().encode(s);
const kinds = (frames: { kind: number; payload: Uint8Array }[]) => frames.map((f) => [f.kind, [...f.payload]]);

/** A payload as init writes one: u32/i32/u64 little-endian, a string as u32 length and bytes. */
function payload(...fields: (["u32" | "i32" | "u64", number] | ["str", Uint8Array])[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [type, v] of fields) {
    const b = new Uint8Array(type === "u64" ? 8 : 4);
    const view = new DataView(b.buffer);
    if (type === "u64") view.setBigUint64(0, BigInt(v as number), true);
    else if (type === "i32") view.setInt32(0, v as number, true);
    else view.setUint32(0, type === "str" ? (v as Uint8Array).length : (v as number), true);
    parts.push(b);
    if (type === "str") parts.push(v as Uint8Array);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

describe("FrameReader", () => {
  test("a frame is a u32 length (little-endian), a kind and the payload", () => {
    expect([...encodeFrame(FRAME.PID, bytes(7, 0, 0, 0))]).toEqual([4, 0, 0, 0, FRAME.PID, 7, 0, 0, 0]);
    expect([...encodeFrame(FRAME.GO)]).toEqual([0, 0, 0, 0, FRAME.GO]);
  });

  test("bytes pushed one at a time give each frame once, when its last byte arrives", () => {
    const wire = new Uint8Array([...encodeFrame(FRAME.READY), ...encodeFrame(FRAME.PID, bytes(1, 2, 3)), ...encodeFrame(FRAME.EXEC)]);
    const r = new FrameReader();
    const when: number[] = [];
    const got: { kind: number; payload: Uint8Array }[] = [];
    wire.forEach((b, i) => {
      const frames = r.push(bytes(b));
      if (frames.length) when.push(i);
      got.push(...frames);
    });
    expect(kinds(got)).toEqual([
      [FRAME.READY, []],
      [FRAME.PID, [1, 2, 3]],
      [FRAME.EXEC, []],
    ]);
    expect(when).toEqual([4, 12, 17]);
  });

  test("several frames and part of the next in one push; the rest in the next", () => {
    const wire = new Uint8Array([
      ...encodeFrame(FRAME.HOOK, bytes(9)),
      ...encodeFrame(FRAME.ERROR, bytes(1, 2)),
      ...encodeFrame(FRAME.EXEC, bytes(5)),
    ]);
    const r = new FrameReader();
    expect(kinds(r.push(wire.subarray(0, 15)))).toEqual([
      [FRAME.HOOK, [9]],
      [FRAME.ERROR, [1, 2]],
    ]);
    expect(kinds(r.push(wire.subarray(15)))).toEqual([[FRAME.EXEC, [5]]]);
    expect(r.push(new Uint8Array(0))).toEqual([]);
  });

  test("a payload stays whole when the caller reuses its buffer", () => {
    const r = new FrameReader();
    const buf = encodeFrame(FRAME.PID, bytes(1, 2, 3, 4));
    const [f] = r.push(buf);
    buf.fill(0);
    expect([...f!.payload]).toEqual([1, 2, 3, 4]);
  });

  test("a frame may be maxFrame bytes; a longer one throws as soon as its length is read, before its payload", () => {
    const r = new FrameReader(8);
    expect(kinds(r.push(encodeFrame(FRAME.HOOKS, new Uint8Array(8))))).toEqual([[FRAME.HOOKS, [0, 0, 0, 0, 0, 0, 0, 0]]]);
    expect(r.push(bytes(9, 0, 0))).toEqual([]); // the length is not whole yet
    expect(() => r.push(bytes(0, FRAME.HOOKS))).toThrow("frame of 9 bytes (at most 8): the peer does not speak lxcri's frames");
    expect(() => new FrameReader().push(bytes(0xff, 0xff, 0xff, 0xff, 1))).toThrow(`frame of ${2 ** 32 - 1} bytes (at most ${1 << 24})`);
  });

  test("kinds are handed on as they came, known or not: each reader decides what it takes", () => {
    const wire = new Uint8Array([0, 0, 0, 0, 0, 1, 0, 0, 0, 255, 42, ...encodeFrame(FRAME.LISTENER)]);
    expect(kinds(new FrameReader().push(wire))).toEqual([
      [0, []],
      [255, [42]],
      [FRAME.LISTENER, []],
    ]);
  });
});

describe("what init reports", () => {
  test("ERROR: step, errno and subject; the subject escaped, no control kept, cut to TEXT_MAX", () => {
    expect(decodeError(payload(["u32", 4], ["i32", 2], ["str", text("/bin/x\n\x1b[2J")]))).toEqual({
      step: 4,
      errno: 2,
      what: "/bin/x\\n\\x1b[2J",
    });
    expect(decodeError(payload(["u32", 1], ["i32", 0], ["str", text("a".repeat(TEXT_MAX + 10))])).what).toBe("a".repeat(TEXT_MAX));
  });

  const hookRun = (o: { exit?: number; signal?: number; timedOut?: number; error?: string; out?: Uint8Array; err?: Uint8Array }) =>
    payload(
      ["u32", 2],
      ["u64", Date.UTC(2024, 0, 2, 3, 4, 5, 6)],
      ["u64", 1500],
      ["i32", o.exit ?? 0],
      ["u32", o.signal ?? 0],
      ["u32", o.timedOut ?? 0],
      ["str", text(o.error ?? "")],
      ["str", o.out ?? new Uint8Array(0)],
      ["str", o.err ?? new Uint8Array(0)],
    );

  test("HOOK: a startContainer record, its path from the index, its start as a date", () => {
    const r = decodeHookRun(hookRun({ exit: 3, out: text("hello\n"), err: text("broken\tnow\n") }), "startContainer", (i) => `/hook/${i}`);
    expect(r).toEqual({
      type: "startContainer",
      index: 2,
      path: "/hook/2",
      start: "2024-01-02T03:04:05.006Z",
      durationMs: 1500,
      exitCode: 3,
      signal: null,
      timedOut: false,
      stdoutTail: "hello\n",
      stderrTail: "broken\tnow\n",
    });
  });

  test("HOOK: no exit code when there is none (-1) or a signal ended the hook; the error when there is one", () => {
    expect(
      decodeHookRun(hookRun({ exit: -1, signal: 9, timedOut: 1, error: "timed out after 1 s" }), "startContainer", () => "/h"),
    ).toMatchObject({
      exitCode: null,
      signal: "SIGKILL",
      timedOut: true,
      error: "timed out after 1 s",
    });
    expect(decodeHookRun(hookRun({ exit: 0, signal: 15 }), "startContainer", () => "/h")).toMatchObject({
      exitCode: null,
      signal: "SIGTERM",
    });
    expect(decodeHookRun(hookRun({ exit: 0 }), "startContainer", () => "/h")).not.toHaveProperty("error");
  });

  test("HOOK: tails keep their last TAIL bytes, escaped with lines and tabs kept", () => {
    const long = new Uint8Array([...text("x".repeat(TAIL)), ...text("\x1b]0;t\x07"), 0xff, ...text(" end\n")]);
    const r = decodeHookRun(hookRun({ out: long, err: text("\r\n") }), "startContainer", () => "/h");
    expect(r.stdoutTail).toBe(`${"x".repeat(TAIL - 12)}\\x1b]0;t\\x07\\xff end\n`);
    expect(r.stderrTail).toBe("\\r\n");
  });

  test("HOOK from the mount hook: the same record, as createContainer", () => {
    const r = decodeHookRun(hookRun({ exit: 3 }), "createContainer", (i) => `/hook/${i}`);
    expect(r).toMatchObject({ type: "createContainer", index: 2, path: "/hook/2", exitCode: 3 });
  });

  test("OUTPUT: a chunk of stdout (1) or stderr (2); any other stream, or no stream at all, is not one", () => {
    expect(decodeOutput(new Uint8Array([1, 0, 0, 0, ...text("hi")]))).toEqual({ stream: "stdout", bytes: text("hi") });
    expect(decodeOutput(new Uint8Array([2, 0, 0, 0, 7, 8]))).toEqual({ stream: "stderr", bytes: new Uint8Array([7, 8]) });
    expect(decodeOutput(new Uint8Array([3, 0, 0, 0, 7]))).toBeUndefined();
    expect(decodeOutput(new Uint8Array([1, 0]))).toBeUndefined();
  });
});
