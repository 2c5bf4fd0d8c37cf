// Attack: run.oci.hooks.stdout names a host file that root appends to. A
// config author (or a container, through a directory it can write) points
// it through a symlink at a file of the host's, or at a FIFO to hold create
// up: lxcri opens no path with a symlink on it and only regular files, and
// refuses the container naming the annotation (crun follows the symlink).
import { afterAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, tempDir, testRoot } from "../../helpers.ts";

const root = testRoot("hook-output-paths");
afterAll(() => cleanupRoot(root));

const hooked = (path: string) =>
  bundle(["true"], (s) => {
    s.hooks = { prestart: [{ path: "/bin/sh", args: ["sh", "-c", "echo pwned"] }] };
    s.annotations = { "run.oci.hooks.stdout": path };
  });

describe.skipIf(!canRunContainers)("hook output files cannot be redirected", () => {
  test("a symlink in the last component or on the way is refused; the target is untouched", () => {
    const d = tempDir("hookout-attack");
    const victim = join(d, "victim");
    writeFileSync(victim, "precious\n");
    symlinkSync(victim, join(d, "link"));
    mkdirSync(join(d, "real"));
    symlinkSync(join(d, "real"), join(d, "dirlink"));
    symlinkSync(victim, join(d, "real", "victim-link"));
    for (const [id, path] of [
      ["hp1", join(d, "link")],
      ["hp2", join(d, "dirlink", "new.log")],
    ] as const) {
      const r = lxcri(root, ["create", "--bundle", hooked(path), id]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("run.oci.hooks.stdout");
      expect(r.stderr).toContain("symlink");
      expect(leftovers(root, id)).toEqual([]);
    }
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(existsSync(join(d, "real", "new.log"))).toBe(false);
  });

  test("a FIFO is refused at once (it would block create), and so is a device", () => {
    const d = tempDir("hookout-attack");
    const fifo = join(d, "fifo");
    execFileSync("mkfifo", [fifo]);
    // a reader holds it open, so opening it for writing succeeds: only the file type stops it
    const reader = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const started = Date.now();
    const r = lxcri(root, ["create", "--bundle", hooked(fifo), "hp3"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("not a regular file");
    expect(Date.now() - started).toBeLessThan(10000);
    closeSync(reader);
    const dev = lxcri(root, ["create", "--bundle", hooked("/dev/null"), "hp4"]);
    expect(dev.code).toBe(1);
    expect(dev.stderr).toContain("not a regular file");
  });
});
