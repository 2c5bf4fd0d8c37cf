// examples/: each script runs as a user would run it (bun examples/x.ts),
// against a state root of its own, and leaves no container behind; and so does
// docs/library.md's tutorial, its code blocks run in order as one script.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, cleanupRoot, REPO, testRoot } from "../helpers.ts";

const root = testRoot("examples");
afterAll(() => cleanupRoot(root));

function example(name: string, args: string[] = []): { code: number; out: string; err: string } {
  const p = Bun.spawnSync({
    cmd: [process.execPath, join(REPO, "examples", name), "--root", root, ...args],
    cwd: REPO,
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: p.exitCode ?? -1, out: p.stdout.toString(), err: p.stderr.toString() };
}

const containers = () => {
  try {
    return readdirSync(root);
  } catch {
    return [];
  }
};

describe.skipIf(!canRunContainers)("examples", () => {
  test("build-step: the artefact comes back on stdout", () => {
    const r = example("build-step.ts");
    expect(r.code).toBe(0);
    const [a, b, sum] = r.out.trim().split("\n");
    expect([a, b]).toEqual(["HELLO FROM THE BUILD", "SECOND LINE"]);
    expect(sum).toBe(new Bun.CryptoHasher("sha256").update("hello from the build\nsecond line\n").digest("hex"));
    expect(containers()).toEqual([]);
  });

  test("parallel-jobs: every job's output, and a progress line", () => {
    const r = example("parallel-jobs.ts", ["--jobs", "12", "--limit", "3"]);
    expect(r.code).toBe(0);
    expect(r.out.trim().split("\n")).toEqual(Array.from({ length: 12 }, (_, n) => `${n} ${n * n}`));
    expect(r.err).toContain("\r12/12 done, 0 failed");
    expect(containers()).toEqual([]);
  });

  test("service: health checks through exec say ok, and the service is restarted when it exits", () => {
    const r = example("service.ts", ["--restarts", "1"]);
    expect(r.code).toBe(0);
    expect(r.out.match(/^start #\d/gm)).toEqual(["start #1", "start #2"]);
    expect(r.out).toContain("health: ok");
    expect(r.out).toContain("exited with status 1: restarting");
    expect(containers()).toEqual([]);
  });

  test("docs/library.md: the tutorial's code, run as written (with this test's state root), prints what its comments say", () => {
    const doc = readFileSync(join(REPO, "docs/library.md"), "utf8");
    const tutorial = doc.slice(doc.indexOf("## Tutorial"), doc.indexOf("## How it behaves"));
    const code = [...tutorial.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).join("\n");
    expect(code).toContain("new Runtime();");
    // inside the repository, so that `import … from "lxcri"` is this package (its own name)
    const dir = join(REPO, "build", `tutorial-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, "tutorial.ts"), code.replace("new Runtime();", `new Runtime({ root: ${JSON.stringify(root)} });`));
      const p = Bun.spawnSync({ cmd: [process.execPath, join(dir, "tutorial.ts")], cwd: dir, stdout: "pipe", stderr: "pipe" });
      const out = p.stdout.toString();
      expect(p.stderr.toString()).toBe("");
      expect(p.exitCode).toBe(0);
      expect(out).toContain("hello from a container\nstatus 3\n");
      expect(out).toContain("SHOUT THIS — status 0\n");
      expect(out).toContain("through a pipe — status 0\n");
      expect(out).toMatch(/memory \d+ pids 1\n/);
      expect(out).toContain("exit\n");
      expect(out).toMatch(/cancelled with status 137 after \d+ ms/);
      expect(Number(/after (\d+) ms/.exec(out)![1])).toBeLessThan(1500);
      expect(out).toContain("left: []");
      expect(containers()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
