// Starts a container's monitor through the C function in monitor.c,
// compiled in-process by bun:ffi's cc().
import { FFIType } from "bun:ffi";
import { tmpdir } from "node:os";
import source from "./monitor.c" with { type: "text" };
import { compileC } from "./compile.ts";
import { cstringArray } from "./cstr.ts";
import type { LxcContainer } from "./lxc-container.ts";

type StartFn = (c: unknown, argv: number, env: number | null) => number;
let compiled: StartFn | undefined;

function compile(): StartFn {
  const symbols = compileC("monitor", source, tmpdir(), ["-nostdinc"], {
    lxcri_start_monitor: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
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
