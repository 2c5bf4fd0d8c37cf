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
import { exists, makeDir, readDir, readText, writeFile } from "../host/fs.ts";
import type { StoredHook } from "../contract/hooks.ts";
import { join } from "../path.ts";
import { HOOK_TYPES, type Hook, type Hooks, type HookType } from "../spec/types.ts";

export type { StoredHook };

const nulJoin = (list: string[]) => list.map((s) => s + "\0").join("");
const nulSplit = (text: string) => (text === "" ? [] : text.replace(/\0$/, "").split("\0"));

/** Each of `dirs` (0700), parents first; one that exists is left as it is (mkdir -p). */
function makeDirs(dirs: string[]): void {
  for (const d of dirs)
    try {
      makeDir(d, 0o700);
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST") throw e;
    }
}

export function writeHooks(hooksDir: string, hooks: Hooks | undefined): void {
  for (const type of HOOK_TYPES) {
    const list = hooks?.[type];
    if (!list?.length) continue;
    list.forEach((h: Hook, n) => {
      const d = join(hooksDir, type, String(n));
      makeDirs([hooksDir, join(hooksDir, type), d]);
      writeFile(join(d, "path"), h.path, 0o600);
      writeFile(join(d, "cmdline"), nulJoin(h.args ?? [h.path]), 0o600);
      if (h.env) writeFile(join(d, "environ"), nulJoin(h.env), 0o600);
      if (h.timeout !== undefined) writeFile(join(d, "timeout"), String(h.timeout), 0o600);
    });
  }
}

/** Reads the hooks of one type from `typeDir` (= <dir>/hooks/<type>), in order. */
export function readHooksIn(typeDir: string, type: HookType): StoredHook[] {
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

export function readHooks(hooksDir: string, type: HookType): StoredHook[] {
  return readHooksIn(join(hooksDir, type), type);
}

export function hasHooks(hooks: Hooks | undefined, ...types: HookType[]): boolean {
  return types.some((t) => (hooks?.[t]?.length ?? 0) > 0);
}
