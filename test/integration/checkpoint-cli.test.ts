// checkpoint and restore on the host, where CRIU cannot dump or restore (this machine's
// kernel; test/vm/checkpoint.test.ts runs them where it can): podman's probe
// (`checkpoint --help` exits 0), flags lxcri does not implement refused by name, a missing
// image refused naming descriptors.json, and a restore CRIU fails leaves nothing behind
// (runtime directory, cgroups, the rootfs bind it needs) and names CRIU's log.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { argv } from "../argv.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, state, tempDir, testRoot } from "../helpers.ts";

const root = testRoot("checkpoint-cli");
afterAll(() => cleanupRoot(root));

describe("checkpoint and restore: the command line", () => {
  test("checkpoint --help and restore --help exit 0 (podman's test for checkpoint support) and list the flags", () => {
    const c = lxcri(root, ["checkpoint", "--help"]);
    expect(c.code).toBe(0);
    for (const f of ["--image-path", "--work-path", "--leave-running", "--tcp-established", "--pre-dump", "--manage-cgroups-mode"])
      expect(c.stdout).toContain(f);
    const r = lxcri(root, ["restore", "--help"]);
    expect(r.code).toBe(0);
    for (const f of ["--bundle", "--detach", "--pid-file", "--image-path"]) expect(r.stdout).toContain(f);
  });

  test("a flag lxcri does not implement is refused with its name", () => {
    for (const [args, name] of [
      [["checkpoint", "--lazy-pages", "x"], "--lazy-pages"],
      [["checkpoint", "--page-server", "h:1", "x"], "--page-server"],
      [["restore", "--console-socket", "/tmp/s", "x"], "--console-socket"],
      [["restore", "--lsm-profile", "apparmor:p", "x"], "--lsm-profile"],
    ] as const) {
      const r = lxcri(root, [...args]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`${name} is not supported`);
    }
  });

  test("--criu names the criu to run; one that is not there is named", () => {
    const b = bundle(["true"]);
    const images = tempDir("img-criu");
    writeFileSync(join(images, "descriptors.json"), "[]");
    const r = lxcri(root, ["--criu", "/nonexistent/criu", "restore", "--bundle", b, "--image-path", images, "criu-path"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("--criu /nonexistent/criu: not an executable");
    expect(leftovers(root, "criu-path")).toEqual([]);
  });

  test("restore from a directory with no checkpoint names descriptors.json and makes nothing", () => {
    const b = bundle(["true"]);
    const empty = tempDir("no-image");
    const r = lxcri(root, ["restore", "--bundle", b, "--image-path", empty, "nothing"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("descriptors.json");
    expect(leftovers(root, "nothing")).toEqual([]);
  });
});

describe.skipIf(!canRunContainers)("checkpoint of a container that does not run", () => {
  test("a created container is refused, and stays", () => {
    const b = bundle(["true"]);
    expect(lxcri(root, ["create", "--bundle", b, "ck-created"]).code).toBe(0);
    const r = lxcri(root, ["checkpoint", "--image-path", tempDir("img"), "ck-created"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("cannot checkpoint container ck-created");
    expect(state(root, "ck-created").status).toBe("created");
    expect(lxcri(root, ["delete", "--force", "ck-created"]).code).toBe(0);
  });
});

/**
 * A CRIU that fails as CRIU fails (its error in the log it was told to write, exit 1), passed with
 * --criu: the reporting is tested the same on every machine, whether Debian's CRIU runs on its kernel
 * or not (it does not on the project machine's 6.18; test/vm/checkpoint.test.ts runs the real one).
 */
function failingCriu(): string {
  const dir = tempDir("fake-criu");
  const path = join(dir, "criu");
  writeFileSync(
    path,
    `#!/bin/sh
work=; log=
while [ $# -gt 0 ]; do case "$1" in --work-dir) work=$2; shift ;; --log-file) log=$2; shift ;; esac; shift; done
[ -n "$work" ] && [ -n "$log" ] && echo "(00.000100) Error (criu/fake.c:1): fake criu: cannot do it" > "$work/$log"
exit 1
`,
    { mode: 0o755 },
  );
  return path;
}

describe.skipIf(!canRunContainers)("a restore CRIU fails", () => {
  test("names CRIU's log and its error, and leaves nothing behind", () => {
    const b = bundle(["sleep", "1000"]);
    const images = tempDir("img");
    const work = join(images, "work");
    mkdirSync(work);
    writeFileSync(join(images, "descriptors.json"), JSON.stringify(["/dev/null", "pipe:[1]", "pipe:[2]"]));
    const r = lxcri(root, argv`--criu ${failingCriu()} restore --detach --bundle ${b} --image-path ${images} --work-path ${work} ck-fail`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("criu restore failed");
    expect(r.stderr).toContain(join(work, "restore.log"));
    expect(leftovers(root, "ck-fail")).toEqual([]);
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain("criu-root");
  });
});

describe.skipIf(!canRunContainers)("a checkpoint CRIU fails", () => {
  test("checkpoint fails naming CRIU's log and its error; the container keeps running", async () => {
    const id = "ck-nokernel";
    const b = bundle(["sleep", "1000"]);
    expect(lxcri(root, ["create", "--bundle", b, id]).code).toBe(0);
    expect(lxcri(root, ["start", id]).code).toBe(0);
    const work = join(tempDir("nokernel"), "work");
    const r = lxcri(root, ["--criu", failingCriu(), "checkpoint", "--image-path", tempDir("nokernel-image"), "--work-path", work, id]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("criu dump failed");
    expect(r.stderr).toContain(join(work, "dump.log"));
    expect(r.stderr).toContain("fake criu: cannot do it");
    expect(state(root, id).status).toBe("running");
    expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
    expect(leftovers(root, id)).toEqual([]);
  }, 120_000);
});
