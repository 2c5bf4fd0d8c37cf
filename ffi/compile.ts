// The small C helpers (monitor.c, exec.c): normally loaded from a shared
// object that scripts/build.ts compiled with the system cc and put next to
// the executables as lxcri-<name>-<source hash>.so; compiling them here with
// bun:ffi's cc() (TinyCC) instead costs ~4 ms per process, on every create
// and in every container's launcher. The hash in the name means a .so built
// from other source is never used: then, and when none is found (running from
// source, a library user), cc() compiles the source as before.
// cc() cannot read sources embedded in a compiled binary (oven-sh/bun#24752),
// so the source is written to a real file first, named by its content so that
// concurrent processes share it, and renamed into place atomically.
import { cc, dlopen, type FFIFunction } from "bun:ffi";
import { existsSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The file name scripts/build.ts gives the shared object built from `source`. */
export function prebuiltName(name: string, source: string): string {
  return `lxcri-${name}-${Bun.hash(source).toString(16)}.so`;
}

/** Where a prebuilt helper may be: $LXCRI_LIBDIR, next to the executable, `extraDir`, build/ of this checkout. */
function findPrebuilt(file: string, extraDir: string): string | undefined {
  const dirs = [process.env.LXCRI_LIBDIR, dirname(process.execPath), extraDir, join(import.meta.dir, "..", "build")];
  for (const d of dirs) if (d && existsSync(join(d, file))) return join(d, file);
  return undefined;
}

/**
 * The helper's symbols. `dir` is a writable scratch directory for cc(); a
 * prebuilt helper is also looked for in `dir`/lib (the launcher's libraries
 * inside a container).
 */
export function compileC<S extends Record<string, FFIFunction>>(name: string, source: string, dir: string, flags: string[], symbols: S) {
  const prebuilt = process.env.LXCRI_NO_PREBUILT ? undefined : findPrebuilt(prebuiltName(name, source), join(dir, "lib"));
  if (prebuilt) return dlopen(prebuilt, symbols).symbols;
  const file = join(dir, `lxcri-${name}-${Bun.hash(source).toString(16)}.c`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, source);
    renameSync(tmp, file);
  }
  return cc({ source: file, flags, symbols }).symbols;
}
