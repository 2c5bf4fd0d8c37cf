// What the quickest calls load (docs/performance.md, "Start-up of the one
// executable"): `--version` only version.ts and what it needs, and `state`
// nothing of node:fs, node:path, bun:ffi or citty, which cost a compiled lxcri
// up to a millisecond and a half each to load. Static imports are followed;
// `import()` is lazy and is not; type-only imports are erased.
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

const heavy = (graph: Set<string>) => [...graph].filter((m) => m.startsWith("node:") || m === "bun:ffi" || m === "citty");

test("--version loads version.ts and nothing heavy", () => {
  const graph = staticGraph(join(SRC, "cli/main.ts"));
  expect(heavy(graph)).toEqual([]);
  const files = [...graph].map((f) => relative(SRC, f)).sort();
  expect(files).toEqual(["../package.json", "cli/main.ts", "cli/version.ts", "spec/versions.ts"]);
});

test("state loads no node:fs, node:path, bun:ffi or citty", () => {
  const graph = new Set([...staticGraph(join(SRC, "cli/cli.ts")), ...staticGraph(join(SRC, "cli/commands/state.ts"))]);
  expect(heavy(graph)).toEqual([]);
  // the walk does see them where they are: create's handler resolves --console-socket with node:path
  expect(heavy(staticGraph(join(SRC, "cli/commands/create.ts")))).toContain("node:path");
});
