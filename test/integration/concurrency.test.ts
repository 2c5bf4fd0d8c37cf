// Many containers and racing operations at once, as an orchestrator drives a node.
import { afterAll, describe, expect, test } from "bun:test";
import { bundle, canRunContainers, cleanupRoot, leftovers, LXCRI, lxcri, testRoot } from "../helpers.ts";

const root = testRoot("concurrency");
afterAll(() => cleanupRoot(root));

/** Starts the CLI in the background; resolves with its exit code. No pipes: a container inherits create's stdio. */
function cli(args: string[]): Promise<number> {
  return Bun.spawn({ cmd: [LXCRI, "--root", root, ...args], stdio: ["ignore", "ignore", "ignore"] }).exited;
}

describe.skipIf(!canRunContainers)("concurrency (real containers)", () => {
  test("20 creates of distinct ids at once, then start, state, kill and delete on all of them at once", async () => {
    const b = bundle(["sleep", "30"]);
    const ids = Array.from({ length: 20 }, (_, i) => `par${i}`);
    expect(await Promise.all(ids.map((id) => cli(["create", "--bundle", b, id])))).toEqual(ids.map(() => 0));
    expect(await Promise.all(ids.map((id) => cli(["start", id])))).toEqual(ids.map(() => 0));
    const states = await Promise.all(
      ids
        .map((id) => Bun.spawn({ cmd: [LXCRI, "--root", root, "state", id], stdio: ["ignore", "pipe", "ignore"] }))
        .map(async (p) => JSON.parse(await new Response(p.stdout).text()).status),
    );
    expect(states.every((s) => s === "running")).toBe(true);
    expect(await Promise.all(ids.map((id) => cli(["kill", id, "KILL"])))).toEqual(ids.map(() => 0));
    expect(await Promise.all(ids.map((id) => cli(["delete", "--force", id])))).toEqual(ids.map(() => 0));
    for (const id of ids) expect({ id, left: leftovers(root, id) }).toEqual({ id, left: [] });
  }, 120_000);

  test("10 creates of the same id at once: exactly one wins, the others say it already exists, the winner is intact", async () => {
    const b = bundle(["sleep", "30"]);
    const codes = await Promise.all(Array.from({ length: 10 }, () => cli(["create", "--bundle", b, "same"])));
    expect(codes.filter((c) => c === 0).length).toBe(1);
    expect(codes.filter((c) => c === 1).length).toBe(9);
    expect(lxcri(root, ["start", "same"]).code).toBe(0);
    expect(JSON.parse(lxcri(root, ["state", "same"]).stdout).status).toBe("running");
    expect(lxcri(root, ["create", "--bundle", b, "same"]).stderr).toContain("container same already exists");
    expect(lxcri(root, ["delete", "--force", "same"]).code).toBe(0);
    expect(leftovers(root, "same")).toEqual([]);
  }, 60_000);

  test("kill and delete racing on one container", async () => {
    const b = bundle(["sleep", "30"]);
    for (let round = 0; round < 5; round++) {
      const id = `race${round}`;
      expect(lxcri(root, ["create", "--bundle", b, id]).code).toBe(0);
      expect(lxcri(root, ["start", id]).code).toBe(0);
      const [k, d] = await Promise.all([cli(["kill", id, "KILL"]), cli(["delete", "--force", id])]);
      expect(d).toBe(0);
      expect([0, 1]).toContain(k); // kill may find it gone: "container not running" / "does not exist"
      expect(leftovers(root, id)).toEqual([]);
    }
  }, 60_000);
});
