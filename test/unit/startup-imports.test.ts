// What the quickest calls load (docs/performance.md, "Start-up of the one
// executable"): `--version` only version.ts and what it needs; `state`,
// `start`, `kill` and `delete` nothing of node:fs, node:path, node:os or citty
// (they need system calls and pidfds: ffi/files.ts; `state` reads through them
// too, which costs it less than Bun.file's thread pool: "Issue 23, round 5"),
// and not the bun:ffi module: they bind through ffi/natives.ts ("round 7"). Each costs a compiled lxcri
// 0.3–2 ms to load. The hot calls reach their operation without the Runtime
// (runtime.ts and src/library/), and load nothing only a rarer case needs:
// a failure, a hook, --all, a systemd scope. Static imports are followed;
// `import()` is lazy and is not, so each lazy step a call takes is named
// below; type-only imports are erased. Each hot call runs from a bundle of its
// own (src/cli/hot/, scripts/hot-bundles.ts): the last tests build them and
// check that each holds what the walk says, and what it leaves to import().
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { bundleHot, bundleRunner, HOT_PATH, RUNNER, SHARED } from "../../scripts/hot-bundles.ts";
import { HOT } from "../../src/cli/route.ts";

const SRC = join(import.meta.dir, "../../src");

/** Every module `file` loads before it runs: its static imports, transitively (repo files and builtins). */
function staticGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  if (!file.startsWith("/")) return seen; // a builtin or a package
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?([^;]*?)\s*from\s+"([^"]+)"/gms)) {
    const [, typeOnly, what, spec] = m as unknown as [string, string | undefined, string, string];
    const names = /^\{([^}]*)\}$/s
      .exec(what.trim())?.[1]
      ?.split(",")
      .map((n) => n.trim())
      .filter(Boolean);
    if (typeOnly || (names && names.length > 0 && names.every((n) => n.startsWith("type ")))) continue;
    staticGraph(spec.startsWith(".") ? resolve(dirname(file), spec) : spec, seen);
  }
  for (const m of text.matchAll(/^import\s+"([^"]+)"/gm)) staticGraph(resolve(dirname(file), m[1]!), seen);
  return seen;
}

const NODE = ["node:fs", "node:path", "node:os"];

/** The static graphs of `files` (below src/) together: what a call that imports each of them loads. */
const graphOf = (...files: string[]) => new Set(files.flatMap((f) => [...staticGraph(join(SRC, f))]));

const heavy = (graph: Set<string>) => [...graph].filter((m) => m.startsWith("node:") || m === "bun:ffi" || m === "citty");

test("--version loads version.ts, the router and nothing heavy", () => {
  const graph = staticGraph(join(SRC, "cli/main.ts"));
  expect(heavy(graph)).toEqual([]);
  const files = [...graph].map((f) => relative(SRC, f)).sort();
  expect(files).toEqual(["../package.json", "cli/main.ts", "cli/route.ts", "cli/version.ts", "spec/versions.ts"]);
});

test("state loads no node:fs, node:path, citty or bun:ffi", () => {
  const graph = staticGraph(join(SRC, "cli/hot/state.ts"));
  // its system calls bind through ffi/natives.ts, without the bun:ffi module ("Issue 23, round 7")
  expect(heavy(graph)).toEqual([]);
  // the walk does see them where they are: exec's handler resolves --console-socket with node:path
  expect(heavy(staticGraph(join(SRC, "cli/commands/exec.ts")))).toContain("node:path");
});

// main.ts → the call's entry (hot/, its handler statically) → globals.ts's context() (log.ts) → the operation's import()
const CALLS: Record<string, string[]> = {
  start: ["cli/hot/start.ts", "log.ts", "container/start.ts"],
  delete: ["cli/hot/delete.ts", "log.ts", "container/delete.ts"],
  kill: ["cli/hot/kill.ts", "log.ts", "container/kill.ts"],
  state: ["cli/hot/state.ts"],
  create: ["cli/hot/create.ts", "log.ts", "container/create/index.ts"],
};

/**
 * What no hot call loads: the whole command line's table of handlers, help, another command's handler, and
 * the table of every command's flags (table.ts, parse.ts's binding of it): a hot call parses with
 * table-hot.ts's part (docs/performance.md, "Issue 23, round 7: the hot calls' shell").
 */
