// A config refused late in create (by the translation, by the rootfs check: after the point
// where an early spawn of the monitor would be, docs/performance.md "Issue 23, round 8") leaves
// nothing behind — no monitor running or left a zombie of the caller's, no process naming the
// state root, no runtime directory, no cgroup — and the error names the field. Against the
// early spawn, it failed on a create that did not close the gate and reap the monitor.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LxcriError, Runtime, type Spec } from "../../src/index.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, testRoot } from "../helpers.ts";

const root = testRoot("refused-late");
afterAll(() => cleanupRoot(root));

/** Refused by the translation (a bind mount's missing source) and by the rootfs check: both after the monitor's spawn. */
const refusals: { name: string; edit: (s: Spec) => void; field: string }[] = [
  {
    name: "a bind mount's missing source",
    edit: (s) => s.mounts!.push({ destination: "/mnt", type: "bind", source: "/nonexistent-refused-late", options: ["bind"] }),
    field: "].source",
  },
  { name: "a missing rootfs", edit: (s) => (s.root!.path = "no-such-rootfs"), field: "root.path" },
];

/** Every process whose argv names the state root (the monitor's does: its lxcpath). */
function namingRoot(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p)))
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmd.split("\0").includes(root)) found.push(`${pid}: ${cmd.replace(/\0/g, " ")}`);
    } catch {
      /* gone */
    }
  return found;
}

/** This process's children, running or zombie (a zombie's argv is empty: found by its parent). */
function children(): string[] {
  const found: string[] = [];
  for (const t of readdirSync("/proc/self/task"))
    try {
      for (const c of readFileSync(`/proc/self/task/${t}/children`, "utf8").split(" ").filter(Boolean)) {
        const stat = readFileSync(`/proc/${c}/stat`, "utf8");
        found.push(`${c} ${stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3)}`);
      }
    } catch {
      /* gone */
    }
  return found.sort();
}

describe.skipIf(!canRunContainers)("a config refused late in create", () => {
  for (const [i, r] of refusals.entries()) {
    test(`lxcri create: ${r.name} exits non-zero naming ${r.field}, and leaves nothing`, () => {
      const id = `late-cli-${i}`;
      const res = lxcri(root, ["create", "--bundle", bundle(["true"], r.edit), id]);
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain(r.field);
      expect(existsSync(join(root, id))).toBe(false);
      expect(leftovers(root, id)).toEqual([]);
      expect(namingRoot()).toEqual([]);
    });

    test(`Runtime.create: ${r.name} rejects naming ${r.field}; no monitor runs or is left a zombie of the caller's`, async () => {
      const id = `late-lib-${i}`;
      const before = children();
      const err = await new Runtime({ root }).create(id, { bundle: bundle(["true"], r.edit) }).then(
        () => undefined,
        (e) => e,
      );
      expect(err).toBeInstanceOf(LxcriError);
      expect((err as LxcriError).message).toContain(r.field);
      // at once, not after a while: create reaped its monitor before it rejected
      expect(children()).toEqual(before);
      expect(namingRoot()).toEqual([]);
      expect(existsSync(join(root, id))).toBe(false);
      expect(leftovers(root, id)).toEqual([]);
    });
  }
});
