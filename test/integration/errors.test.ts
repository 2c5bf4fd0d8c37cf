// Bad input: a clear error naming the field or file, exit 1, and nothing left
// behind — no runtime directory, cgroup, process or mount.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, tempDir, testRoot } from "../helpers.ts";

const root = testRoot("errors");
afterAll(() => cleanupRoot(root));

function expectCleanFailure(args: string[], id: string, message: string | RegExp) {
  const r = lxcri(root, args);
  expect(r.code).toBe(1);
  if (typeof message === "string") expect(r.stderr).toContain(message);
  else expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe("");
  expect(leftovers(root, id)).toEqual([]);
  return r;
}

describe.skipIf(!canRunContainers)("bad bundles and ids (CLI, real liblxc)", () => {
  test("no config.json", () => {
    const b = tempDir("empty");
    expectCleanFailure(["create", "--bundle", b, "e1"], "e1", `${b}/config.json: cannot read: no such file`);
  });

  test("invalid JSON", () => {
    const b = tempDir("badjson");
    writeFileSync(join(b, "config.json"), "{ not json");
    expectCleanFailure(["create", "--bundle", b, "e2"], "e2", `${b}/config.json: invalid JSON`);
  });

  test("a value liblxc refuses is named, with its key, and nothing is left", () => {
    const b = bundle(["true"], (s) => (s.hostname = "h".repeat(100)));
    expectCleanFailure(["create", "--bundle", b, "e5"], "e5", `liblxc rejected lxc.uts.name = "${"h".repeat(100)}"`);
  });

  test("a bundle that does not exist", () => {
    expectCleanFailure(["create", "--bundle", "/nonexistent/bundle", "e3"], "e3", "bundle /nonexistent/bundle is not a directory");
  });

  test("missing rootfs", () => {
    const b = bundle(["true"], (s) => (s.root!.path = "no-such-rootfs"));
    expectCleanFailure(["create", "--bundle", b, "e4"], "e4", `config.json: root.path: ${b}/no-such-rootfs is not a directory`);
  });

  test("relative mount destination", () => {
    const b = bundle(["true"], (s) => s.mounts!.push({ destination: "relative/dest", type: "tmpfs", source: "tmpfs" }));
    expectCleanFailure(["create", "--bundle", b, "e5"], "e5", 'mounts[7].destination: must be an absolute path, got "relative/dest"');
  });

  test("unknown namespace", () => {
    const b = bundle(["true"], (s) => s.linux!.namespaces!.push({ type: "foo" as never }));
    expectCleanFailure(["create", "--bundle", b, "e6"], "e6", 'linux.namespaces[6].type: unknown value "foo"');
  });

  test("a namespace path of the wrong type", () => {
    const b = bundle(["true"], (s) => (s.linux!.namespaces!.find((n) => n.type === "network")!.path = "/proc/self/ns/ipc"));
    expectCleanFailure(["create", "--bundle", b, "e9"], "e9", "linux.namespaces[1].path: /proc/self/ns/ipc is not a network namespace");
  });

  test("a field lxcri cannot apply yet is refused, never dropped", () => {
    const b = bundle(["true"], (s) => (s.linux!.resources!.rdma = { mlx5_1: { hcaHandles: 3 } }));
    expectCleanFailure(["create", "--bundle", b, "e7"], "e7", "config.json: linux.resources.rdma: is not supported yet");
  });

  test("a failure inside liblxc, after the runtime directory and cgroups exist, is rolled back", () => {
    const b = bundle(["true"], (s) => s.mounts!.push({ destination: "/mnt", type: "nosuchfs", source: "none" }));
    const r = expectCleanFailure(["create", "--bundle", b, "e8"], "e8", /container failed to start.*mount/i);
    expect(r.stderr).not.toContain("lxc 2026"); // liblxc's log prefix is stripped
    // The mount point lxcri made in the read-only rootfs is gone too.
    expect(readdirSync(join(b, "rootfs")).sort()).toEqual(["bin", "dev", "etc", "proc", "root", "sys", "tmp"]);
  });

  test.each([["../x"], ["a/b"], [".."], ["-rf"], ["x".repeat(1000)], ["ünïcode"], ["a..b"], [" "]])("invalid id %p", (id) => {
    const b = bundle(["true"]);
    mkdirSync(root, { recursive: true });
    const before = [readdirSync(root).sort(), readdirSync("/run").sort()];
    const r = lxcri(root, ["create", "--bundle", b, "--", id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("invalid container id");
    expect([readdirSync(root).sort(), readdirSync("/run").sort()]).toEqual(before);
  });

  test("an empty id is refused", () => {
    const r = lxcri(root, ["create", "--bundle", bundle(["true"]), ""]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/container id is required|requires a container id/);
  });

  test("missing id and extra arguments are usage errors", () => {
    mkdirSync(root, { recursive: true });
    for (const cmd of ["create", "start", "state", "delete", "kill"]) {
      const r = lxcri(root, [cmd]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`"${cmd}" requires a container id`);
    }
    expect(lxcri(root, ["state", "a", "b"]).stderr).toContain("takes exactly 1 argument");
    expect(lxcri(root, ["state", "nope"]).stderr).toContain("container nope does not exist");
  });

  test("--log with --log-format json holds exactly one error object for a failed create", () => {
    const dir = tempDir("log");
    const log = join(dir, "log.json");
    const b = tempDir("nobundle");
    const r = lxcri(root, ["--log", log, "--log-format=json", "create", "--bundle", b, "logfail"]);
    expect(r.code).toBe(1);
    const lines = readFileSync(log, "utf8").trim().split("\n");
    expect(lines.length).toBe(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry.level).toBe("error");
    expect(entry.msg).toContain("config.json: cannot read");
    expect(Date.parse(entry.time)).toBeGreaterThan(0);
  });
});
