// The hooks layout is the contract between `create` and every process that
// runs hooks later from it (create itself, start, delete, `lxcri hooks`): one
// file, <dir>/hooks (0600: an env may hold secrets), written by create only
// when the config has hooks, JSON:
//   {"<type>": [{"path": …, "argv": […], "env"?: […], "timeout"?: seconds}, …], …}
// argv is `args` (or [path] when args is absent); a hook's index is its place
// in its list, config order. One file, not a tree: a tree of a directory and
// two to four files per hook cost create ~2.5 ms to write and delete ~1.5 ms to
// remove for one hook of each type (docs/performance.md, "Issue 23, round 6").
// A container made by an older lxcri has the tree (hooks/<type>/<n>/{path,
// cmdline,environ,timeout}, NUL-separated): it is still read, never written.
// Runners read only this, and only on the host: init gets its startContainer
// hooks in its plan, the mount hook its createContainer hooks from create over
// the hook socket.
import { exists, lstat, readDir, readText, tryReadText, writeFile } from "../host/fs.ts";
import type { StoredHook } from "../contract/hooks.ts";
import { join } from "../path.ts";
import { HOOK_TYPES, type Hook, type Hooks, type HookType } from "../spec/types.ts";

export type { StoredHook };

type StoredList = { path: string; argv: string[]; env?: string[]; timeout?: number }[];

/** The hooks of `hooks` as the layout keeps them; nothing is written when there are none. */
export function writeHooks(file: string, hooks: Hooks | undefined): void {
  const stored: Partial<Record<HookType, StoredList>> = {};
  for (const type of HOOK_TYPES) {
    const list = hooks?.[type];
    if (!list?.length) continue;
    stored[type] = list.map((h: Hook) => ({
      path: h.path,
      argv: h.args ?? [h.path],
      ...(h.env ? { env: h.env } : {}),
      ...(h.timeout !== undefined ? { timeout: h.timeout } : {}),
    }));
  }
  if (Object.keys(stored).length) writeFile(file, JSON.stringify(stored), 0o600);
}

/** The hooks of one type, in order (none: []). `file` is <dir>/hooks. */
export function readHooks(file: string, type: HookType): StoredHook[] {
  return readLayout(file)(type);
}

/**
 * The layout read once (a call that needs two types reads the file once): each type's hooks, in
 * order (none: []). Without hooks (the common case) it costs two failed system calls and no Error.
 */
export function readLayout(file: string): (type: HookType) => StoredHook[] {
  const text = tryReadText(file);
  if (text === undefined) {
    if (!exists(file)) return () => [];
    if (lstat(file).type === "dir") return (type) => readTree(join(file, type), type);
    readText(file); // throws what keeps it from being read
    return () => [];
  }
  let stored: Partial<Record<HookType, StoredList>>;
  try {
    stored = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  return (type) =>
    (stored[type] ?? []).map((h, index) => ({
      type,
      index,
      path: h.path,
      argv: h.argv,
      env: h.env,
      timeout: h.timeout,
    }));
}

const nulSplit = (text: string) => (text === "" ? [] : text.replace(/\0$/, "").split("\0"));

/** The hooks of one type from an older lxcri's tree (typeDir = <dir>/hooks/<type>), in order. */
function readTree(typeDir: string, type: HookType): StoredHook[] {
  if (!exists(typeDir)) return [];
  return readDir(typeDir)
    .map((e) => e.name)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b)
    .map((index) => {
      const d = join(typeDir, String(index));
      const read = (f: string) => (exists(join(d, f)) ? readText(join(d, f)) : undefined);
      const timeout = read("timeout");
      const environ = read("environ");
      return {
        type,
        index,
        path: read("path") ?? "",
        argv: nulSplit(read("cmdline") ?? ""),
        env: environ === undefined ? undefined : nulSplit(environ),
        timeout: timeout === undefined ? undefined : Number(timeout),
      };
    });
}

export function hasHooks(hooks: Hooks | undefined, ...types: HookType[]): boolean {
  return types.some((t) => (hooks?.[t]?.length ?? 0) > 0);
}
