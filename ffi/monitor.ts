// Starts a container's monitor through the C function in monitor.c,
// compiled in-process by bun:ffi's cc() (TinyCC, ~10 ms).
import { cc, FFIType } from "bun:ffi";
import { existsSync, writeFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import source from "./monitor.c" with { type: "text" };
import { cstringArray } from "./cstr.ts";
import type { LxcContainer } from "./lxc-container.ts";

type StartFn = (c: unknown, argv: number, env: number | null) => number;
let compiled: StartFn | undefined;

function compile(): StartFn {
  // cc() cannot read sources embedded in a compiled binary (oven-sh/bun#24752):
  // give TinyCC a real file, named by content so concurrent runs share it.
  const hash = Bun.hash(source).toString(16);
  const file = join(tmpdir(), `lxcri-monitor-${hash}.c`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, source);
    renameSync(tmp, file);
  }
  const { symbols } = cc({
    source: file,
    flags: ["-nostdinc"],
    symbols: { lxcri_start_monitor: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 } },
  });
  return symbols.lxcri_start_monitor as unknown as StartFn;
}

/**
 * Forks the monitor, which runs `argv` as the container init. `env`
 * ("NAME=value" each) changes variables in the monitor alone. Returns its pid.
 */
export function startMonitor(container: LxcContainer, argv: readonly string[], env: readonly string[] = []): number {
  compiled ??= compile();
  const args = cstringArray(argv);
  const vars = env.length ? cstringArray(env) : undefined;
  const pid = compiled(container.pointer, args.pointer, vars?.pointer ?? null);
  void args.keepAlive, vars?.keepAlive;
  if (pid < 0) throw new Error("fork of the container monitor failed");
  return pid;
}
