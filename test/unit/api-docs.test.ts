// docs/api/ is the API reference TypeDoc generates from src/index.ts's doc
// comments (scripts/api-docs.ts): regenerated here, it must be what is
// checked in; and the public surface has no `any` in it.
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const REPO = join(import.meta.dir, "../..");

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) out.set(relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name), "utf8"));
  return out;
}

/** Where the reflection tree has the type `any`, other than in members inherited from outside (Error's prepareStackTrace). */
function anys(node: unknown, path: string[] = [], inherited = false): string[] {
  if (Array.isArray(node)) return node.flatMap((n) => anys(n, path, inherited));
  if (!node || typeof node !== "object") return [];
  const n = node as Record<string, unknown>;
  const inh = inherited || n.inheritedFrom !== undefined;
  const here = typeof n.name === "string" && n.kind !== undefined ? [...path, n.name] : path;
  const found = n.type === "intrinsic" && n.name === "any" && !inh ? [here.join(".")] : [];
  return [...found, ...Object.values(n).flatMap((v) => (typeof v === "object" ? anys(v, here, inh) : []))];
}

test("docs/api is what TypeDoc makes of the source now (run `bun scripts/api-docs.ts` after changing the API), with no `any`", () => {
  const tmp = mkdtempSync(join(tmpdir(), "lxcri-api-"));
  try {
    const p = Bun.spawnSync({
      cmd: [process.execPath, join(REPO, "scripts/api-docs.ts"), "--out", join(tmp, "api"), "--json", join(tmp, "api.json")],
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(p.stderr.toString() + p.stdout.toString()).toBe("");
    expect(p.exitCode).toBe(0);
    const fresh = files(join(tmp, "api"));
    const checkedIn = files(join(REPO, "docs/api"));
    expect([...checkedIn.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [name, text] of fresh) expect(`${name}\n${checkedIn.get(name)}`).toBe(`${name}\n${text}`);
    expect(anys(JSON.parse(readFileSync(join(tmp, "api.json"), "utf8")))).toEqual([]);
    expect(fresh.get("classes/Runtime.md")).toContain("exec");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}, 120_000);
