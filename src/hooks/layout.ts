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
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StoredHook } from "../contract/hooks.ts";
import { HOOK_TYPES, type Hook, type Hooks, type HookType } from "../spec/types.ts";

export type { StoredHook };

const nulJoin = (list: string[]) => list.map((s) => s + "\0").join("");
const nulSplit = (text: string) => (text === "" ? [] : text.replace(/\0$/, "").split("\0"));

export function writeHooks(hooksDir: string, hooks: Hooks | undefined): void {
  for (const type of HOOK_TYPES) {
    const list = hooks?.[type];
    if (!list?.length) continue;
    list.forEach((h: Hook, n) => {
      const d = join(hooksDir, type, String(n));
      mkdirSync(d, { recursive: true, mode: 0o700 });
      writeFileSync(join(d, "path"), h.path, { mode: 0o600 });
      writeFileSync(join(d, "cmdline"), nulJoin(h.args ?? [h.path]), { mode: 0o600 });
      if (h.env) writeFileSync(join(d, "environ"), nulJoin(h.env), { mode: 0o600 });
      if (h.timeout !== undefined) writeFileSync(join(d, "timeout"), String(h.timeout), { mode: 0o600 });
    });
  }
}

/** Reads the hooks of one type from `typeDir` (= <dir>/hooks/<type>), in order. */
export function readHooksIn(typeDir: string, type: HookType): StoredHook[] {
  if (!existsSync(typeDir)) return [];
  return readdirSync(typeDir)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b)
    .map((index) => {
      const d = join(typeDir, String(index));
      const read = (f: string) => (existsSync(join(d, f)) ? readFileSync(join(d, f), "utf8") : undefined);
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
