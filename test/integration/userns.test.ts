// User namespaces as Kubernetes and podman share them, on real containers: a pod-like pair
// whose second container joins the first's user, network and IPC namespaces by path (as the
// CRI passes /proc/<sandbox pid>/ns/user), its maps read from the namespace; and id-mapped
// bind mounts (mounts[].uidMappings, "idmap"), whose files show inside as the mount's maps say.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, state, tempDir, testRoot } from "../helpers.ts";
import type { Spec } from "../../src/spec/types.ts";

const root = testRoot("userns");
const host = tempDir("userns-host");
chmodSync(host, 0o755);
afterAll(() => {
  cleanupRoot(root);
  rmSync(host, { recursive: true, force: true });
});

const MAPPED = 100000;
const ownUserns = (s: Spec) => {
  s.linux!.namespaces!.push({ type: "user" });
  s.linux!.uidMappings = [{ containerID: 0, hostID: MAPPED, size: 65536 }];
  s.linux!.gidMappings = [{ containerID: 0, hostID: MAPPED, size: 65536 }];
};

/** A bundle the user namespace's root can read (its rootfs and config). */
function userBundle(args: string[], edit: (s: Spec) => void): string {
  const b = bundle(args, edit);
  chmodSync(b, 0o755);
  return b;
}

function run(id: string, b: string): void {
  const created = lxcri(root, ["create", "--bundle", b, id]);
  expect(created.stderr).toBe("");
  expect(created.code).toBe(0);
  expect(lxcri(root, ["start", id]).code).toBe(0);
}

