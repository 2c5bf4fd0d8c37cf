// The layers of ffi/ and src/, bottom first: a module may import only from its
// own layer and from the layers (or single files) its layer lists, and a layer
// lists only layers below it, so no two folders import each other. Every file
// belongs to a layer (a new folder fails here until it is placed). A failure
// names the file and the import that reaches the wrong way.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");

interface Layer {
  name: string;
  /** Folders (ending in /) and files; a file belongs to the layer with its longest matching member. */
  members: string[];
  /** Layers below this one, by name, or single files of them, that its files may import. */
  may: string[];
}

const LAYERS: Layer[] = [
  // every pointer and syscall: imports nothing of lxcri above it
  { name: "ffi", members: ["ffi/"], may: [] },
  // pure text helpers (escaping what a container wrote)
  { name: "text", members: ["src/text/"], may: [] },
  // the typed errors, and a node:path look-alike for the hot paths
  { name: "errors", members: ["src/errors.ts"], may: [] },
  { name: "path", members: ["src/path.ts"], may: [] },
  // the one way src/ reaches the file system (over ffi/files.ts)
  { name: "fs", members: ["src/host/fs.ts"], may: ["ffi"] },
  // the spec's types and its checker
  { name: "spec", members: ["src/spec/"], may: ["errors", "fs", "path"] },
  // what lxcri's processes agree on, the nouns every layer shares: the runtime directory, the
  // container record and its status rules, fd numbers, the plan and frame codecs, the hooks' forms
  // (cgroups/record.ts: the record of a container's cgroups, a leaf the container record nests)
  {
    name: "contract",
    members: ["src/contract/", "src/cgroups/record.ts"],
    may: ["src/spec/types.ts", "errors", "text", "ffi/seccomp.ts", "ffi/syscalls.ts"],
  },
  // the pure side of cgroups/: the settings list made from linux.resources, the host layout's
  // kinds, the systemd scope's naming and properties (translation maps them to LXC keys)
  {
    name: "cgroup settings",
    members: ["src/cgroups/settings.ts", "src/cgroups/layout.ts", "src/cgroups/scope.ts"],
    may: ["errors", "spec"],
  },
  // pure translation: no host, no liblxc, no operations
  { name: "lxc", members: ["src/lxc/"], may: ["spec", "errors", "path", "contract", "cgroup settings"] },
  // talking to systemd: a socket and the D-Bus wire format, nothing of containers
  { name: "systemd", members: ["src/systemd/"], may: ["fs"] },
  // the logger and what every operation gets (the root, the logger, the settings)
  { name: "context", members: ["src/log.ts", "src/context.ts"], may: ["fs", "ffi", "text"] },
  // the Runtime's settings: the state root (rootless or not), the hook timeout
  { name: "options", members: ["src/rootless.ts", "src/options.ts"], may: ["fs", "errors", "context"] },
  // facts about the host: /proc, the rootfs, namespaces, rlimits, installed parts
  { name: "host", members: ["src/host/"], may: ["fs", "ffi", "errors", "path", "spec", "contract", "lxc", "options"] },
  // the container's cgroups and the host's layout: no operation, no hook
  {
    name: "cgroups",
    members: ["src/cgroups/"],
    may: ["fs", "ffi", "text", "errors", "path", "contract", "cgroup settings", "lxc", "systemd", "host"],
  },
  // hook layout, runners, trace, hook points, create's side of the mount hook: given a state, never a record
  { name: "hooks", members: ["src/hooks/"], may: ["ffi", "fs", "text", "path", "spec", "contract", "context"] },
  // the operations on one container
  {
    name: "container",
    members: ["src/container/"],
    may: [
      "fs",
      "ffi",
      "text",
      "errors",
      "path",
      "spec",
      "contract",
      "cgroup settings",
      "lxc",
      "systemd",
      "context",
      "host",
      "cgroups",
      "hooks",
    ],
  },
  // the library: one Runtime per state root, and its Bun side (stdio, handles, events)
  {
    name: "library",
    members: ["src/runtime.ts", "src/library/"],
    may: ["fs", "ffi", "errors", "path", "spec", "contract", "context", "options", "host", "cgroups", "hooks", "container"],
  },
  // what this build supports (`lxcri features`)
  { name: "features", members: ["src/features.ts"], may: ["spec", "lxc", "package.json"] },
  // the package's entry point: what the library exports
  {
    name: "index",
    members: ["src/index.ts"],
    may: ["errors", "spec", "context", "host", "cgroups", "hooks", "container", "library"],
  },
  // the command line over the library
  {
    name: "cli",
    members: ["src/cli/"],
    may: [
      "fs",
      "ffi",
      "text",
      "errors",
      "path",
      "spec",
      "contract",
      "context",
      "options",
      "host",
      "container",
      "library",
      "features",
      "package.json",
    ],
  },
];

