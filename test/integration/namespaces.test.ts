// Namespaces joined by path, on real containers: a mount namespace is taken
// over (as runc does), a uts namespace gets the hostname; the host's own
// mount or uts namespace is refused, so the host never changes.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";
import type { Spec } from "../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, testRoot, waitFor } from "../helpers.ts";

const root = testRoot("namespaces");
const holders: Bun.Subprocess[] = [];
afterAll(() => {
  cleanupRoot(root);
  for (const h of holders) h.kill(9);
});

/** A process holding a new namespace of `flag` (unshare(1) moves itself into it, then forks sleep). */
async function holder(flag: string, proc: string): Promise<string> {
  const p = Bun.spawn([
    "unshare",
    flag,
    ...(flag === "--mount" ? ["--propagation", "private"] : []),
    "--fork",
    "--kill-child",
    "sleep",
    "120",
  ]);
  holders.push(p);
  const path = `/proc/${p.pid}/ns/${proc}`;
  await waitFor(
    () => {
      try {
        return readlinkSync(path) !== readlinkSync(`/proc/self/ns/${proc}`);
      } catch {
        return false;
      }
    },
    5000,
    `unshare ${flag}`,
  );
  return path;
}

const join = (type: string, path: string) => (s: Spec) => {
  s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === type ? { type: n.type, path } : n));
};

describe.skipIf(!canRunContainers)("namespaces joined by path (real containers)", () => {
  test("a mount namespace: the container runs in it, and the host's mounts do not change", async () => {
    const ns = await holder("--mount", "mnt");
    const b = bundle(["readlink", "/proc/self/ns/mnt"], join("mount", ns));
    const r = lxcri(root, ["run", "--bundle", b, "mnt1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(readlinkSync(ns));
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(b);
    expect(leftovers(root, "mnt1")).toEqual([]);
  });

  // (pid 1's namespaces are refused too, where they can be opened at all)
  test.each(["/proc/self/ns/mnt", `/proc/${process.pid}/ns/mnt`])("the runtime's mount namespace (%s) is refused", (path) => {
    const b = bundle(["true"], join("mount", path));
    const r = lxcri(root, ["run", "--bundle", b, "mnt2"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`linux.namespaces[4].path: ${path} is the runtime's or the host's mount namespace`);
    expect(leftovers(root, "mnt2")).toEqual([]);
  });

  test("a new network namespace has its loopback up, as with runc: a server in it answers on 127.0.0.1", () => {
    const script =
      "ip -o link show lo | grep -q 'LOWER_UP' && echo lo-up; mkdir -p /tmp/www && echo hi > /tmp/www/i && httpd -p 127.0.0.1:8080 -h /tmp/www && wget -qO- http://127.0.0.1:8080/i";
    const b = bundle(["sh", "-c", script], (s) => {
      s.root!.readonly = false;
      s.mounts!.push({ destination: "/tmp", type: "tmpfs", source: "tmpfs" });
    });
    const r = lxcri(root, ["run", "--bundle", b, "lo1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("lo-up\nhi\n");
    expect(r.code).toBe(0);
    expect(leftovers(root, "lo1")).toEqual([]);
  });

  test("a uts namespace: the hostname is set in it, not on the host", async () => {
    const ns = await holder("--uts", "uts");
    const before = hostname();
    const b = bundle(["hostname"], (s) => {
      join("uts", ns)(s);
      s.hostname = "joined-uts";
    });
    const r = lxcri(root, ["run", "--bundle", b, "uts1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("joined-uts\n");
    expect(hostname()).toBe(before);
  });

  test("the host's uts namespace with a hostname is refused; the host's hostname stays", () => {
    const before = hostname();
    const b = bundle(["hostname"], (s) => {
      join("uts", `/proc/${process.pid}/ns/uts`)(s);
      s.hostname = "must-not-be-set";
    });
    const r = lxcri(root, ["run", "--bundle", b, "uts2"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`linux.namespaces[3].path: /proc/${process.pid}/ns/uts is the runtime's or the host's uts namespace`);
    expect(hostname()).toBe(before);
    expect(leftovers(root, "uts2")).toEqual([]);
  });

  test("no mount namespace at all is refused, naming the field", () => {
    const b = bundle(["true"], (s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "mount")));
    const r = lxcri(root, ["run", "--bundle", b, "mnt3"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("linux.namespaces: a mount namespace is required");
    expect(leftovers(root, "mnt3")).toEqual([]);
  });
});
