// A tiny structural checker: each function validates one JSON value and
// throws configError with the JSON path of the bad value. Unknown object
// properties are ignored (config.md: "MUST ignore unknown properties").
import { configError } from "../errors.ts";

export type Check<T> = (value: unknown, path: string) => T;

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `string ${JSON.stringify(v.length > 60 ? v.slice(0, 60) + "…" : v)}`;
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

export function fail(path: string, expected: string, got: unknown): never {
  throw configError(path, `expected ${expected}, got ${describe(got)}`);
}

export const string: Check<string> = (v, p) => (typeof v === "string" ? v : fail(p, "a string", v));

export const boolean: Check<boolean> = (v, p) => (typeof v === "boolean" ? v : fail(p, "a boolean", v));

export function integer(min: number, max: number, what = "an integer"): Check<number> {
  return (v, p) => {
    if (typeof v !== "number" || !Number.isInteger(v)) fail(p, what, v);
    if (v < min || v > max) throw configError(p, `${v} is out of range [${min}, ${max}]`);
    return v;
  };
}

export const uint32 = integer(0, 0xffffffff, "an unsigned 32-bit integer");
export const int64 = integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
export const uint64 = integer(0, Number.MAX_SAFE_INTEGER, "an unsigned integer");

export const absolutePath: Check<string> = (v, p) => {
  const s = string(v, p);
  if (!s.startsWith("/")) throw configError(p, `must be an absolute path, got ${JSON.stringify(s)}`);
  if (s.includes("\0")) throw configError(p, "must not contain NUL");
  return s;
};

export function arrayOf<T>(item: Check<T>, maxLength = 65536): Check<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) fail(p, "an array", v);
    if (v.length > maxLength) throw configError(p, `has ${v.length} entries, more than ${maxLength}`);
    // Array.from, not map: a sparse array's holes are checked too (as undefined).
    return Array.from(v, (x, i) => item(x, `${p}[${i}]`));
  };
}

export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (v, p) => {
    const s = string(v, p);
    if (!(values as readonly string[]).includes(s))
      throw configError(p, `unknown value ${JSON.stringify(s)} (expected one of ${values.join(", ")})`);
    return s as T;
  };
}

export function mapOf<T>(value: Check<T>): Check<Record<string, T>> {
  return (v, p) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) fail(p, "an object", v);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) out[k] = value(x, `${p}[${JSON.stringify(k)}]`);
    return out;
  };
}

type Field<T> = { check: Check<T>; required: boolean };
export const req = <T>(check: Check<T>): Field<T> => ({ check, required: true });
export const opt = <T>(check: Check<T>): Field<T | undefined> => ({ check, required: false });

type Out<F> = {
  [K in keyof F as F[K] extends Field<infer T> ? (undefined extends T ? never : K) : never]: F[K] extends Field<infer T> ? T : never;
} & {
  [K in keyof F as F[K] extends Field<infer T> ? (undefined extends T ? K : never) : never]?: F[K] extends Field<infer T>
    ? Exclude<T, undefined>
    : never;
};

/** An object with known fields; `null` counts as absent for optional fields. */
export function object<F extends Record<string, Field<unknown>>>(fields: F): Check<Out<F>> {
  // once, not at each check: the checker runs once per call, mostly interpreted
  const entries = Object.entries(fields);
  return (v, p) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) fail(p, "an object", v);
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, field] of entries) {
      const x = src[key];
      if (x === undefined || (x === null && !field.required)) {
        if (field.required) throw configError(at(p, key), "is required");
        continue;
      }
      out[key] = field.check(x, at(p, key));
    }
    return out as Out<F>;
  };
}

/** The JSON path of `key` (a name, or "[i]") below `path` ("" is the document itself). */
export function at(path: string, key: string): string {
  return !path ? key : key.startsWith("[") ? path + key : `${path}.${key}`;
}
