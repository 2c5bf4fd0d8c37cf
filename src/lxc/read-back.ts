// The translation boundary: every item must reach liblxc exactly as
// translation made it. create writes the items to lxc.conf and the monitor
// loads that file, and liblxc reads a config line by line: a control
// character in a value would start a new item (`\nlxc.hook.pre-start = …`
// runs as root on the host), leading or trailing blanks are trimmed, one
// pair of surrounding quotes is stripped, and a mount entry is an fstab line
// of at most 4095 bytes whose leading "#" makes it a comment. So such values
// are refused here, naming the config.json field they came from.
import { configError, LxcriError } from "../errors.ts";
import type { Spec } from "../spec/types.ts";
import type { ConfigItem } from "./items.ts";

const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROLS = /[\u0000-\u001f\u007f]+/;
const MAX_MOUNT_ENTRY = 4095;

/**
 * Whether `s` is longer than MAX_MOUNT_ENTRY bytes in UTF-8 (as Buffer.byteLength counts them, without
 * Buffer, whose set-up on first use costs create ~0.2 ms): no UTF-16 unit takes more than 3 bytes, so
 * a short string is not encoded.
 */
const tooLongEntry = (s: string): boolean => s.length * 3 > MAX_MOUNT_ENTRY && new TextEncoder().encode(s).length > MAX_MOUNT_ENTRY;

/** A blank liblxc trims (space or tab): a test of two characters, not a new string per item. */
const blank = (c: string | undefined): boolean => c === " " || c === "\t";

/** Why liblxc would not read `value` of `key` back as it is, or undefined when it would. */
export function readBackProblem(key: string, value: string): string | undefined {
  if (CONTROL.test(key) || CONTROL.test(value)) return "must not contain control characters (liblxc reads its config line by line)";
  if (blank(value[0]) || blank(value.at(-1))) return "must not start or end with blanks (liblxc trims them)";
  if (value.length > 1 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0])
    return "must not be wrapped in quotes (liblxc strips them)";
  if (key === "lxc.mount.entry") {
    if (value.startsWith("#")) return 'must not start with "#" (liblxc would read the mount entry as a comment)';
    if (tooLongEntry(value)) return `makes a mount entry longer than ${MAX_MOUNT_ENTRY} bytes`;
  }
  return undefined;
}

/**
 * The JSON path of the first string in `spec` (an object key or a value)
 * that `matches`, e.g. `linux.sysctl["net.core.x"]` or `mounts[2].options[0]`.
 */
export function specPathOf(spec: unknown, matches: (s: string) => boolean): string | undefined {
  const walk = (v: unknown, path: string): string | undefined => {
    if (typeof v === "string") return matches(v) ? path : undefined;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const found = walk(v[i], `${path}[${i}]`);
        if (found) return found;
      }
      return undefined;
    }
    if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        const at = /^[A-Za-z_]\w*$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${JSON.stringify(k)}]`;
        if (matches(k)) return at;
        const found = walk(x, at);
        if (found) return found;
      }
    return undefined;
  };
  return walk(spec, "");
}

/**
 * Refuses any item liblxc would not read back as it is: the error names the
 * config.json field the offending text came from, or the option (`sources`:
 * --bundle, --root, ...) when it came from the command line.
 */
export function checkReadBack(items: readonly ConfigItem[], spec: Spec, sources: Record<string, string>): void {
  for (const [key, value] of items) {
    const problem = readBackProblem(key, value);
    if (!problem) continue;
    // The config.json string the offending text came from. A control character: a string
    // holding one, a part of which is in the item (as the item has it, or fstab-unescaped;
    // a destination loses its leading slash). Blanks or quotes: the string itself.
    const decoded = value.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    const inItem = (part: string) => value.includes(part) || decoded.includes(part) || key.includes(part);
    const bad = (s: string) =>
      CONTROL.test(s)
        ? s.split(CONTROLS).some((part) => part.replace(/^\/+/, "").length >= 3 && inItem(part.replace(/^\/+/, "")))
        : s.length > 0 && inItem(s) && readBackProblem(key, s) !== undefined;
    const option = Object.entries(sources).find(([, v]) => bad(v))?.[0];
    const at = specPathOf(spec, bad) ?? option;
    if (at && at.startsWith("--")) throw new LxcriError("invalid-argument", `${at}: ${JSON.stringify(sources[at])} ${problem}`);
    if (at) throw configError(at, problem);
    throw configError("", `${key} = ${JSON.stringify(value)}: ${problem}`);
  }
}
