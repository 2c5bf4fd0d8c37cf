// Starts a container's monitor through the C functions in monitor.c: by
// exec'ing the lxcri-monitor program when it is installed (a small monitor),
// else by running liblxc in the forked copy of this process.
import { FFIType } from "bun:ffi";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import source from "./monitor.c" with { type: "text" };
import { compileC } from "./compile.ts";
import { cstringArray } from "./cstr.ts";
import type { LxcContainer } from "./lxc-container.ts";

type StartFn = (c: unknown, argv: number, env: number | null) => number;
type SpawnFn = (path: Buffer, argv: number, env: number | null) => number;
let compiled: { start: StartFn; spawn: SpawnFn } | undefined;

function compile() {
  const symbols = compileC("monitor", source, tmpdir(), ["-nostdinc"], {
    lxcri_start_monitor: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
    lxcri_spawn_monitor: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  });
  return {
    start: symbols.lxcri_start_monitor as unknown as StartFn,
    spawn: symbols.lxcri_spawn_monitor as unknown as SpawnFn,
  };
}

/** The lxcri-monitor program scripts/build.ts makes: $LXCRI_LIBDIR, next to the executable, or build/ of this checkout. */
function monitorProgram(): string | undefined {
  if (process.env.LXCRI_NO_PREBUILT) return undefined;
  const dirs = [process.env.LXCRI_LIBDIR, dirname(process.execPath), join(import.meta.dir, "..", "build")];
  for (const d of dirs) if (d && existsSync(join(d, "lxcri-monitor"))) return join(d, "lxcri-monitor");
  return undefined;
}

/**
 * Reading a config file, liblxc strips a pair of quotes around a whole value:
 * a config with such a value would not load as it was set, so it is run in
 * process instead.
 */
function loadsAsSaved(configFile: string): boolean {
  for (const line of readFileSync(configFile, "utf8").split("\n")) {
    const v = line.slice(line.indexOf("=") + 1).trim();
    if (v.length > 1 && (v[0] === "'" || v[0] === '"') && v.at(-1) === v[0]) return false;
  }
  return true;
}

/**
 * Forks the monitor, which runs `argv` as the container init. `env`
 * ("NAME=value" each) changes variables in the monitor alone. With
 * `configFile` (what `container` saved) the monitor is the lxcri-monitor
 * program loading it, when installed. Returns its pid.
 */
export function startMonitor(container: LxcContainer, argv: readonly string[], env: readonly string[] = [], configFile?: string): number {
  compiled ??= compile();
  const program = configFile && loadsAsSaved(configFile) ? monitorProgram() : undefined;
  const vars = env.length ? cstringArray(env) : undefined;
  let pid: number;
  if (program) {
    const args = cstringArray(["lxcri-monitor", container.lxcpath, container.name, configFile!, ...argv]);
    pid = compiled.spawn(Buffer.from(program + "\0"), args.pointer, vars?.pointer ?? null);
    void args.keepAlive;
  } else {
    const args = cstringArray(argv);
    pid = compiled.start(container.pointer, args.pointer, vars?.pointer ?? null);
    void args.keepAlive;
  }
  void vars?.keepAlive;
  if (pid < 0) throw new Error("fork of the container monitor failed");
  return pid;
}
