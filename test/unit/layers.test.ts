// The layers, as the import graph shows them: a module may import only from
// the layers below it. A failure names the file and the import that reaches
// the wrong way.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");

/** Who may import what: a file under the key may import only files under one of the listed prefixes. */
const RULES: Record<string, string[]> = {
  // every pointer and syscall: imports nothing of lxcri above it
  "ffi/": ["ffi/"],
  // pure text helpers (escaping what a container wrote): the bottom, with ffi/
  "src/text/": [],
  // the spec's types and its checker
  "src/spec/": ["src/spec/", "src/errors.ts"],
  // what lxcri's processes agree on: shared by src/ and the launcher
  "src/contract/": ["src/contract/", "src/spec/types.ts", "ffi/seccomp.ts", "src/text/"],
  // pure translation: no host, no liblxc, no operations
  "src/lxc/": ["src/lxc/", "src/spec/", "src/errors.ts", "src/contract/"],
  // talking to systemd: a socket and the D-Bus wire format, nothing of containers (files through the one facade)
  "src/systemd/": ["src/systemd/", "src/host/fs.ts"],
  // the hook launcher runs at liblxc's mount hook: no host, cgroup or container code
  "launcher/": ["launcher/", "ffi/", "src/contract/", "src/hooks/run.ts", "src/hooks/server.ts", "src/spec/types.ts"],
};

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g))
    out.push(relative(ROOT, resolve(dirname(join(ROOT, file)), m[1]!)));
  return out;
}

const files = [...new Bun.Glob("{ffi,src,launcher}/**/*.ts").scanSync({ cwd: ROOT })];

describe("layers", () => {
  test("the tree has the layers the rules name", () => {
    for (const layer of Object.keys(RULES))
      expect({ layer, files: files.some((f) => f.startsWith(layer)) }).toEqual({ layer, files: true });
  });

  for (const [layer, allowed] of Object.entries(RULES))
    test(`${layer} imports only from ${allowed.join(", ")}`, () => {
      const wrong: string[] = [];
      for (const f of files.filter((f) => f.startsWith(layer)))
        for (const target of importsOf(f)) if (!allowed.some((a) => target === a || target.startsWith(a))) wrong.push(`${f} → ${target}`);
      expect(wrong).toEqual([]);
    });

  test("no bun:ffi and no raw syscall outside ffi/", () => {
    const wrong = files.filter(
      (f) => !f.startsWith("ffi/") && /from\s+["']bun:ffi["']|\.syscall\(/.test(readFileSync(join(ROOT, f), "utf8")),
    );
    expect(wrong).toEqual([]);
  });
});
