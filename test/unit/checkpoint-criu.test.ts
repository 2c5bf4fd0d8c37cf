// The CRIU command lines of checkpoint and restore (src/container/checkpoint/): runc's flags
// become CRIU's, unsupported ones are refused by name, external mounts and namespaces get
// runc's image names, and restore inherits only pipes from descriptors.json.
import { describe, expect, test } from "bun:test";
import { dumpArgs, emptyNs, inheritKey, manageCgroups, refuseUnsupported, restoreArgs } from "../../src/container/checkpoint/criu-args.ts";
import { criuErrors } from "../../src/container/checkpoint/criu.ts";
import { externalMounts, parseMountInfo } from "../../src/container/checkpoint/mounts.ts";
import { checkSpec } from "../../src/container/checkpoint/support.ts";
import type { Spec } from "../../src/spec/types.ts";

const facts = { pid: 42, imagePath: "/img", workPath: "/work", externalMounts: [], externalNs: {} };

describe("criu dump arguments", () => {
  test("runc's defaults: the tree, the directories, the log, cgroups managed (soft)", () => {
    expect(dumpArgs({}, facts)).toEqual([
      "dump",
      "--tree",
      "42",
      "--images-dir",
      "/img",
      "--work-dir",
      "/work",
      "--log-file",
      "dump.log",
      "-v4",
      "--manage-cgroups",
    ]);
  });

  test("each boolean flag becomes CRIU's option", () => {
    const a = dumpArgs(
      { leaveRunning: true, tcpEstablished: true, extUnixSk: true, shellJob: true, fileLocks: true, autoDedup: true },
      facts,
    );
    for (const o of ["--leave-running", "--tcp-established", "--ext-unix-sk", "--shell-job", "--file-locks", "--auto-dedup"])
      expect(a).toContain(o);
  });

  test("--pre-dump tracks memory and leaves the mounts out; --parent-path names the previous images", () => {
    const pre = dumpArgs(
      { preDump: true, leaveRunning: true },
      { ...facts, externalMounts: [{ destination: "/a", key: "/a", source: "/h" }] },
    );
    expect(pre[0]).toBe("pre-dump");
    expect(pre).toContain("--track-mem");
    expect(pre).not.toContain("--leave-running");
    expect(pre).not.toContain("--ext-mount-map");
    const full = dumpArgs({ parentPath: "../pre" }, facts);
    expect(full.join(" ")).toContain("--prev-images-dir ../pre --track-mem");
  });

  test("external mounts by their image name, namespaces joined by path under runc's keys", () => {
    const a = dumpArgs(
      {},
      {
        ...facts,
        externalMounts: [
          { destination: "/data", key: "/data", source: "/srv/data" },
          { destination: "/proc/kcore", key: "/dev/null", source: "/dev/null" },
        ],
        externalNs: { network: "4026532000", pid: "4026532001" },
      },
    ).join(" ");
    expect(a).toContain("--ext-mount-map /data:/data");
    expect(a).toContain("--ext-mount-map /proc/kcore:/dev/null");
    expect(a).toContain("--external net[4026532000]:extRootNetNS");
    expect(a).toContain("--external pid[4026532001]:extRootPidNS");
  });

  test("--manage-cgroups-mode and --empty-ns are checked", () => {
    expect(manageCgroups("full")).toBe("--manage-cgroups=full");
    expect(manageCgroups(undefined)).toBe("--manage-cgroups");
    expect(() => manageCgroups("bogus")).toThrow("--manage-cgroups-mode");
    expect(emptyNs(["network"])).toEqual(["--empty-ns", "net"]);
    expect(() => emptyNs(["pid"])).toThrow('only "network"');
  });

  test("an unsupported flag is refused with its name; one not given is not", () => {
    expect(() => refuseUnsupported({ "lazy-pages": true }, ["lazy-pages", "status-fd"])).toThrow("--lazy-pages is not supported");
    expect(() => refuseUnsupported({ "status-fd": "3" }, ["lazy-pages", "status-fd"])).toThrow("--status-fd");
    expect(() => refuseUnsupported({ "lazy-pages": false, "status-fd": undefined }, ["lazy-pages", "status-fd"])).not.toThrow();
  });
});

describe("criu restore arguments", () => {
  const r = {
    imagePath: "/img",
    workPath: "/work",
    root: "/run/x/criu-root",
    pidFile: "/run/x/criu.pid",
    cgroupRoot: "/machine.slice/libpod-1.scope",
    externalMounts: [],
    externalNs: {},
    inherit: [],
  };

  test("detached, into the rootfs and the container's cgroup, with the pidfile", () => {
    const a = restoreArgs({}, r).join(" ");
    expect(a).toStartWith("restore --images-dir /img --work-dir /work --log-file restore.log -v4");
    expect(a).toContain("--root /run/x/criu-root --restore-detached --pidfile /run/x/criu.pid");
    expect(a).toContain("--cgroup-root /machine.slice/libpod-1.scope");
    expect(a).not.toContain("--mntns-compat-mode");
    expect(restoreArgs({}, { ...r, mntnsCompat: true })).toContain("--mntns-compat-mode");
  });

  test("mounts mapped from their image name to the host source (masks once); namespaces and pipes inherited", () => {
    const a = restoreArgs(
      { tcpEstablished: true },
      {
        ...r,
        externalMounts: [
          { destination: "/data", key: "/data", source: "/srv/data" },
          { destination: "/dev/null", key: "/dev/null", source: "/dev/null" },
          { destination: "/proc/kcore", key: "/dev/null", source: "/dev/null" },
        ],
        externalNs: { network: 3 },
        inherit: [undefined, "pipe:[77]", "pipe:[78]"],
      },
    ).join(" ");
    expect(a).toContain("--ext-mount-map /data:/srv/data");
    expect(a.match(/--ext-mount-map \/dev\/null:\/dev\/null/g)).toHaveLength(1);
    expect(a).toContain("--inherit-fd fd[3]:extRootNetNS");
    expect(a).toContain("--inherit-fd fd[1]:pipe:[77] --inherit-fd fd[2]:pipe:[78]");
    expect(a).not.toContain("fd[0]");
    expect(a).toContain("--tcp-established");
  });

  test("descriptors.json: only pipes are inherited (as runc)", () => {
    expect(inheritKey("pipe:[123]")).toBe("pipe:[123]");
    expect(inheritKey("/dev/null")).toBeUndefined();
    expect(inheritKey("pipe:[1] --root /")).toBeUndefined();
    expect(inheritKey(5)).toBeUndefined();
  });
});

