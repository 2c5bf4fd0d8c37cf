// Mutated config.json files through the real CLI and real liblxc: every
// create either succeeds (then the container is deleted) or fails with a
// clear message; no stack trace, and nothing left behind either way.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mutate, rng } from "../fuzz-gen.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, testRoot } from "../helpers.ts";

const root = testRoot("fuzz");
const CASES = Number(process.env.LXCRI_CONTAINER_FUZZ_CASES ?? 2000);
afterAll(() => cleanupRoot(root));

describe.skipIf(!canRunContainers)("config.json fuzzing (real containers)", () => {
  test(`${CASES} mutated bundles: success or a clear error, and nothing left behind`, () => {
    const b = bundle(["true"], (s) => {
      s.hooks = { createRuntime: [{ path: "/bin/true", args: ["true"], timeout: 5 }], poststop: [{ path: "/bin/true" }] };
      s.linux!.resources = { ...s.linux!.resources, pids: { limit: 100 }, memory: { limit: 64 << 20 } };
    });
    const file = join(b, "config.json");
    const base = JSON.parse(readFileSync(file, "utf8"));
    const r = rng(Number(process.env.LXCRI_FUZZ_SEED ?? 7));
    let created = 0;
    for (let i = 0; i < CASES; i++) {
      const id = `fz${i}`;
      // Every other case only removes one value, so many creates succeed and are cleaned up too.
      writeFileSync(file, JSON.stringify(i % 2 ? mutate(base, r) : mutate(base, r, 1, 1)) ?? "null");
      const c = lxcri(root, ["create", "--bundle", b, id]);
      expect({ i, code: c.code }).toEqual({ i, code: c.code === 0 ? 0 : 1 });
      // One line, prefixed, and no JavaScript stack trace.
      if (c.code !== 0) expect({ i, stderr: c.stderr }).toEqual({ i, stderr: expect.stringMatching(/^lxcri: [^\n]+\n$/) });
      else {
        created++;
        expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
      }
      expect({ i, left: leftovers(root, id) }).toEqual({ i, left: [] });
    }
    expect(created).toBeGreaterThan(0);
  }, 1_200_000);
});
