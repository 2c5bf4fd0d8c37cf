// examples/: each script runs as a user would run it (bun examples/x.ts),
// against a state root of its own, and leaves no container behind.
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
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

  test("parallel-jobs: every job's output, a progress line, at most --limit at a time", () => {
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
});
