// The security context init's exec step applies right before execve, read back by
// the user process from /proc/self/status: seccomp (with its errno), all five
// capability sets, the user and groups, no_new_privs, rlimits, umask; and the
// runtime's files gone from the container.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, closeSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, tempDir, testRoot } from "../helpers.ts";

const root = testRoot("security");
afterAll(() => cleanupRoot(root));

const statusLine = (out: string, key: string) =>
  out
    .split("\n")
    .find((l) => l.startsWith(key + ":"))
    ?.split(/\s+/)[1];
const capMask = (caps: number[]) =>
  caps
    .reduce((m, c) => m | (1n << BigInt(c)), 0n)
    .toString(16)
    .padStart(16, "0");

describe.skipIf(!canRunContainers)("security context (real containers)", () => {
  test("seccomp: a blocked syscall returns the configured errno, an allowed one works, the filter is in force", () => {
    // `env pwd` runs busybox's pwd as its own process, which calls getcwd (the shell builtin would not)
    const b = bundle(["sh", "-c", "env pwd; grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status"], (s) => {
      s.linux!.seccomp = {
        defaultAction: "SCMP_ACT_ALLOW",
        // busybox pwd uses getcwd; EACCES = 13
        syscalls: [
          { names: ["getcwd"], action: "SCMP_ACT_ERRNO", errnoRet: 13 },
          { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 1 },
        ],
      };
    });
    const r = lxcri(root, ["run", "--bundle", b, "sc1"]);
    expect(r.stderr).toContain("Permission denied");
    expect(statusLine(r.stdout, "Seccomp")).toBe("2");
    expect(statusLine(r.stdout, "NoNewPrivs")).toBe("1");
    expect(leftovers(root, "sc1")).toEqual([]);
  });

  test("seccomp: argument conditions are ANDed within a rule", () => {
    // Blocks write(fd == 1 AND count > 1000) with EIO: a short write to stdout passes, a long one does not.
    const b = bundle(["sh", "-c", "echo ok; head -c 2000 /dev/zero"], (s) => {
      s.linux!.seccomp = {
        defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [
          {
            names: ["write"],
            action: "SCMP_ACT_ERRNO",
            errnoRet: 5,
            args: [
              { index: 0, value: 1, op: "SCMP_CMP_EQ" },
              { index: 2, value: 1000, op: "SCMP_CMP_GT" },
            ],
          },
        ],
      };
    });
    const r = lxcri(root, ["run", "--bundle", b, "sc2"]);
    expect(r.stdout).toBe("ok\n");
    expect(r.stderr).toContain("Input/output error");
  });

  test("capabilities: all five sets exactly as configured, for root", () => {
    const set = ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"];
    const b = bundle(["grep", "^Cap", "/proc/self/status"], (s) => {
      s.process!.capabilities = { bounding: set, effective: set, permitted: set, inheritable: set, ambient: set };
    });
    const r = lxcri(root, ["run", "--bundle", b, "cap1"]);
    const mask = capMask([0, 5, 10]);
    for (const k of ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"]) expect({ k, v: statusLine(r.stdout, k) }).toEqual({ k, v: mask });
  });

  test("a non-root user with ambient capabilities, groups and umask", () => {
    const set = ["CAP_NET_BIND_SERVICE"];
    const b = bundle(["sh", "-c", "id; umask; grep -E '^Cap(Eff|Amb|Bnd)' /proc/self/status"], (s) => {
      s.process!.user = { uid: 1000, gid: 1000, additionalGids: [5, 6], umask: 0o027 };
      s.process!.capabilities = { bounding: set, effective: set, permitted: set, inheritable: set, ambient: set };
      s.process!.noNewPrivileges = false;
    });
    const r = lxcri(root, ["run", "--bundle", b, "user1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("uid=1000 gid=1000 groups=5,6");
    expect(r.stdout).toContain("0027");
    const mask = capMask([10]);
    for (const k of ["CapEff", "CapAmb", "CapBnd"]) expect({ k, v: statusLine(r.stdout, k) }).toEqual({ k, v: mask });
  });

  test("seccomp without no_new_privs, as a non-root user (the filter is loaded before the capabilities go)", () => {
    const b = bundle(["sh", "-c", "id -u; grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status"], (s) => {
      s.process!.user = { uid: 65534, gid: 65534 };
      s.process!.capabilities = {};
      s.process!.noNewPrivileges = false;
      s.linux!.seccomp = { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["kexec_load"], action: "SCMP_ACT_KILL_PROCESS" }] };
    });
    const r = lxcri(root, ["run", "--bundle", b, "sc3"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("65534\nNoNewPrivs:\t0\nSeccomp:\t2\n");
  });

  test("rlimits bind the process exactly, including limits init itself could not run under", () => {
    const b = bundle(["sh", "-c", "ulimit -n; ulimit -Hn; ulimit -v"], (s) => {
      s.process!.rlimits = [
        { type: "RLIMIT_NOFILE", soft: 3000, hard: 4000 },
        { type: "RLIMIT_AS", soft: 1 << 30, hard: 1 << 30 },
      ];
    });
    const r = lxcri(root, ["run", "--bundle", b, "rl1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`3000\n4000\n${(1 << 30) / 1024}\n`);
  });

  test("a user namespace whose root is an unprivileged host uid", () => {
    const b = bundle(["sh", "-c", "id -u; cat /proc/self/uid_map; sleep 30"], (s) => {
      s.linux!.namespaces!.push({ type: "user" });
      s.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    });
    chmodSync(b, 0o755); // the mapped root must reach the rootfs, as with any runtime
    const outDir = tempDir("userns");
    chmodSync(outDir, 0o777);
    const out = join(outDir, "out");
    const fd = openSync(out, "w");
    expect(lxcri(root, ["create", "--bundle", b, "uns1"], { stdout: fd }).code).toBe(0);
    expect(lxcri(root, ["start", "uns1"], { stdout: fd }).code).toBe(0);
    closeSync(fd);
    const pid = JSON.parse(lxcri(root, ["state", "uns1"]).stdout).pid;
    // root inside, host uid 100000 outside
    expect(readFileSync(`/proc/${pid}/status`, "utf8")).toMatch(/^Uid:\t100000\t100000\t100000\t100000$/m);
    expect(lxcri(root, ["delete", "--force", "uns1"]).code).toBe(0);
    expect(
      readFileSync(out, "utf8")
        .split("\n")
        .slice(0, 2)
        .map((l) => l.trim().split(/\s+/).join(" ")),
    ).toEqual(["0", "0 100000 65536"]);
    expect(leftovers(root, "uns1")).toEqual([]);
  });

  test("hostname, domainname and a namespaced sysctl are set in the container only", () => {
    const b = bundle(["sh", "-c", "hostname; cat /proc/sys/kernel/domainname /proc/sys/net/ipv4/ip_forward"], (s) => {
      s.hostname = "box";
      s.domainname = "example.org";
      s.linux!.sysctl = { "net.ipv4.ip_forward": "1" };
      s.linux!.readonlyPaths = s.linux!.readonlyPaths!.filter((p) => p !== "/proc/sys");
    });
    const hostForward = readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8");
    const r = lxcri(root, ["run", "--bundle", b, "uts1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("box\nexample.org\n1\n");
    expect(readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8")).toBe(hostForward);
  });

  test("the runtime's environment does not leak into the process, and /.lxcri is gone", () => {
    const b = bundle(
      ["sh", "-c", "env; grep -c ' /.lxcri' /proc/self/mountinfo; ls -A /.lxcri 2>/dev/null | wc -l"],
      (s) => (s.process!.env = ["PATH=/bin", "ONLY=this"]),
    );
    const r = lxcri(root, ["run", "--bundle", b, "env2"], { env: { LXCRI_SECRET: "must-not-leak" } });
    expect(r.stdout).not.toContain("LXCRI_SECRET");
    expect(r.stdout).not.toContain("container=lxc");
    expect(r.stdout).toContain("ONLY=this");
    expect(r.stdout.trim().split("\n").slice(-2)).toEqual(["0", "0"]);
  });
});

describe.skipIf(!canRunContainers)("the runtime's files in the container, and hostile paths (real containers)", () => {
  test("a created container has nothing of the runtime mounted, and init holds no runtime file but its own, sealed", () => {
    const b = bundle(["sleep", "30"]);
    expect(lxcri(root, ["create", "--bundle", b, "ro1"]).code).toBe(0);
    const pid = JSON.parse(lxcri(root, ["state", "ro1"]).stdout).pid;
    const mounts = readFileSync(`/proc/${pid}/mountinfo`, "utf8");
    expect(mounts).not.toContain("/.lxcri");
    expect(mounts).not.toContain(root);
    // init's executable: the installed lxcri-init, on a read-only detached mount (EROFS to any writer)
    expect(readFileSync(`/proc/${pid}/status`, "utf8")).toMatch(/^NSpid:\s+\d+\s+1$/m);
    const fds = readdirSync(`/proc/${pid}/fd`).map((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`));
    // stdio, and the channel and its peer: sockets only
    expect(fds.filter((t) => !t.startsWith("socket:") && !t.startsWith("/dev/") && !t.startsWith("/tmp/"))).toEqual([]);
    expect(lxcri(root, ["start", "ro1"]).code).toBe(0);
    expect(lxcri(root, ["delete", "--force", "ro1"]).code).toBe(0);
  });

  test("linux.devices: the nodes exist with their type, numbers, mode and owner", () => {
    const b = bundle(["sh", "-c", "stat -c '%F %t:%T %a %u:%g' /dev/test1 /dev/test2 /dev/sub/test3"], (s) => {
      s.linux!.devices = [
        { path: "/dev/test1", type: "c", major: 10, minor: 666, fileMode: 0o660, uid: 1, gid: 2 },
        { path: "/dev/test2", type: "b", major: 8, minor: 300, fileMode: 0o600 },
        { path: "/dev/sub/test3", type: "p", fileMode: 0o644 },
      ];
    });
    const r = lxcri(root, ["run", "--bundle", b, "dev1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("character special file a:29a 660 1:2\nblock special file 8:12c 600 0:0\nfifo 0:0 644 0:0\n");
    expect(leftovers(root, "dev1")).toEqual([]);
  });

  test("a FIFO in maskedPaths reads as /dev/null; one in readonlyPaths is mounted read-only", () => {
    const b = bundle(
      ["sh", "-c", "cat /masked-fifo; echo read-done; grep -E ' /(masked|ro)-fifo ' /proc/self/mountinfo | cut -d' ' -f5,6"],
      (s) => {
        s.linux!.maskedPaths = ["/masked-fifo"];
        s.linux!.readonlyPaths = ["/ro-fifo"];
      },
    );
    for (const f of ["masked-fifo", "ro-fifo"]) expect(Bun.spawnSync(["mkfifo", join(b, "rootfs", f)]).exitCode).toBe(0);
    const r = lxcri(root, ["run", "--bundle", b, "fifo1"]);
    expect(r.stderr).toBe("");
    const [done, ...lines] = r.stdout.trim().split("\n");
    const masked = lines.find((l) => l.startsWith("/masked-fifo "));
    const ro = lines.find((l) => l.startsWith("/ro-fifo "));
    expect(done).toBe("read-done");
    expect(masked).toStartWith("/masked-fifo ");
    expect(ro).toMatch(/^\/ro-fifo ro,/);
    expect(leftovers(root, "fifo1")).toEqual([]);
  });

  test("a mount destination through a symlink to a host path stays inside the rootfs; the host is untouched", () => {
    const b = bundle(["sh", "-c", "grep -c ' /escape' /proc/self/mountinfo"], (s) =>
      s.mounts!.push({ destination: "/escape/x", type: "tmpfs", source: "tmpfs" }),
    );
    const outside = tempDir("outside");
    symlinkSync(outside, join(b, "rootfs", "escape"));
    const rootTmp = readdirSync(join(b, "rootfs", "tmp"));
    const r = lxcri(root, ["run", "--bundle", b, "esc1"]);
    expect(r.stderr).toBe("");
    // the tmpfs is on <rootfs><outside>/x, not on the host's <outside>/x
    expect(r.stdout.trim().split("\n")[0]).toBe("0");
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(join(b, "rootfs", "tmp"))).toEqual(rootTmp);
    expect(leftovers(root, "esc1")).toEqual([]);
  });

  test("a bundle that is a symlink, and a rootfs that is a symlink to another directory, work", () => {
    const real = bundle(["sh", "-c", "echo via-symlinks"]);
    const link = join(tempDir("links"), "bundle");
    symlinkSync(real, link);
    const moved = join(tempDir("moved"), "rootfs");
    renameSync(join(real, "rootfs"), moved);
    symlinkSync(moved, join(real, "rootfs"));
    const r = lxcri(root, ["run", "--bundle", link, "lnk1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("via-symlinks\n");
    expect(leftovers(root, "lnk1")).toEqual([]);
  });
});
