// What the executable's layout costs every call (docs/performance.md, "Issue 23, round 7: the
// executable's layout"): `--version`-like calls of several executables, alternating in every
// round (A B C, then C B A, …), each from a fresh copy made at one moment, median wall (the spawn
// included) and CPU (user + system) per executable. An executable is a path (run as
// `<path> --version`) or a one-line program built here, compiled as lxcri is
// (scripts/compile-options.ts), with dead modules embedded beside it:
//   @N:BYTES     N modules of about BYTES bytes of code each, each behind an `import()` the
//                program never takes (split: one chunk each); @0:0 is Bun's floor
//   @N:BYTES:nobc  the same without bytecode; @N:BYTES:one  the N modules in one chunk
//   @N:BYTES:static  the N modules imported statically (their code evaluated every call)
//   @N:BYTES:nosplit  the N modules bundled into the program (lazily initialised, not run)
//   @N:BYTES:asset  N text files embedded beside the one-line program
//   @N:BYTES:shared  the program and the N modules import one small module (a second chunk loaded every call)
//   +path.ts     that source file compiled as lxcri is (one file)
//   =path        that executable in place, not copied nor settled
// Every other executable is a fresh copy, settled (bench/common.ts freshCopy, bench/folios.ts:
// its page cache in large folios); each row says how many of its pages were in small folios.
//   bun bench/layout.ts <runs> <executable|=executable|@spec|+source> …
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMPILE } from "../scripts/compile-options.ts";
import { freshCopy, median, work } from "./common.ts";

const [runsArg, ...given] = process.argv.slice(2);
if (!runsArg || given.length < 1) throw new Error("usage: bun bench/layout.ts <runs> <executable|@N:BYTES[:nobc|:one|:static]> …");
const runs = Number(runsArg);
const dir = join(work, "layout");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

/** About `bytes` bytes of distinct functions (minification keeps them: they are exported). */
function deadCode(m: number, bytes: number): string {
  const out: string[] = [];
  let size = 0;
  for (let j = 0; size < bytes; j++) {
    const f = `export function f${m}_${j}(a, b) { let s = a + ${j}; for (let i = 0; i < b; i++) s = (s * ${j + 3} + i) % ${j + 7919}; return s > ${j} ? [s, "m${m}f${j}"] : { s, k: ${m} }; }\n`;
    out.push(f);
    size += f.length;
  }
  return out.join("");
}

async function synthetic(spec: string, k: number): Promise<string> {
  const [n, bytes, how] = spec.slice(1).split(":");
  const N = Number(n);
  const B = Number(bytes);
  const src = join(dir, `src${k}`);
  mkdirSync(src, { recursive: true });
  const lines: string[] = [];
  const hub: string[] = [];
  if (how === "one") {
    const parts: string[] = [];
    for (let m = 0; m < N; m++) parts.push(deadCode(m, B));
    writeFileSync(join(src, "all.ts"), parts.join(""));
    if (N > 0) lines.push(`if (process.argv[2] === "never") import("./all.ts").then((m) => console.log(Object.keys(m).length));`);
  } else
    for (let m = 0; m < N; m++) {
      // :shared, every module and the program import one small module: a chunk the program loads (lxcri's route.ts and version.ts)
      const shared = how === "shared" ? 'import { shared } from "./shared.ts";\nexport const s = shared;\n' : "";
      writeFileSync(join(src, `m${m}.ts`), shared + deadCode(m, B));
      if (how === "static") lines.push(`import * as m${m} from "./m${m}.ts";`, `if (process.argv[2] === "never") console.log(m${m});`);
      else hub.push(`if (process.argv[2] === "never${m}") import("./m${m}.ts").then((m) => console.log(Object.keys(m).length));`);
    }
  // the dynamic imports in a module of their own, itself imported dynamically: the program's own module stays the same for every N
  if (hub.length > 0) {
    writeFileSync(join(src, "hub.ts"), `${hub.join("\n")}\nexport {};\n`);
    lines.push('if (process.argv[2] === "never") import("./hub.ts");');
  }
  if (how === "shared") {
    writeFileSync(join(src, "shared.ts"), 'export function shared(): string { return "floor"; }\n');
    lines.push('import { shared } from "./shared.ts";', "console.log(shared());");
  } else lines.push('console.log("floor");');
  writeFileSync(join(src, "main.ts"), `${lines.join("\n")}\n`);
  const outfile = join(dir, `exe${k}`);
  const assets: string[] = [];
  if (how === "asset") {
    // N files of B bytes embedded beside a one-line program (`bun build --compile main.ts a0.txt …`)
    writeFileSync(join(src, "main.ts"), 'console.log("floor");\n');
    for (let m = 0; m < N; m++) writeFileSync(join(src, `a${m}.txt`), deadCode(m, B)), assets.push(join(src, `a${m}.txt`));
  }
  const r = await Bun.build({
    entrypoints: [join(src, "main.ts"), ...assets],
    ...COMPILE,
    bytecode: how !== "nobc",
    splitting: N > 0 && how !== "nosplit" && how !== "asset",
    compile: { ...COMPILE.compile, outfile },
  });
  if (!r.success) throw new AggregateError(r.logs, `building ${spec} failed`);
  return outfile;
}

