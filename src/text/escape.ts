// Text a container or an image produced, made safe to show a person: what a
// terminal would act on (C0 controls, DEL, the C1 controls U+0080–U+009F:
// ESC starts a sequence that sets the window title or clears the screen, a
// C1 CSI does the same without ESC, CR overwrites the line) becomes a visible
// escape, and bytes that are not UTF-8 show as themselves:
//
//   C0 and DEL        "\x1b", "\x07", "\x7f"   (the byte; "\n", "\r", "\t" for those three)
//   C1                "\u009b"                 (the code point; as UTF-8 it is the two bytes c2 9b)
//   not UTF-8         "\xff", "\xc3"           (each byte of an invalid or cut sequence)
//
// Everything else, "é" and "日本" included, stays as it is. A backslash is
// not escaped: the result has nothing a terminal acts on whichever way it is
// read (a literal "\x1b" the container wrote looks like an escaped ESC, and
// does nothing), and escaping again with the same `keep` changes nothing, so
// a hook record escaped where it is made can be escaped again in a message.
// `keep` names the C0 characters left alone ("\n\t" for a hook's output in
// its record); messages keep none, so nothing a container wrote starts a line
// of its own.

const ANY_CONTROL = /[\x00-\x1f\x7f-\x9f]/;
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;

const SHORT: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const hex = (n: number) => n.toString(16).padStart(2, "0");

/**
 * Whether `s` has a C0 control, DEL or a C1 control. A short string is looked at in a loop: a
 * regex's first use in a process costs ~0.1 ms, and a hook run's record is a handful of short
 * strings (docs/performance.md, "Issue 23, round 9"); a long one (a hook's output) by the regex.
 */
function hasControl(s: string): boolean {
  if (s.length > 256) return ANY_CONTROL.test(s);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** `s` with every C0 control (but those in `keep`), DEL and C1 control escaped. */
export function escapeText(s: string, keep = ""): string {
  if (!hasControl(s)) return s;
  return s.replace(CONTROLS, (c) => {
    if (keep.includes(c)) return c;
    const n = c.charCodeAt(0);
    return SHORT[c] ?? (n < 0x80 ? `\\x${hex(n)}` : `\\u00${hex(n)}`);
  });
}

const strict = new TextDecoder("utf-8", { fatal: true });
const loose = new TextDecoder();

/** Bytes as text, escaped as escapeText does; bytes that are not UTF-8 as "\xNN". */
export function escapeBytes(bytes: Uint8Array, keep = ""): string {
  let text: string;
  try {
    text = strict.decode(bytes);
  } catch {
    text = "";
    let from = 0;
    for (let i = 0; i < bytes.length; ) {
      const n = sequenceLength(bytes, i);
      if (n) {
        i += n;
        continue;
      }
      text += `${loose.decode(bytes.subarray(from, i))}\\x${hex(bytes[i]!)}`;
      from = ++i;
    }
    text += loose.decode(bytes.subarray(from));
  }
  return escapeText(text, keep);
}

/** The length of the well-formed UTF-8 sequence at `i` (Unicode's table 3-7), 0 if there is none. */
function sequenceLength(b: Uint8Array, i: number): number {
  const x = b[i]!;
  if (x < 0x80) return 1;
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (x >= 0xc2 && x <= 0xdf) n = 2;
  else if (x >= 0xe0 && x <= 0xef) {
    n = 3;
    if (x === 0xe0) lo = 0xa0; // no overlong forms
    if (x === 0xed) hi = 0x9f; // no surrogates
  } else if (x >= 0xf0 && x <= 0xf4) {
    n = 4;
    if (x === 0xf0) lo = 0x90; // no overlong forms
    if (x === 0xf4) hi = 0x8f; // nothing past U+10FFFF
  } else return 0;
  if (i + n > b.length) return 0;
  if (b[i + 1]! < lo || b[i + 1]! > hi) return 0;
  for (let k = 2; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  return n;
}

/**
 * JSON text with DEL and the C1 controls written as "\u007f", "\u009b":
 * JSON.stringify escapes C0 but leaves those raw. The value is the same;
 * nothing in the text is a control.
 */
export function escapeJson(json: string): string {
  return json.replace(/[\x7f-\x9f]/g, (c) => `\\u00${hex(c.charCodeAt(0))}`);
}