describe("external mounts", () => {
  const spec = {
    mounts: [
      { destination: "/proc", type: "proc", source: "proc" },
      { destination: "/dev", type: "tmpfs", source: "tmpfs" },
      { destination: "/data", type: "bind", source: "/srv/data" },
      { destination: "/etc/hosts", type: "none", source: "hosts", options: ["rbind", "ro"] },
    ],
    linux: { maskedPaths: ["/proc/kcore", "/proc/acpi"] },
  } as unknown as Spec;
  const info = parseMountInfo(
    [
      "100 99 0:5 / /proc rw - proc proc rw",
      "101 99 0:6 / /dev rw - tmpfs tmpfs rw",
      "102 101 0:7 /null /dev/null rw - devtmpfs udev rw",
      "103 99 8:1 /srv/data /data rw - ext4 /dev/sda1 rw",
      "104 99 8:1 /b/hosts /etc/hosts ro - ext4 /dev/sda1 rw",
      "105 100 0:7 /null /proc/kcore rw - devtmpfs udev rw",
      "106 100 0:8 / /proc/acpi ro - tmpfs tmpfs ro",
      "107 99 8:1 /a\\040b /with\\040space rw - ext4 /dev/sda1 rw",
    ].join("\n"),
  );

  test("mountinfo: root, mount point (unescaped), type", () => {
    expect(info).toHaveLength(8);
    expect(info[7]).toEqual({ root: "/a b", mountPoint: "/with space", fstype: "ext4" });
  });

  test("at dump: bind mounts by destination, the default devices present, masked files (not masked directories)", () => {
    expect(externalMounts(spec, "/b", info)).toEqual([
      { destination: "/dev/null", key: "/dev/null", source: "/dev/null" },
      { destination: "/data", key: "/data", source: "/srv/data" },
      { destination: "/etc/hosts", key: "/etc/hosts", source: "/b/hosts" },
      { destination: "/proc/kcore", key: "/dev/null", source: "/dev/null" },
    ]);
  });

  test("at restore: every one the image may name", () => {
    const all = externalMounts(spec, "/b");
    expect(all.map((m) => m.destination)).toEqual([
      "/dev/null",
      "/dev/zero",
      "/dev/full",
      "/dev/random",
      "/dev/urandom",
      "/dev/tty",
      "/data",
      "/etc/hosts",
    ]);
  });
});

test("CRIU's log: its first errors, without timestamps", () => {
  const log =
    "(00.000100) Version: 3.17\n(00.001) Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds\n(00.002) Error (criu/kerndat.c:1615): kerndat failed\n";
  expect(criuErrors(log)).toBe(
    "Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds; Error (criu/kerndat.c:1615): kerndat failed",
  );
  expect(criuErrors("(00.1) all good\n")).toBe("");
});

describe("what checkpoint and restore refuse in the config", () => {
  const base = { ociVersion: "1.0.2", root: { path: "rootfs" }, process: { args: ["sh"], cwd: "/" } } as unknown as Spec;
  test("a terminal, an id-mapped mount, moved network devices, an ipc/uts/user namespace joined by path: named", () => {
    expect(() => checkSpec({ ...base, process: { ...base.process, terminal: true } })).toThrow("process.terminal");
    expect(() => checkSpec({ ...base, mounts: [{ destination: "/d", type: "bind", source: "/s", options: ["idmap"] }] })).toThrow(
      "mounts[0]",
    );
    expect(() => checkSpec({ ...base, linux: { netDevices: { eth1: {} } } } as unknown as Spec)).toThrow("linux.netDevices");
    for (const type of ["ipc", "uts", "user", "mount", "cgroup"])
      expect(() =>
        checkSpec({ ...base, linux: { namespaces: [{ type: "pid" }, { type, path: "/proc/1/ns/x" }] } } as unknown as Spec),
      ).toThrow("linux.namespaces[1]");
  });
  test("network and pid namespaces joined by path, and plain configs, pass", () => {
    expect(() => checkSpec(base)).not.toThrow();
    expect(() =>
      checkSpec({
        ...base,
        linux: {
          namespaces: [
            { type: "network", path: "/run/netns/a" },
            { type: "pid", path: "/proc/9/ns/pid" },
          ],
        },
      } as unknown as Spec),
    ).not.toThrow();
  });
});
