// A container's root must not change the host's device nodes. The default
// devices (null, zero, full, random, urandom, tty) were bind mounts of the
// host's inodes in every container: a root process with CAP_FOWNER ran
// `chmod 700 /dev/null` and the host's /dev/null was 0700 (every unprivileged
// host program writing to it failed). Now init makes them with mknod in the
// container's /dev tmpfs, as runc does; only in a user namespace (where mknod
// is refused) are they bound, and there the container's root is not the
// inode's owner and cannot change it. Masked paths are binds of the host's
// /dev/null too (never the container's, CVE-2025-31133): that bind is
// read-only, so `chmod 700 /proc/keys` fails with EROFS and the host's stays.
//
// runc 1.1.5: mknod without a user namespace; binds in one.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, LXCRI, testRoot } from "../../helpers.ts";
import { bundle, cleanupAttackRoot, hostCaps, MAPPED_ROOT, removeScratch, runtime } from "./attack-helpers.ts";

const root = testRoot("attack-devices");
const DEVICES = ["null", "zero", "full", "random", "urandom", "tty"];
const host = () => DEVICES.map((d) => statSync(`/dev/${d}`)).map((s) => `${s.mode.toString(8)} ${s.uid}:${s.gid} ${s.dev}:${s.ino}`);
const before = host();
afterAll(() => {
  // put back whatever an old build changed, so one failing run does not break the machine
  for (const [i, d] of DEVICES.entries()) {
    const [mode, owner] = before[i]!.split(" ");
    chmodSync(`/dev/${d}`, Number.parseInt(mode!, 8) & 0o7777);
    Bun.spawnSync(["chown", owner!, `/dev/${d}`]);
  }
  cleanupAttackRoot(root);
  removeScratch();
}, 60_000);

// every change a root with every capability can make to a node's inode
// (and to the masked files, which are binds of the host's /dev/null: read-only ones, so EROFS)
const ATTACK = [...DEVICES.map((d) => `/dev/${d}`), "/proc/keys", "/proc/timer_list"]
  .map((p) => `chmod 700 ${p}; chown 1234:1234 ${p}; touch -d 2001-01-01 ${p}`)
  .join("; ");

describe.skipIf(!canRunContainers)("the host's device nodes are not the container's", () => {
  const lxcri = runtime(LXCRI, root);

  test("without a user namespace: a root with every capability chmods and chowns its devices, the host's stay as they were", () => {
    const b = bundle(["sh", "-c", `${ATTACK}; stat -c '%a %u' /dev/null`], (s) => {
      s.process!.capabilities = { bounding: hostCaps(), effective: hostCaps(), permitted: hostCaps() };
    });
    const r = lxcri(["run", "--bundle", b, "devs"]);
    expect(r.stdout.trim()).toBe("700 1234"); // it did change its own
    expect(host()).toEqual(before);
  }, 60_000);

  // liblxc fchmods init's stdio to 0700 unless it is the container's /dev/null: with an image whose
  // /dev/null is a regular file and no /dev tmpfs, init's stdio was the host's /dev/null
  test("an image whose /dev/null is a regular file, no /dev tmpfs: the host's /dev/null stays as it was", () => {
    const b = bundle(["true"], (s) => {
      s.mounts = s.mounts!.filter((m) => !m.destination.startsWith("/dev"));
    });
    mkdirSync(join(b, "rootfs", "dev"), { recursive: true });
    writeFileSync(join(b, "rootfs", "dev", "null"), "not a device\n");
    const r = lxcri(["run", "--bundle", b, "devs-file"]);
    expect(r.code).toBe(0);
    expect(host()).toEqual(before);
  }, 60_000);

  test("in a user namespace the devices are the host's, bound, and the container's root cannot change them", () => {
    const b = bundle(["sh", "-c", `${ATTACK} 2>/dev/null; stat -c '%a' /dev/null`], (s) => {
      s.linux!.namespaces!.push({ type: "user" });
      s.linux!.uidMappings = [{ containerID: 0, hostID: MAPPED_ROOT, size: 65536 }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: MAPPED_ROOT, size: 65536 }];
      s.process!.capabilities = { bounding: hostCaps(), effective: hostCaps(), permitted: hostCaps() };
    });
    chmodSync(b, 0o755);
    const r = lxcri(["run", "--bundle", b, "devs-userns"]);
    // the host's own inode, as it is on the host (0666 on a sound host), unchanged by the attack
    const hostMode = (statSync("/dev/null").mode & 0o777).toString(8);
    expect(r.stdout.trim().split("\n")[0]).toBe(hostMode);
    expect(host()).toEqual(before);
  }, 60_000);

  // a config with no device rules (or only allow rules) left the container in its parent's
  // devices cgroup, which allows every device: its root made a node of any host device (a disk)
  // and opened it. runc builds its rules from "deny all"; so does lxcri now (src/lxc/devices.ts).
  // The node is loop0's (b 7:0): the device cgroup answers before the driver, so "Operation not
  // permitted" is the cgroup's refusal whether or not a loop driver is there (a machine's own
  // policy may keep even the host's root from its disks; runc's container is refused the same).
  test.each([
    ["no linux.resources.devices", undefined],
    ["only allow rules", [{ allow: true, type: "c", major: 1, minor: 5, access: "rwm" }]],
  ])(
    "%s: a root with every capability cannot open a node it makes of a host's block device",
    (_, devices) => {
      const b = bundle(["sh", "-c", "mknod /dev/disk b 7 0 && head -c 1 /dev/disk | wc -c"], (s) => {
        s.process!.capabilities = { bounding: hostCaps(), effective: hostCaps(), permitted: hostCaps() };
        s.linux!.resources = { ...s.linux!.resources, devices: devices as never };
        if (!devices) delete s.linux!.resources.devices;
      });
      const r = lxcri(["run", "--bundle", b, `devs-disk-${devices ? "allow" : "none"}`]);
      expect(r.stdout + r.stderr).toContain("Operation not permitted");
    },
    60_000,
  );
});
