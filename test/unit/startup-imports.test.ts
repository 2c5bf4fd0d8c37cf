// What the quickest calls load (docs/performance.md, "Start-up of the one
// executable"): `--version` only version.ts and what it needs; `state`,
// `start`, `kill` and `delete` nothing of node:fs, node:path, node:os or citty
// (they need bun:ffi for pidfds and system calls: ffi/files.ts; `state` reads
// through them too, which costs it less than Bun.file's thread pool: "Issue
// 23, round 5"). Each costs a compiled lxcri
// 0.3–2 ms to load. The hot calls reach their operation without the Runtime
// (runtime.ts and src/library/), and load nothing only a rarer case needs:
// a failure, a hook, --all, a systemd scope. Static imports are followed;
// `import()` is lazy and is not, so each lazy step a call takes is named
// below; type-only imports are erased.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

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

test("--version loads version.ts and nothing heavy", () => {
  const graph = staticGraph(join(SRC, "cli/main.ts"));
  expect(heavy(graph)).toEqual([]);
  const files = [...graph].map((f) => relative(SRC, f)).sort();
  expect(files).toEqual(["../package.json", "cli/main.ts", "cli/version.ts", "spec/versions.ts"]);
});

test("state loads no node:fs, node:path or citty", () => {
  const graph = new Set([...staticGraph(join(SRC, "cli/cli.ts")), ...staticGraph(join(SRC, "cli/commands/state.ts"))]);
  expect(heavy(graph)).toEqual(["bun:ffi"]);
  // the walk does see them where they are: exec's handler resolves --console-socket with node:path
  expect(heavy(staticGraph(join(SRC, "cli/commands/exec.ts")))).toContain("node:path");
});

// cli.ts → the handler → globals.ts's context() (log.ts) → the operation's import()
const CALLS: Record<string, string[]> = {
  start: ["cli/cli.ts", "cli/commands/start.ts", "log.ts", "container/start.ts"],
  delete: ["cli/cli.ts", "cli/commands/delete.ts", "log.ts", "container/delete.ts"],
  kill: ["cli/cli.ts", "cli/commands/kill.ts", "log.ts", "container/kill.ts"],
  state: ["cli/cli.ts", "cli/commands/state.ts"],
};

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
};

for (const [call, files] of Object.entries(CALLS))
  test(`${call} loads no node:fs, node:path or node:os, no D-Bus code, and not ${NOT_LOADED[call]!.join(", ")}`, () => {
    const graph = graphOf(...files);
    expect([...graph].filter((m) => NODE.includes(m))).toEqual([]);
    // a container's systemd scope is stopped through a lazy import (container/destroy.ts)
    expect([...graph].filter((m) => m.includes("/systemd/"))).toEqual([]);
    const mine = [...graph].filter((m) => m.startsWith("/")).map((f) => relative(SRC, f));
    expect(mine.filter((f) => NOT_LOADED[call]!.some((n) => f === n || (n.endsWith("/") && f.startsWith(n))))).toEqual([]);
  });

test("the lazy steps named above are the ones the code takes", () => {
  const text = (f: string) => readFileSync(join(SRC, f), "utf8");
  expect(text("cli/globals.ts")).toContain('import("../log.ts")');
  expect(text("cli/commands/start.ts")).toContain('import("../../container/start.ts")');
  expect(text("cli/commands/delete.ts")).toContain('import("../../container/delete.ts")');
  expect(text("cli/commands/kill.ts")).toContain('import("../../container/kill.ts")');
});

// create is no hot call, but 50 creates at once are CPU-bound: root's create loads no node:fs (a
// rootless create's cgroups import it lazily; the cgroup migration's warm-up writes a Blob
// through Bun.write) and no node:path (src/path.ts): ~2 ms of its CPU (docs/performance.md,
// "Issue 23, round 6").
test("create loads no node: module before it runs", () => {
  const graph = graphOf("cli/commands/create.ts", "runtime.ts", "container/create/index.ts");
  expect(heavy(graph).filter((m) => m.startsWith("node:"))).toEqual([]);
});
