// crun's hook output annotations on real containers: run.oci.hooks.stdout and
// run.oci.hooks.stderr collect every hook's stdout and stderr (prestart,
// createRuntime, createContainer, poststart, poststop), created 0600.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Hook } from "../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, lxcri, tempDir, testRoot } from "../helpers.ts";

const root = testRoot("hook-output");
afterAll(() => cleanupRoot(root));

const say = (type: string): Hook => ({ path: "/bin/sh", args: ["sh", "-c", `echo out-${type}; echo err-${type} >&2`] });

describe.skipIf(!canRunContainers)("hook output annotations (real containers)", () => {
  test("each hook's stdout and stderr are appended to the files the annotations name", () => {
    const dir = tempDir("hookout");
    const out = join(dir, "hooks.out");
    const err = join(dir, "hooks.err");
    const types = ["prestart", "createRuntime", "createContainer", "poststart", "poststop"] as const;
    const b = bundle(["true"], (s) => {
      s.hooks = Object.fromEntries(types.map((t) => [t, [say(t)]]));
      s.annotations = { "run.oci.hooks.stdout": out, "run.oci.hooks.stderr": err };
    });
    expect(lxcri(root, ["create", "--bundle", b, "ho1"]).stderr).toBe("");
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(lxcri(root, ["start", "ho1"]).code).toBe(0);
    expect(lxcri(root, ["delete", "--force", "ho1"]).code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(types.map((t) => `out-${t}\n`).join(""));
    expect(readFileSync(err, "utf8")).toBe(types.map((t) => `err-${t}\n`).join(""));
  });

  test("a relative path, or startContainer hooks with the annotation, are refused at create naming it", () => {
    const rel = bundle(["true"], (s) => {
      s.hooks = { prestart: [say("prestart")] };
      s.annotations = { "run.oci.hooks.stdout": "hooks.out" };
    });
    const r = lxcri(root, ["create", "--bundle", rel, "ho2"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('annotations["run.oci.hooks.stdout"]: must be an absolute path');
    const sc = bundle(["true"], (s) => {
      s.hooks = { startContainer: [{ path: "/bin/true" }] };
      s.annotations = { "run.oci.hooks.stderr": join(tempDir("hookout"), "e") };
    });
    const r2 = lxcri(root, ["create", "--bundle", sc, "ho3"]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('annotations["run.oci.hooks.stderr"]: is not applied to startContainer hooks yet');
  });
});
