// The hooks layout is the contract between `create` and every process that
// runs hooks later (create itself, the mount hook, init, start, delete):
//   <dir>/hooks/<type>/<n>/path      absolute path to execute
//   <dir>/hooks/<type>/<n>/cmdline   argv, NUL-separated (args, or [path] when args is absent)
//   <dir>/hooks/<type>/<n>/environ   env, NUL-separated (only when the hook has env)
//   <dir>/hooks/<type>/<n>/timeout   seconds (only when the hook has a timeout)
// n counts from 0 in config order; directories 0700, files 0600 (environ may
// hold secrets). Runners read only these files, and only on the host: init
// gets its startContainer hooks in its plan, the mount hook its
// createContainer hooks from create over the hook socket.
import { exists, makeDir, readDir, readText, tryReadText, writeFile } from "../host/fs.ts";
import type { StoredHook } from "../contract/hooks.ts";
import { HOOK_TYPES, type Hook, type Hooks, type HookType } from "../spec/types.ts";
import { isDigits } from "../contract/digits.ts";

export type { StoredHook };

const nulJoin = (list: string[]) => list.map((s) => s + "\0").join("");
// not a regex: its first use in a process (start's and delete's reads) costs ~0.05–0.1 ms
const nulSplit = (text: string) => (text === "" ? [] : (text.endsWith("\0") ? text.slice(0, -1) : text).split("\0"));

/** `dir` (0700); one that exists is left as it is (mkdir -p of one level). */
function makeDirOnce(dir: string): void {
  try {
    makeDir(dir, 0o700);
  } catch (e) {
    if ((e as { code?: string }).code !== "EEXIST") throw e;
  }
}

/**
 * Each directory once: the hooks directory, then per type its directory and one per hook (no
 * mkdir that can only fail with EEXIST: each failure made an Error, ~1 ms of create's wall for six
 * hooks, docs/performance.md "Issue 23, round 8: the hooks' own machinery").
 */
export function writeHooks(hooksDir: string, hooks: Hooks | undefined): void {
  let made = false;
  for (const type of HOOK_TYPES) {
    const list = hooks?.[type];
    if (!list?.length) continue;
    if (!made) makeDirOnce(hooksDir);
    made = true;
    const typeDir = `${hooksDir}/${type}`;
    makeDirOnce(typeDir);
    for (let n = 0; n < list.length; n++) {
      const h: Hook = list[n]!;
      const d = `${typeDir}/${n}`;
      makeDirOnce(d);
      writeFile(`${d}/path`, h.path, 0o600);
      writeFile(`${d}/cmdline`, nulJoin(h.args ?? [h.path]), 0o600);
      if (h.env) writeFile(`${d}/environ`, nulJoin(h.env), 0o600);
      if (h.timeout !== undefined) writeFile(`${d}/timeout`, String(h.timeout), 0o600);
    }
  }
}

/** The file's text; undefined when it is not there (one open, no stat first); any other failure throws, naming it. */
function readIfThere(file: string): string | undefined {
  const text = tryReadText(file);
  return text === undefined && exists(file) ? readText(file) : text;
}

/** Reads the hooks of one type from `typeDir` (= <dir>/hooks/<type>), in order. */
export function readHooksIn(typeDir: string, type: HookType): StoredHook[] {
  // a plain container has no hooks: one lstat says so, where a failed listing would make an Error
  // (its stack) on every plain start and delete
  if (!exists(typeDir)) return [];
  let entries;
  try {
    entries = readDir(typeDir);
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return [];
    throw e;
  }
  const indexes: number[] = [];
  for (const e of entries) if (isDigits(e.name)) indexes.push(Number(e.name));
  indexes.sort((a, b) => a - b);
  const out: StoredHook[] = [];
  for (const index of indexes) {
    const d = `${typeDir}/${index}`;
    const timeout = readIfThere(`${d}/timeout`);
    const environ = readIfThere(`${d}/environ`);
    out.push({
      type,
      index,
      path: readIfThere(`${d}/path`) ?? "",
      argv: nulSplit(readIfThere(`${d}/cmdline`) ?? ""),
      env: environ === undefined ? undefined : nulSplit(environ),
      timeout: timeout === undefined ? undefined : Number(timeout),
    });
  }
  return out;
}

export function readHooks(hooksDir: string, type: HookType): StoredHook[] {
  return readHooksIn(`${hooksDir}/${type}`, type);
}

export function hasHooks(hooks: Hooks | undefined, ...types: HookType[]): boolean {
  return types.some((t) => (hooks?.[t]?.length ?? 0) > 0);
}
