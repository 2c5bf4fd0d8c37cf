// Builds lxcri into build/: the native helpers with the system cc, and the
// one executable — the CLI — with `bun build --compile` (as Bun.build's `compile`, which takes plugins).
//   lxcri-init     static (glibc): the container's init, the exec helper and the
//                  mount hook; runs inside containers, so it needs nothing from them
//   lxcri-monitor  liblxc's monitor, compiled against lxccontainer.h (lxc-dev)
//   lxcri          compiled as scripts/compile-options.ts says; --splitting keeps
//                  each lazily imported command in its own chunk, so a call loads
//                  only what it uses; each hot call's entry is replaced by its
//                  own bundle, made first without splitting (scripts/hot-bundles.ts),
//                  and so is the hooks' runner that start and delete import
// `bun scripts/build.ts --native` builds only the helpers (a Bun project that
// uses lxcri as a library needs nothing else). docs/performance.md has the
// measurements behind each flag.
import { chmodSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { HOT } from "../src/cli/route.ts";
import { COMPILE } from "./compile-options.ts";
import { bundleHot, bundleRunner, RUNNER } from "./hot-bundles.ts";

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

if (!process.argv.includes("--native")) await buildCli();

/**
 * The executable: src/cli/main.ts, split, with each hot call's entry replaced by
 * its bundle (scripts/hot-bundles.ts), made first in build/.hot: always the same path, because
 * the bundles' paths are part of the executable, and a build must give the same bytes each time
 * (an attack test holds build/lxcri to its hash while scripts/install.sh builds again).
 */
async function buildCli(): Promise<void> {
  const started = performance.now();
  const scratch = join(out, ".hot");
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { mode: 0o700 });
  try {
    const bundles = await bundleHot(scratch);
    const entries = new Map(HOT.map((call) => [join(root, "src/cli/hot", `${call}.ts`), bundles[call]]));
    const runner = await bundleRunner(scratch);
    const r = await Bun.build({
      entrypoints: [join(root, "src/cli/main.ts")],
      ...COMPILE,
      splitting: true,
      compile: { ...COMPILE.compile, outfile: join(out, "lxcri") },
      plugins: [
        {
          name: "lxcri-hot-entries",
          setup(build) {
            build.onResolve({ filter: /\/hot\/[a-z]+\.ts$/ }, (args) => {
              const bundle = entries.get(resolve(dirname(args.importer), args.path));
              return bundle ? { path: bundle } : undefined;
            });
            // the hooks' runner (start's and delete's import()): its own bundle, one module
            build.onResolve({ filter: /\/hooks\/runner\.ts$/ }, (args) =>
              resolve(dirname(args.importer), args.path) === RUNNER ? { path: runner } : undefined,
            );
          },
        },
      ],
    });
    if (!r.success) {
      console.error(`build/lxcri failed (bun build --compile):\n${r.logs.join("\n")}`);
      process.exit(1);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`built build/lxcri in ${Math.round(performance.now() - started)} ms`);
}