describe.skipIf(!canRunContainers)("user namespaces shared and id-mapped mounts (real containers)", () => {
  test("a pod: B joins A's user, network and IPC namespaces by path, has A's maps, and its files are A's mapped root's on the host", () => {
    const shared = join(host, "pod");
    mkdirSync(shared);
    chownSync(shared, MAPPED, MAPPED);
    run("pod-a", userBundle(["sleep", "60"], ownUserns));
    const a = state(root, "pod-a").pid;
    const b = userBundle(["sleep", "60"], (s) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "ipc" && n.type !== "network");
      s.linux!.namespaces!.push(
        { type: "user", path: `/proc/${a}/ns/user` },
        { type: "network", path: `/proc/${a}/ns/net` },
        { type: "ipc", path: `/proc/${a}/ns/ipc` },
      );
      s.mounts!.push({ destination: "/shared", type: "bind", source: shared, options: ["rbind", "rw"] });
    });
    run("pod-b", b);
    const pb = state(root, "pod-b").pid;
    for (const ns of ["user", "net", "ipc"]) expect(statSync(`/proc/${pb}/ns/${ns}`).ino).toBe(statSync(`/proc/${a}/ns/${ns}`).ino);
    expect(statSync(`/proc/${pb}/ns/mnt`).ino).not.toBe(statSync(`/proc/${a}/ns/mnt`).ino);
    const maps = lxcri(root, ["exec", "pod-b", "cat", "/proc/self/uid_map", "/proc/self/gid_map"]);
    expect(
      maps.stdout
        .trim()
        .split("\n")
        .map((l) => l.trim().split(/\s+/).join(" ")),
    ).toEqual([`0 ${MAPPED} 65536`, `0 ${MAPPED} 65536`]);
    // B runs as the namespace's root: uid 100000 on the host
    expect(readFileSync(`/proc/${pb}/status`, "utf8")).toMatch(new RegExp(`\\nUid:\\s+${MAPPED}\\s`));
    const touched = lxcri(root, ["exec", "pod-b", "sh", "-c", "echo hi > /shared/f && id -u"]);
    expect(touched.stderr).toBe("");
    expect(touched.stdout.trim()).toBe("0");
    expect(statSync(join(shared, "f")).uid).toBe(MAPPED);
    for (const id of ["pod-b", "pod-a"]) {
      expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
      expect(leftovers(root, id)).toEqual([]);
    }
  });

  test("containerd 2.x's pod: a network namespace made in a user namespace of its own, a sandbox with a new one, a container joining the sandbox's", async () => {
    // the pod's network namespace, made as containerd makes it: in a throwaway user namespace with the pod's maps
    const netns = join(host, "netns");
    writeFileSync(netns, "");
    const maker = Bun.spawn(["unshare", "--user", "--net", "sleep", "60"]);
    try {
      await Bun.sleep(200);
      writeFileSync(`/proc/${maker.pid}/uid_map`, `0 ${MAPPED} 65536`);
      writeFileSync(`/proc/${maker.pid}/gid_map`, `0 ${MAPPED} 65536`);
      expect(Bun.spawnSync(["mount", "--bind", `/proc/${maker.pid}/ns/net`, netns]).exitCode).toBe(0);
    } finally {
      maker.kill();
    }
    const podNet = (s: Spec) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "network");
      s.linux!.namespaces!.push({ type: "network", path: netns });
    };
    try {
      // neither user namespace owns the network namespace: sysfs is the host's, bound read-only
      run(
        "cd-sandbox",
        userBundle(["sleep", "60"], (s) => {
          ownUserns(s);
          podNet(s);
        }),
      );
      const sandbox = state(root, "cd-sandbox").pid;
      run(
        "cd-app",
        userBundle(["sleep", "60"], (s) => {
          podNet(s);
          s.linux!.namespaces!.push({ type: "user", path: `/proc/${sandbox}/ns/user` });
        }),
      );
      const app = state(root, "cd-app").pid;
      expect(statSync(`/proc/${app}/ns/user`).ino).toBe(statSync(`/proc/${sandbox}/ns/user`).ino);
      expect(statSync(`/proc/${app}/ns/net`).ino).toBe(statSync(netns).ino);
      const sys = lxcri(root, ["exec", "cd-app", "sh", "-c", "ls /sys/class/net && touch /sys/fs/x; grep ' /sys ' /proc/self/mountinfo"]);
      expect(sys.stdout).toContain("lo");
      expect(sys.stderr).toContain("Read-only file system");
      expect(sys.stdout).toMatch(/ \/sys ro,/);
      for (const id of ["cd-app", "cd-sandbox"]) {
        expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
        expect(leftovers(root, id)).toEqual([]);
      }
    } finally {
      Bun.spawnSync(["umount", netns]);
    }
  });

  test("a mount namespace the joined user namespace does not own is refused, naming the field", async () => {
    run("own-a", userBundle(["sleep", "60"], ownUserns));
    const a = state(root, "own-a").pid;
    const other = Bun.spawn(["unshare", "--mount", "sleep", "60"]);
    try {
      await Bun.sleep(200);
      const b = userBundle(["true"], (s) => {
        s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "mount");
        s.linux!.namespaces!.push({ type: "mount", path: `/proc/${other.pid}/ns/mnt` }, { type: "user", path: `/proc/${a}/ns/user` });
      });
      const r = lxcri(root, ["create", "--bundle", b, "own-b"]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(
        /linux\.namespaces\[\d+\]\.path: \/proc\/\d+\/ns\/mnt belongs to another user namespace than linux\.namespaces\[\d+\]\.path/,
      );
      expect(leftovers(root, "own-b")).toEqual([]);
    } finally {
      other.kill();
    }
    expect(lxcri(root, ["delete", "--force", "own-a"]).code).toBe(0);
  });

  test("maps given with a joined user namespace must be its own", () => {
    run("pod-c", userBundle(["sleep", "60"], ownUserns));
    const a = state(root, "pod-c").pid;
    const b = userBundle(["true"], (s) => {
      s.linux!.namespaces!.push({ type: "user", path: `/proc/${a}/ns/user` });
      s.linux!.uidMappings = [{ containerID: 0, hostID: 300000, size: 65536 }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: MAPPED, size: 65536 }];
    });
    const r = lxcri(root, ["create", "--bundle", b, "pod-d"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `linux.uidMappings: 0:300000:65536 do not match the maps of the user namespace at /proc/${a}/ns/user: 0:${MAPPED}:65536`,
    );
    expect(leftovers(root, "pod-d")).toEqual([]);
    expect(lxcri(root, ["delete", "--force", "pod-c"]).code).toBe(0);
  });

  test("joining the runtime's own user namespace is refused", () => {
    const b = userBundle(["true"], (s) => s.linux!.namespaces!.push({ type: "user", path: "/proc/self/ns/user" }));
    const r = lxcri(root, ["create", "--bundle", b, "own-userns"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("linux.namespaces[");
    expect(r.stderr).toContain("is the runtime's or the host's user namespace");
    expect(leftovers(root, "own-userns")).toEqual([]);
  });

  test("an id-mapped volume: its host owner (uid 1000) shows inside as the uid the mount's maps give it", () => {
    const vol = join(host, "vol");
    mkdirSync(vol);
    writeFileSync(join(vol, "owned"), "x");
    chownSync(join(vol, "owned"), 1000, 1000);
    const b = userBundle(["sh", "-c", "stat -c '%u %g' /vol/owned /plain/owned; echo made > /vol/new"], (s) => {
      ownUserns(s);
      // Kubernetes' way: the volume's maps are the container's, so host ids show as themselves
      s.mounts!.push({
        destination: "/vol",
        type: "bind",
        source: vol,
        options: ["rbind", "rw"],
        uidMappings: [{ containerID: 0, hostID: MAPPED, size: 65536 }],
        gidMappings: [{ containerID: 0, hostID: MAPPED, size: 65536 }],
      });
      // the same directory without a mapping: 1000 is no one in the namespace
      s.mounts!.push({ destination: "/plain", type: "bind", source: vol, options: ["rbind", "ro"] });
    });
    const r = lxcri(root, ["run", "--bundle", b, "idmap-vol"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n")).toEqual(["1000 1000", "65534 65534"]);
    // what the container's root wrote is root's on the host (the mount maps it back)
    expect(statSync(join(vol, "new")).uid).toBe(0);
    expect(leftovers(root, "idmap-vol")).toEqual([]);
  });

  test("\"idmap\" without maps takes the container's user namespace's; other maps shift the owner", () => {
    const vol = join(host, "vol2");
    mkdirSync(vol);
    writeFileSync(join(vol, "owned"), "x");
    chownSync(join(vol, "owned"), 1000, 1000);
    const b = userBundle(["stat", "-c", "%u %g", "/a/owned", "/b/owned", "/etc/owned.conf"], (s) => {
      ownUserns(s);
      s.mounts!.push({ destination: "/a", type: "bind", source: vol, options: ["bind", "idmap"] });
      // a file, as Kubernetes binds /etc/hosts
      s.mounts!.push({ destination: "/etc/owned.conf", type: "bind", source: join(vol, "owned"), options: ["bind", "ro", "idmap"] });
      // on-disk 1000 is 1000+5 in the mount's namespace → host 100005 → uid 5 in the container
      s.mounts!.push({
        destination: "/b",
        type: "bind",
        source: vol,
        options: ["bind", "ridmap", "ro"],
        uidMappings: [{ containerID: 0, hostID: MAPPED + 5, size: 60000 }],
        gidMappings: [{ containerID: 0, hostID: MAPPED + 7, size: 60000 }],
      });
    });
    const r = lxcri(root, ["run", "--bundle", b, "idmap-opt"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n")).toEqual(["1000 1000", "1005 1007", "1000 1000"]);
    expect(leftovers(root, "idmap-opt")).toEqual([]);
  });
});
