// hooks.log (src/hooks/trace.ts): each record escaped and bounded whoever made
// it, and the file capped; and the strings decoded from init's frames
// (src/contract/frames.ts) bounded and escaped before anyone sees them.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeError, decodeHookRun } from "../../src/contract/frames.ts";
import { type HookRecord, TAIL, TEXT_MAX } from "../../src/contract/hooks.ts";
import { appendTrace, readTrace, TRACE_MAX, traced } from "../../src/hooks/trace.ts";

const dir = mkdtempSync(join(tmpdir(), "lxcri-trace-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/; // but \t and \n, which a record keeps

const record = (over: Partial<HookRecord> = {}): HookRecord => ({
  type: "startContainer",
  index: 0,
  path: "/hook",
  start: new Date(0).toISOString(),
  durationMs: 1,
  exitCode: 1,
  signal: null,
  timedOut: false,
  stdoutTail: "",
  stderrTail: "oops\n",
  ...over,
});

describe("a trace record", () => {
  test("every string escaped (lines and tabs kept) and bounded: path and error TEXT_MAX, tails 4 * TAIL (their end)", () => {
    const big = "\x1b[2J\u009b".repeat(100_000) + "END";
    const r = traced(record({ type: big, path: big, start: big, signal: big, error: big, stdoutTail: big, stderrTail: `a\n\tb${big}` }));
    for (const v of Object.values(r)) if (typeof v === "string") expect(v).not.toMatch(CONTROL);
    expect(r.path.length).toBe(TEXT_MAX);
    expect(r.error!.length).toBe(TEXT_MAX);
    expect(r.stderrTail.length).toBe(4 * TAIL);
    expect(r.stderrTail.endsWith("END")).toBe(true);
    expect(r.type.length).toBeLessThanOrEqual(64);
    expect(JSON.stringify(r).length).toBeLessThan(64 * 1024);
    expect(traced(record({ stderrTail: "a\n\tb\r" })).stderrTail).toBe("a\n\tb\\r");
  });

  test("a line is at most 256 KiB, whatever the strings (lone surrogates take 6 bytes each in JSON)", () => {
    const worst = "\ud800".repeat(1 << 20);
    const r = record({ type: worst, path: worst, start: worst, signal: worst, error: worst, stdoutTail: worst, stderrTail: worst });
    const line = new TextEncoder().encode(JSON.stringify(traced(r)));
    expect(line.length).toBeGreaterThan(200 * 1024);
    expect(line.length).toBeLessThanOrEqual(256 * 1024);
  });

  test("only a HookRecord's fields are kept", () => {
    const r = traced({ ...record(), extra: "x".repeat(1 << 20) } as HookRecord);
    expect(Object.keys(r)).not.toContain("extra");
  });
});

describe("hooks.log's cap", () => {
  test(`records go in until the file reaches ${TRACE_MAX} bytes, then one line says so, then nothing`, () => {
    const file = join(dir, "cap.log");
    const r = record({ stderrTail: "\x1b".repeat(TAIL) }); // escaped: 4 * TAIL characters
    const line = JSON.stringify(traced(r)).length + 1;
    const fit = Math.ceil(TRACE_MAX / line);
    for (let i = 0; i < fit + 50; i++) appendTrace(file, r);
    const size = statSync(file).size;
    expect(size).toBeGreaterThanOrEqual(TRACE_MAX);
    expect(size).toBeLessThan(TRACE_MAX + line + 200);
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(lines.length).toBe(fit + 1);
    expect(JSON.parse(lines.at(-1)!).truncated).toContain("later hook runs are not recorded");
    const { trace, truncated } = readTrace(file);
    expect(trace.length).toBe(fit);
    expect(truncated).toBe(true);
  });

  test("one record larger than the rest of the room still goes in, with the line", () => {
    const file = join(dir, "one.log");
    const big = record({ stdoutTail: "x".repeat(4 * TAIL), stderrTail: "y".repeat(4 * TAIL) });
    for (let i = 0; i < 200; i++) appendTrace(file, big);
    expect(statSync(file).size).toBeLessThan(TRACE_MAX + 2 * 4 * TAIL + 1024);
    expect(readTrace(file).truncated).toBe(true);
  });

  test("under the cap: no truncation line", () => {
    const file = join(dir, "small.log");
    appendTrace(file, record());
    appendTrace(file, record({ index: 1 }));
    expect(readTrace(file)).toEqual({ trace: [traced(record()), traced(record({ index: 1 }))], truncated: false });
    expect(readTrace(join(dir, "none.log"))).toEqual({ trace: [], truncated: false });
  });
});

describe("strings from init's frames", () => {
  const enc = new TextEncoder();
  function payload(parts: (["u32" | "i32" | "u64", number] | ["str", Uint8Array])[]): Uint8Array {
    const chunks: Uint8Array[] = [];
    for (const [k, x] of parts) {
      const v = new DataView(new ArrayBuffer(k === "u64" ? 8 : 4));
      if (k === "u64") v.setBigUint64(0, BigInt(x), true);
      else if (k === "i32") v.setInt32(0, x, true);
      else v.setUint32(0, k === "str" ? x.length : x, true);
      chunks.push(new Uint8Array(v.buffer));
      if (k === "str") chunks.push(x);
    }
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  test("a HOOK frame's error and tails: escaped, invalid bytes as \\xNN, tails cut to their last TAIL bytes", () => {
    const flood = new Uint8Array(1 << 20).fill(0x9b); // not UTF-8 alone: \x9b each
    flood.set(enc.encode("\x1b]0;pwned\x07 all good\n"), flood.length - 20);
    const r = decodeHookRun(
      payload([
        ["u32", 0],
        ["u64", 0],
        ["u64", 5],
        ["i32", 1],
        ["u32", 0],
        ["u32", 0],
        ["str", enc.encode("cannot execute: \x1b[2J" + "e".repeat(1 << 16))],
        ["str", new Uint8Array([0x61, 0xc2, 0x9b, 0xff])],
        ["str", flood],
      ]),
      "createContainer",
      () => "/hook",
    );
    expect(r.error!.startsWith("cannot execute: \\x1b[2J")).toBe(true);
    expect(r.error!.length).toBeLessThanOrEqual(TEXT_MAX + 8);
    expect(r.stdoutTail).toBe("a\\u009b\\xff");
    expect(r.stderrTail.endsWith("\\x1b]0;pwned\\x07 all good\n")).toBe(true);
    expect(r.stderrTail.length).toBeLessThanOrEqual(4 * TAIL);
    for (const s of [r.error!, r.stdoutTail, r.stderrTail]) expect(s).not.toMatch(CONTROL);
  });

  test("an ERROR frame's subject: escaped, no line of its own", () => {
    const f = decodeError(
      payload([
        ["u32", 1],
        ["i32", 2],
        ["str", enc.encode("/x\n\x1b[31mfake\u009b")],
      ]),
    );
    expect(f.what).toBe("/x\\n\\x1b[31mfake\\u009b");
  });
});
