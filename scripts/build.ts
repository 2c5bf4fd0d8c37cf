// Builds the two executables into build/: the CLI (lxcri) and the launcher
// (lxcri-launcher, bind-mounted into every container). Both are single
// `bun build --compile` binaries; bytecode makes start-up ~40% faster, and
// --splitting keeps each lazily imported command in its own chunk, so a call
// loads (and JSC decodes) only what it uses: `--version` 7.5 → 4.4 ms. Each call
// is short, so JIT tiers are raised 100× (--compile-jit-policy): compiling
// code that runs a few times costs more CPU than it saves; 30 containers
// started in parallel took 1219 → 1054 ms.
// .env and bunfig.toml autoloading is off: a runtime runs with cwd = a bundle.
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { prebuiltName } from "../ffi/compile.ts";

const root = join(import.meta.dir, "..");
const out = join(root, "build");
mkdirSync(out, { recursive: true });

const targets = [
  { entry: "src/cli/main.ts", outfile: "lxcri" },
  { entry: "launcher/main.ts", outfile: "lxcri-launcher" },
];

// The C helpers, compiled once here with the system cc instead of by cc() in
// every create and every container's launcher (ffi/compile.ts finds them by
// the hash of their source). exec.c runs in the container, where it gets libc's
// functions as pointers: no libc to link against, as with TinyCC.
const helpers = [
  { name: "monitor", flags: [] as string[] },
  { name: "exec", flags: ["-nostdlib"] },
];
for (const f of readdirSync(out)) if (/^lxcri-.*\.so$/.test(f)) rmSync(join(out, f));
for (const h of helpers) {
  const source = readFileSync(join(root, "ffi", `${h.name}.c`), "utf8");
  const outfile = join(out, prebuiltName(h.name, source));
  const cc = Bun.spawnSync({
    cmd: ["cc", "-O2", "-shared", "-fPIC", "-nostdinc", "-Wall", ...h.flags, "-o", outfile, join(root, "ffi", `${h.name}.c`)],
    stdout: "pipe",
    stderr: "pipe",
  });
  if (cc.exitCode !== 0) {
    console.error(`cc ffi/${h.name}.c failed (is a C compiler installed? apt-get install gcc):\n${cc.stderr.toString()}`);
    process.exit(1);
  }
  console.log(`built build/${prebuiltName(h.name, source)}`);
}

// The monitor program (ffi/monitor-main.c, which includes monitor.c): create execs it, so a
// running container's monitor is a small C process rather than a copy of Bun.
{
  const cc = Bun.spawnSync({
    cmd: ["cc", "-O2", "-Wall", "-o", join(out, "lxcri-monitor"), join(root, "ffi", "monitor-main.c"), "-l:liblxc.so.1"],
    stdout: "pipe",
    stderr: "pipe",
  });
  if (cc.exitCode !== 0) {
    console.error(`cc ffi/monitor-main.c failed (needs gcc and liblxc.so.1 from the lxc package):\n${cc.stderr.toString()}`);
    process.exit(1);
  }
  console.log("built build/lxcri-monitor");
}

for (const t of targets) {
  const started = performance.now();
  const proc = Bun.spawnSync({
    cmd: [
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
      join(root, t.entry),
      "--outfile",
      join(out, t.outfile),
    ],
    cwd: root,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (proc.exitCode !== 0) {
    process.stderr.write(proc.stdout.toString() + proc.stderr.toString());
    process.exit(1);
  }
  console.log(`built build/${t.outfile} in ${Math.round(performance.now() - started)} ms`);
}
