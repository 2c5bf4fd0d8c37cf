// Compiling the small C helpers with bun:ffi's cc() (TinyCC, ~3.5 ms). cc()
// cannot read sources embedded in a compiled binary (oven-sh/bun#24752), so
// the source is written to a real file first, named by its content so that
// concurrent processes share it, and renamed into place atomically.
import { cc, type FFIFunction } from "bun:ffi";
import { existsSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function compileC<S extends Record<string, FFIFunction>>(
  name: string,
  source: string,
  dir: string,
  flags: string[],
  symbols: S,
) {
  const file = join(dir, `lxcri-${name}-${Bun.hash(source).toString(16)}.c`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, source);
    renameSync(tmp, file);
  }
  return cc({ source: file, flags, symbols }).symbols;
}
