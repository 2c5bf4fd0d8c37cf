// An id-mapped rootfs as containerd 2.x and podman (`--rootfs DIR:idmap`) give one: the
// runtime-spec has no field for it (root has only path and readonly), so the caller maps the
// rootfs itself with mount_setattr(MOUNT_ATTR_IDMAP) before create (containerd: the overlay's
// lower layers, core/mount doPrepareIDMappedOverlay; podman: idmap.CreateIDMappedMount on
// the rootfs) and passes its path as root.path. liblxc's bind of it keeps the mapping (a bind
// of an id-mapped mount is id-mapped too). Here the mapping is made as they make it, by
// lxcri-init's idmap hook (ffi/native/idmap.c) on the host, over a directory of root's files.
// An id-mapped mount on "/" in mounts[] (the hook would stack it over every other mount) is refused.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, REPO, testRoot } from "../helpers.ts";
import type { Spec } from "../../src/spec/types.ts";

const root = testRoot("idmapped-rootfs");
const MAPPED = 100000;
const mounted: string[] = [];
afterAll(() => {
  cleanupRoot(root);
  for (const m of mounted.reverse()) Bun.spawnSync(["umount", "-l", m]);
});

const ownUserns = (s: Spec) => {
  s.linux!.namespaces!.push({ type: "user" });
  s.linux!.uidMappings = [{ containerID: 0, hostID: MAPPED, size: 65536 }];
  s.linux!.gidMappings = [{ containerID: 0, hostID: MAPPED, size: 65536 }];
};

const hex = (s: string) => Buffer.from(s).toString("hex");

/** Mounts `dir` id-mapped (host id h → h + MAPPED) at `at`, as containerd and podman map a rootfs before create. */
function idmapMount(dir: string, at: string): void {
  mkdirSync(at, { recursive: true });
  // lxcri-init idmap attaches below /proc/$LXC_PID/root: ours, the host's root
  const map = `0:${MAPPED}:65536`;
  const r = Bun.spawnSync([join(REPO, "build", "lxcri-init"), "idmap", "2", hex(dir), hex(at), "0", "0", "0", "0", map, map], {
    env: { LXC_PID: String(process.pid) },
    stderr: "pipe",
  });
  if (r.exitCode !== 0) throw new Error(`idmap ${dir} at ${at}: ${r.exitCode} ${r.stderr}`);
  mounted.push(at);
}

describe.skipIf(!canRunContainers)("an id-mapped rootfs (containerd 2.x, podman --rootfs DIR:idmap)", () => {
  test("root's files are the container's root's; what its root writes is root's on the host", () => {
    const b = bundle(["sh", "-c", "stat -c '%u %g' /bin/busybox; id -u; touch /made && stat -c %u /made"], ownUserns);
    chmodSync(b, 0o755);
    const plain = join(b, "rootfs");
    expect(statSync(join(plain, "bin", "busybox")).uid).toBe(0);
    const mapped = join(b, "mapped");
    idmapMount(plain, mapped);
    // the mapping is the mount's: seen from the host, root's files show as MAPPED
    expect(statSync(join(mapped, "bin", "busybox")).uid).toBe(MAPPED);
    const config = JSON.parse(readFileSync(join(b, "config.json"), "utf8"));
    config.root = { path: mapped, readonly: false };
    writeFileSync(join(b, "config.json"), JSON.stringify(config));
    const r = lxcri(root, ["run", "--bundle", b, "idmapped-root"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("0 0\n0\n0\n");
    expect(r.code).toBe(0);
    // written through the mapping: the container's root is the host's root in the plain directory
    expect(statSync(join(plain, "made")).uid).toBe(0);
    expect(leftovers(root, "idmapped-root")).toEqual([]);
  });

  test("without the mapping, the same rootfs is the overflow uid's inside (what the id-mapped mount changes)", () => {
    const b = bundle(["stat", "-c", "%u", "/bin/busybox"], ownUserns);
    chmodSync(b, 0o755);
    const r = lxcri(root, ["run", "--bundle", b, "plain-root"]);
    expect(r.stdout).toBe("65534\n");
    expect(existsSync(join(b, "mapped"))).toBe(false);
  });

  test('"idmap" on "/" in mounts[] is refused naming the field (liblxc failed binding it, obscurely), nothing left', () => {
    const b = bundle(["true"], (s) => {
      ownUserns(s);
      s.mounts!.push({ destination: "/", type: "bind", source: "rootfs", options: ["bind", "idmap"] });
    });
    chmodSync(b, 0o755);
    const r = lxcri(root, ["run", "--bundle", b, "idmap-slash"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `mounts[${JSON.parse(readFileSync(join(b, "config.json"), "utf8")).mounts.length - 1}].destination: "idmap" on "/" is not supported`,
    );
    expect(leftovers(root, "idmap-slash")).toEqual([]);
  });
});