const files = [...new Bun.Glob("{ffi,src}/**/*.ts").scanSync({ cwd: ROOT })].sort();

/** The layer of a repo path: the one with the longest member it is under (or is). */
function layerOf(path: string): Layer | undefined {
  let best: { layer: Layer; length: number } | undefined;
  for (const layer of LAYERS)
    for (const m of layer.members)
      if ((path === m || (m.endsWith("/") && path.startsWith(m))) && m.length > (best?.length ?? -1)) best = { layer, length: m.length };
  return best?.layer;
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g))
    out.push(relative(ROOT, resolve(dirname(join(ROOT, file)), m[1]!)));
  return out;
}

/** The imports of `file` (repo paths) its layer does not allow, as "file → target". */
function wrongImports(file: string, targets: string[]): string[] {
  const layer = layerOf(file)!;
  return targets
    .filter((target) => {
      const to = layerOf(target);
      return !(to === layer || layer.may.includes(target) || (to && layer.may.includes(to.name)));
    })
    .map((target) => `${file} → ${target}`);
}

const index = (name: string) => LAYERS.findIndex((l) => l.name === name);

describe("layers", () => {
  test("every file of ffi/ and src/ is in a layer, and every layer has files", () => {
    expect(files.filter((f) => !layerOf(f))).toEqual([]);
    expect(LAYERS.filter((l) => !files.some((f) => layerOf(f) === l)).map((l) => l.name)).toEqual([]);
  });

  test("a layer may import only layers below it (so no folder imports one that imports it)", () => {
    const wrong: string[] = [];
    LAYERS.forEach((layer, i) => {
      for (const allowed of layer.may) {
        const below = index(allowed) >= 0 ? index(allowed) : LAYERS.indexOf(layerOf(allowed)!);
        if (allowed === "package.json") continue;
        if (!(below >= 0 && below < i)) wrong.push(`${layer.name} → ${allowed}`);
      }
    });
    expect(wrong).toEqual([]);
  });

  for (const layer of LAYERS)
    test(`${layer.name} imports only itself and ${layer.may.join(", ") || "nothing"}`, () => {
      expect(files.filter((f) => layerOf(f) === layer).flatMap((f) => wrongImports(f, importsOf(f)))).toEqual([]);
    });

  test("the rules bite: imports that reach up or sideways are found", () => {
    // the two cycles the record's move removed, and the hooks reaching for the host or an operation
    expect(wrongImports("src/hooks/points.ts", ["src/container/status.ts", "src/contract/record.ts"])).toEqual([
      "src/hooks/points.ts → src/container/status.ts",
    ]);
    expect(wrongImports("src/cgroups/freezer.ts", ["src/container/store.ts"])).toHaveLength(1);
    expect(wrongImports("src/hooks/server.ts", ["src/hooks/run.ts", "src/host/proc.ts", "src/container/store.ts"])).toHaveLength(2);
    expect(layerOf("src/cgroups/record.ts")!.name).toBe("contract");
  });

  test("no bun:ffi and no raw syscall outside ffi/", () => {
    const wrong = files.filter(
      (f) => !f.startsWith("ffi/") && /from\s+["']bun:ffi["']|\.syscall\(/.test(readFileSync(join(ROOT, f), "utf8")),
    );
    expect(wrong).toEqual([]);
  });
});