/** A source file (`+path.ts`) compiled as lxcri is, without splitting. */
async function compiled(source: string, k: number): Promise<string> {
  const outfile = join(dir, `exe${k}`);
  const r = await Bun.build({ entrypoints: [source], ...COMPILE, compile: { ...COMPILE.compile, outfile } });
  if (!r.success) throw new AggregateError(r.logs, `building ${source} failed`);
  return outfile;
}

const built: string[] = [];
for (const [k, g] of given.entries())
  built.push(g.startsWith("@") ? await synthetic(g, k) : g.startsWith("+") ? await compiled(g.slice(1), k) : g.replace(/^=/, ""));
// `=path`: run in place, as its page cache is; any other: a fresh copy (settled: bench/folios.ts)
const bins = built.map((b, k) => (given[k]!.startsWith("=") ? b : freshCopy(b, join(dir, "fresh", String(k)))));
// counted in a child: Bun.mmap's mapping is a writer while it lives, and the file could not be run (ETXTBSY)
const counted = Bun.spawnSync(["bun", join(import.meta.dir, "folios.ts"), ...bins]);
if (counted.exitCode !== 0) throw new Error(`bench/folios.ts: ${counted.stderr}`);
const small = counted.stdout
  .toString()
  .trim()
  .split("\n")
  .map((l) => Number(/: (\d+) pages in small/.exec(l)?.[1]));

// BENCH_LAYOUT_ARGS: the arguments of each call instead of `--version` (space-separated; lxcri builds only)
const args = process.env.BENCH_LAYOUT_ARGS?.split(" ") ?? ["--version"];
const wall: number[][] = bins.map(() => []);
const cpu: number[][] = bins.map(() => []);
const order = bins.map((_, k) => k);
for (let w = 0; w < 5; w++) for (const b of bins) Bun.spawnSync({ cmd: [b, ...args], stdio: ["ignore", "ignore", "ignore"] });
for (let r = 0; r < runs; r++) {
  for (const k of r % 2 ? [...order].reverse() : order) {
    const t = performance.now();
    const p = Bun.spawnSync({ cmd: [bins[k]!, ...args], stdio: ["ignore", "ignore", "ignore"] });
    wall[k]!.push(performance.now() - t);
    if (p.exitCode !== 0) throw new Error(`${bins[k]} ${args.join(" ")}: exit ${p.exitCode}`);
    cpu[k]!.push(Number(p.resourceUsage.cpuTime.total) / 1000);
  }
}
const load = (await Bun.file("/proc/loadavg").text()).split(" ")[0];
console.log(`${runs} rounds, load ${load} at the end; median wall · CPU, ms (the first row's difference after)`);
// the page cache of each copy as it was timed (settling is not kept: the pages may move under the run)
const [w0, c0] = [median(wall[0]!), median(cpu[0]!)];
for (const [k, g] of given.entries()) {
  const [w, c] = [median(wall[k]!), median(cpu[k]!)];
  const size = Bun.file(bins[k]!).size;
  console.log(
    `${g.padEnd(28)} ${w.toFixed(2)} · ${c.toFixed(2)}   ${(w - w0 >= 0 ? "+" : "") + (w - w0).toFixed(2)} · ${(c - c0 >= 0 ? "+" : "") + (c - c0).toFixed(2)}   ${size} bytes, ${small[k]} pages in small folios`,
  );
}
