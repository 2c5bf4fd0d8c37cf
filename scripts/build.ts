// Builds lxcri into build/: the native helpers with the system cc, and the
// one executable — the CLI — with `bun build --compile`.
//   lxcri-init     static (glibc): the container's init, the exec helper and the
//                  mount hook; runs inside containers, so it needs nothing from them
//   lxcri-monitor  liblxc's monitor, compiled against lxccontainer.h (lxc-dev)
//   lxcri          bytecode makes start-up faster; --splitting keeps each lazily
//                  imported command in its own chunk, so a call loads only what it
//                  uses; JIT tiers are raised (--compile-jit-policy): each call is
//                  short; .env and bunfig.toml autoloading is off (a runtime runs
//                  with cwd = a bundle)
// `bun scripts/build.ts --native` builds only the helpers (a Bun project that
// uses lxcri as a library needs nothing else). docs/performance.md has the
// measurements behind each flag.
import { chmodSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const out = join(root, "build");
const native = join(root, "ffi", "native");
mkdirSync(out, { recursive: true, mode: 0o755 });
chmodSync(out, 0o755);
// what older builds left
for (const f of readdirSync(out)) if (/^lxcri-.*\.so$|^lxcri-launcher$/.test(f)) rmSync(join(out, f));

function run(what: string, cmd: string[], hint: string): void {
  const started = performance.now();
  const p = Bun.spawnSync({ cmd, cwd: root, stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) {
    console.error(`${what} failed (${hint}):\n${p.stdout.toString()}${p.stderr.toString()}`);
    process.exit(1);
  }
  console.log(`built ${what} in ${Math.round(performance.now() - started)} ms`);
}

const cflags = ["-O2", "-Wall", "-Wextra", "-Werror", "-D_FORTIFY_SOURCE=2", "-fstack-protector-strong"];
const shared = ["plan.c", "frames.c", "signals.c", "confine.c", "apparmor.c", "selinux.c"].map((f) => join(native, f));
run(
  "build/lxcri-init",
  [
    "cc",
    ...cflags,
    "-static",
    "-o",
    join(out, "lxcri-init"),
    ...["main.c", "init.c", "enter.c", "hooks.c", "mounthook.c", "propagate.c", "copyup.c", "idmap.c", "stage.c", "userns.c", "dump.c"].map(
      (f) => join(native, f),
    ),
    ...shared,
  ],
  "needs gcc and libc6-dev",
);
run(
  "build/lxcri-monitor",
  [
    "cc",
    ...cflags,
    "-o",
    join(out, "lxcri-monitor"),
    join(native, "monitor.c"),
    join(native, "frames.c"),
    join(native, "signals.c"),
    "-l:liblxc.so.1",
  ],
  "needs gcc, lxc-dev and liblxc.so.1 from the lxc package",
);
for (const f of ["lxcri-init", "lxcri-monitor"]) chmodSync(join(out, f), 0o755);

if (!process.argv.includes("--native"))
  run(
    "build/lxcri",
    [
      process.execPath,
      "build",
      "--compile",
      "--minify",
      "--bytecode",
      "--splitting",
      "--format=esm",
      "--compile-jit-policy=100",
      "--no-compile-autoload-dotenv",
      "--no-compile-autoload-bunfig",
      join(root, "src/cli/main.ts"),
      "--outfile",
      join(out, "lxcri"),
    ],
    "bun build --compile",
  );
