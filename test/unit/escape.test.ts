// src/text/escape.ts: what a container wrote, made safe for a terminal.
import { describe, expect, test } from "bun:test";
import { escapeBytes, escapeJson, escapeText } from "../../src/text/escape.ts";

const hex2 = (n: number) => n.toString(16).padStart(2, "0");
const SHORT: Record<number, string> = { 0x09: "\\t", 0x0a: "\\n", 0x0d: "\\r" };
/** Nothing a terminal acts on: no C0, DEL or C1 character. */
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

describe("escapeText", () => {
  test("every C0 control and DEL becomes a visible escape", () => {
    for (let n = 0; n < 0x20; n++) expect(escapeText(`a${String.fromCharCode(n)}b`)).toBe(`a${SHORT[n] ?? `\\x${hex2(n)}`}b`);
    expect(escapeText("\x7f")).toBe("\\x7f");
    expect(escapeText("\x1b")).toBe("\\x1b");
  });

  test("every C1 control (U+0080–U+009F) becomes \\u00NN", () => {
    for (let n = 0x80; n < 0xa0; n++) expect(escapeText(String.fromCharCode(n))).toBe(`\\u00${hex2(n)}`);
  });

  test("the first printable characters on either side are kept", () => {
    expect(escapeText(" ~\xa0¡")).toBe(" ~\xa0¡");
  });

  test("the attack's payload shows, escaped, and acts on nothing", () => {
    const payload = "\x1b]0;pwned\x07\x1b[2J\x1b[32mall good\x1b[0m\u009b31m";
    const out = escapeText(payload);
    expect(out).toBe("\\x1b]0;pwned\\x07\\x1b[2J\\x1b[32mall good\\x1b[0m\\u009b31m");
    expect(out).not.toMatch(CONTROL);
  });

  test("UTF-8 text is kept: é, 日本, emoji", () => {
    expect(escapeText("café 日本 🐳")).toBe("café 日本 🐳");
  });

  test("keep leaves the named controls, and only those", () => {
    expect(escapeText("a\nb\tc\rd\x1b", "\n\t")).toBe("a\nb\tc\\rd\\x1b");
  });

  test("short strings (looked at in a loop) and long ones (by the regex) alike: every control, at either end", () => {
    for (const len of [1, 255, 256, 257, 5000])
      for (const c of ["\x00", "\x1f", "\x7f", "\x80", "\x9f"]) {
        const text = "a".repeat(len);
        expect(escapeText(c + text)).not.toMatch(CONTROL);
        expect(escapeText(text + c)).not.toMatch(CONTROL);
        expect(escapeText(text + c).startsWith(text)).toBe(true);
      }
    for (const len of [255, 256, 257, 5000]) expect(escapeText("é ~".repeat(len))).toBe("é ~".repeat(len));
  });

  test("escaping twice with the same keep changes nothing", () => {
    const once = escapeText("x\x1b[2J\u009b\ny\\x1b", "\n");
    expect(escapeText(once, "\n")).toBe(once);
  });
});

describe("escapeBytes", () => {
  const bytes = (...b: number[]) => new Uint8Array(b);

  test("valid UTF-8 is decoded and kept", () => {
    expect(escapeBytes(new TextEncoder().encode("é 日本 🐳 ok"))).toBe("é 日本 🐳 ok");
  });

  test("C0, DEL and C1 in UTF-8 are escaped (C1 CSI is the two bytes c2 9b)", () => {
    expect(escapeBytes(bytes(0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x7f, 0xc2, 0x9b, 0x41))).toBe("\\x1b[2J\\x07\\x7f\\u009bA");
  });

  test("each byte that is not UTF-8 shows as \\xNN", () => {
    // a lone continuation byte, 0xff, 0xc0/0xc1 (overlong), a cut 3-byte sequence, a surrogate, past U+10FFFF
    expect(escapeBytes(bytes(0x61, 0x80, 0x62))).toBe("a\\x80b");
    expect(escapeBytes(bytes(0xff, 0xfe))).toBe("\\xff\\xfe");
    expect(escapeBytes(bytes(0xc0, 0xaf, 0xc1, 0xbf))).toBe("\\xc0\\xaf\\xc1\\xbf");
    expect(escapeBytes(bytes(0xe6, 0x97, 0x41))).toBe("\\xe6\\x97A");
    expect(escapeBytes(bytes(0xe0, 0x80, 0xaf))).toBe("\\xe0\\x80\\xaf"); // overlong "/"
    expect(escapeBytes(bytes(0xed, 0xa0, 0x80))).toBe("\\xed\\xa0\\x80"); // U+D800
    expect(escapeBytes(bytes(0xf4, 0x90, 0x80, 0x80))).toBe("\\xf4\\x90\\x80\\x80"); // U+110000
    expect(escapeBytes(bytes(0xf0, 0x9f, 0x90))).toBe("\\xf0\\x9f\\x90"); // a cut emoji at the end
  });

  test("invalid bytes between valid text keep the text around them", () => {
    const e = new TextEncoder();
    const joined = new Uint8Array([...e.encode("日本"), 0xff, ...e.encode("é"), 0xc2, 0x9b, 0xc3]);
    expect(escapeBytes(joined)).toBe("日本\\xffé\\u009b\\xc3");
  });

  test("keep applies to bytes too", () => {
    expect(escapeBytes(bytes(0x61, 0x0a, 0x62, 0x0d), "\n")).toBe("a\nb\\r");
  });

  test("no output has a control in it, whatever the bytes", () => {
    const all = new Uint8Array(256 * 3);
    for (let i = 0; i < all.length; i++) all[i] = (i * 7 + (i >> 8)) & 0xff;
    expect(escapeBytes(all)).not.toMatch(CONTROL);
    for (let b = 0; b < 256; b++) expect(escapeBytes(bytes(b, 0x80, b, 0x9b))).not.toMatch(CONTROL);
  });
});

describe("escapeJson", () => {
  test("DEL and C1 become \\u escapes: valid JSON, the same value, no control", () => {
    const value = { s: "a\x7fb\u009bc\u0085\x1bé" };
    const out = escapeJson(JSON.stringify(value));
    expect(out).not.toMatch(CONTROL);
    expect(JSON.parse(out)).toEqual(value);
  });
});