const NO_HOT_CALL = [
  "cli/cli.ts",
  "cli/usage.ts",
  "cli/commands/create.ts",
  "cli/commands/run.ts",
  "cli/commands/exec.ts",
  "cli/table.ts",
  "cli/parse.ts",
];

/** What each hot call must not load (below src/), beyond the builtins: what only another case needs. */
const NOT_LOADED: Record<string, string[]> = {
  // a failing start stops the container (destroy.ts) and runs poststop; poststart hooks run only if there are some;
  // a hook's trace and a failure's wording only when there is one; nothing of the cgroup driver's files (the status
  // reads the freezer through cgroups/freezer.ts alone)
  start: [
    "runtime.ts",
    "library/",
    "container/destroy.ts",
    "hooks/points.ts",
    "hooks/output.ts",
    "hooks/run.ts",
    "hooks/trace.ts",
    "contract/native-error.ts",
    "contract/steps.ts",
    "cgroups/driver.ts",
    "cgroups/cgroupfs.ts",
    "cgroups/paths.ts",
  ],
  // poststop hooks only if there are some
  delete: ["runtime.ts", "library/", "hooks/points.ts", "hooks/output.ts"],
  // nothing of hooks or of removing a container
  kill: ["runtime.ts", "library/", "container/destroy.ts", "hooks/", "cgroups/driver.ts", "cgroups/cgroupfs.ts", "cgroups/paths.ts"],
  // it reads: no lock, no liblxc, nothing of hooks or of removing
  state: [
    "runtime.ts",
    "library/",
    "container/load.ts",
    "container/destroy.ts",
    "hooks/",
    "cgroups/driver.ts",
    "cgroups/cgroupfs.ts",
    "cgroups/paths.ts",
    "../ffi/liblxc.ts",
  ],
  // create runs its operation with the Context, as the hot calls do
  create: ["runtime.ts", "library/"],
};

for (const [call, files] of Object.entries(CALLS).filter(([call]) => call in NOT_LOADED))
  test(`${call} loads no node:fs, node:path or node:os,${call === "create" ? "" : " no bun:ffi,"} no D-Bus code, and not ${NOT_LOADED[call]!.join(", ")}`, () => {
    const graph = graphOf(...files);
    expect([...graph].filter((m) => NODE.includes(m))).toEqual([]);
    // bun:ffi's module costs a call ~0.15–0.2 ms: the hot modules bind through ffi/natives.ts ("Issue 23, round 7");
    // create's other ffi modules (sealed mounts, seccomp, liblxc's types) still take bun:ffi
    if (call !== "create") expect([...graph].filter((m) => m === "bun:ffi")).toEqual([]);
    // a container's systemd scope is stopped through a lazy import (container/destroy.ts)
    expect([...graph].filter((m) => m.includes("/systemd/"))).toEqual([]);
    const mine = [...graph].filter((m) => m.startsWith("/")).map((f) => relative(SRC, f));
    const not = [...NOT_LOADED[call]!, ...NO_HOT_CALL.filter((f) => f !== `cli/commands/${call}.ts`)];
    expect(mine.filter((f) => not.some((n) => f === n || (n.endsWith("/") && f.startsWith(n))))).toEqual([]);
    expect(mine.filter((f) => f.startsWith("cli/commands/"))).toEqual([`cli/commands/${call}.ts`]);
  });

test("the lazy steps named above are the ones the code takes", () => {
  const text = (f: string) => readFileSync(join(SRC, f), "utf8");
  expect(text("cli/globals.ts")).toContain('import("../log.ts")');
  expect(text("cli/commands/start.ts")).toContain('import("../../container/start.ts")');
  expect(text("cli/commands/delete.ts")).toContain('import("../../container/delete.ts")');
  expect(text("cli/commands/kill.ts")).toContain('import("../../container/kill.ts")');
  expect(text("cli/commands/create.ts")).toContain('import("../../container/create/index.ts")');
  // and they are the ones each hot bundle holds: every other import() is left to the split graph
  for (const call of HOT)
    expect(HOT_PATH[call].map((f) => relative(SRC, f))).toEqual(CALLS[call]!.filter((f) => !f.startsWith("cli/hot/")));
  for (const call of HOT) expect(text("cli/main.ts")).toContain(`import("./hot/${call}.ts")`);
  // start and delete reach the hooks through the runner alone, which the build serves as one bundle (below)
  expect(text("container/start.ts")).toContain('import("../hooks/runner.ts")');
  expect(text("container/delete.ts")).toContain('import("../hooks/runner.ts")');
});

/** The repo files a bundle holds: Bun heads each module it copies in with `// <path from the cwd>` (unminified). */
const holds = (bundle: string) => new Set([...bundle.matchAll(/^\/\/ (\S+\.ts)$/gm)].map((m) => relative(SRC, resolve(m[1]!))));

describe("the hot calls' bundles (scripts/hot-bundles.ts, as scripts/build.ts makes them)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lxcri-hot-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const made = await bundleHot(dir);
  const shared = SHARED.map((f) => relative(SRC, f));
  for (const call of HOT)
    test(`${call}: one file holding what the walk above says the call loads, errors.ts imported, what else it may need left to import()`, () => {
      const text = readFileSync(made[call], "utf8");
      const held = [...holds(text)];
      const walked = [...graphOf(...CALLS[call]!)].filter((m) => m.startsWith("/")).map((f) => relative(SRC, f));
      // nothing the walk does not see (the bundler may leave out more: what no code used), and the call's own path
      expect(held.filter((f) => !walked.includes(f))).toEqual([]);
      const path = [...CALLS[call]!, `cli/commands/${call}.ts`, "cli/run.ts", "cli/parser.ts", "cli/table-hot.ts", "cli/globals.ts"];
      expect(path.filter((f) => !held.includes(f))).toEqual([]);
      expect(held.filter((f) => NO_HOT_CALL.includes(f) && f !== `cli/commands/${call}.ts`)).toEqual([]);
      expect(held.filter((f) => f.startsWith("cli/commands/"))).toEqual([`cli/commands/${call}.ts`]);
      // the one module shared with the split graph: imported, so one class LxcriError for every instanceof
      expect(held.filter((f) => shared.includes(f))).toEqual([]);
      const imported = [...text.matchAll(/^import .* from "(\/[^"]+)";$/gm)].map((m) => relative(SRC, m[1]!));
      expect([...new Set(imported)]).toEqual(shared);
      // bun:ffi's module stays out of the calls whose modules bind through ffi/natives.ts (create's liblxc does not)
      if (call !== "create") expect(text.includes('"bun:ffi"')).toBe(false);
      // what only a rarer case needs is an import() of its source file, which the split graph serves
      const lazy = [...text.matchAll(/import\("([^"]+)"\)/g)].map((m) => m[1]!);
      expect(lazy.every((f) => f.startsWith(join(SRC, "..")) && f.endsWith(".ts"))).toBe(true);
      expect(lazy.filter((f) => HOT_PATH[call].includes(f))).toEqual([]);
      // the hooks, if the call takes them, through their runner's bundle alone: not the split graph's chunks of
      // points.ts, run.ts and trace.ts, second copies of the ffi modules the bundle holds (round 8)
      expect([...new Set(lazy.filter((f) => f.startsWith(join(SRC, "hooks/"))))]).toEqual(
        call === "start" || call === "delete" ? [RUNNER] : [],
      );
    });

  test("the hooks' runner: one file with points.ts, run.ts and trace.ts, errors.ts imported, no bun:ffi, no import()", async () => {
    const text = readFileSync(await bundleRunner(dir), "utf8");
    const held = [...holds(text)];
    expect(["hooks/points.ts", "hooks/run.ts", "hooks/trace.ts"].filter((f) => !held.includes(f))).toEqual([]);
    expect(held.filter((f) => shared.includes(f))).toEqual([]);
    const imported = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
    expect([...new Set(imported)].map((f) => relative(SRC, f))).toEqual(shared);
    // its ffi modules bind through ffi/natives.ts, as the hot bundles' do (ffi/append-file.ts took bun:ffi's module)
    expect(text.includes('"bun:ffi"')).toBe(false);
    expect(text.includes("import(")).toBe(false);
  });
});

// create is no hot call, but 50 creates at once are CPU-bound: root's create loads no node:fs (a
// rootless create's cgroups import it lazily; the cgroup migration's warm-up writes a Blob
// through Bun.write) and no node:path (src/path.ts): ~2 ms of its CPU (docs/performance.md,
// "Issue 23, round 6").
test("create loads no node: module before it runs", () => {
  const graph = graphOf(...CALLS.create!);
  expect(heavy(graph).filter((m) => m.startsWith("node:"))).toEqual([]);
});
