// Linux fields liblxc has no working key for, proven on real containers: the
// time namespace's offsets (liblxc), personality, scheduler, I/O priority and
// memory policy (init's exec step), and the root's propagation (init, after
// liblxc made it rshared).
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, state, tempDir, testRoot } from "../helpers.ts";
import type { Linux, Spec } from "../../src/spec/types.ts";

const root = testRoot("linux");
afterAll(() => cleanupRoot(root));

const uptime = (text: string) => Number(text.split(" ")[0]);

describe.skipIf(!canRunContainers)("Linux process and namespace fields (real containers)", () => {
  test("a time namespace with offsets: the container's boot and monotonic clocks are shifted", () => {
    const day = 86400;
    const b = bundle(["sh", "-c", "cat /proc/self/timens_offsets /proc/uptime"], (s) => {
      s.linux!.namespaces!.push({ type: "time" });
      s.linux!.timeOffsets = { boottime: { secs: 10 * day }, monotonic: { secs: day } };
    });
    const hostUptime = uptime(readFileSync("/proc/uptime", "utf8"));
    const r = lxcri(root, ["run", "--bundle", b, "time1"]);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(
      lines
        .slice(0, 2)
        .map((l) => l.split(/\s+/).join(" "))
        .sort(),
    ).toEqual([`boottime ${10 * day} 0`, `monotonic ${day} 0`]);
    const inside = uptime(lines[2]!);
    expect(inside - hostUptime).toBeGreaterThanOrEqual(10 * day);
    expect(inside - hostUptime).toBeLessThan(10 * day + 60);
    expect(leftovers(root, "time1")).toEqual([]);
  });

  test("linux.personality LINUX32: uname -m says i686", () => {
    const b = bundle(["uname", "-m"], (s) => (s.linux!.personality = { domain: "LINUX32" }));
    const r = lxcri(root, ["run", "--bundle", b, "pers1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("i686\n");
  });

  test("process.scheduler and process.ioPriority are the process's", () => {
    // /proc/self/stat: field 19 is nice, 41 the policy (3 = SCHED_BATCH); busybox ionice prints the class
    const b = bundle(["sh", "-c", "cut -d' ' -f19,41 /proc/self/stat; ionice -p $$"], (s) => {
      s.process!.scheduler = { policy: "SCHED_BATCH", nice: 7 };
      s.process!.ioPriority = { class: "IOPRIO_CLASS_BE", priority: 6 };
    });
    const r = lxcri(root, ["run", "--bundle", b, "sched1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("7 3\nbest-effort: prio 6\n");
  });

  test("a real-time scheduler needs CAP_SYS_NICE init still has, even for a process without it", () => {
    const b = bundle(["sh", "-c", "cut -d' ' -f18,41 /proc/self/stat"], (s) => {
      s.process!.scheduler = { policy: "SCHED_RR", priority: 3 };
      s.process!.capabilities = {};
      // With RT group scheduling (cgroup v1) a new cgroup has no real-time budget until given one.
      if (existsSync("/sys/fs/cgroup/cpu/cpu.rt_runtime_us"))
        s.linux!.resources = { ...s.linux!.resources, cpu: { realtimeRuntime: 10000 } };
    });
    const r = lxcri(root, ["run", "--bundle", b, "sched2"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("-4 2\n"); // prio field is -1 - rt_priority; policy 2 = SCHED_RR
  });

  test("linux.memoryPolicy: the process's mappings are bound to node 0", () => {
    const b = bundle(["sh", "-c", "grep -c bind:0 /proc/self/numa_maps"], (s) => {
      s.linux!.memoryPolicy = { mode: "MPOL_BIND", nodes: "0" };
    });
    const r = lxcri(root, ["run", "--bundle", b, "numa1"]);
    expect(r.stderr).toBe("");
    expect(Number(r.stdout)).toBeGreaterThan(0);
  });

  test("a value the kernel refuses fails (create, as runc: init applies it before READY) with the field named, and nothing is left behind", () => {
    const b = bundle(["true"], (s) => (s.linux!.memoryPolicy = { mode: "MPOL_BIND", nodes: "1000" }));
    const r = lxcri(root, ["create", "--bundle", b, "numa2"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("set_mempolicy (linux.memoryPolicy)");
    lxcri(root, ["delete", "--force", "numa2"]);
    expect(leftovers(root, "numa2")).toEqual([]);
  });

  // runtime-tools' check: bind / (recursively) at /t, then mount at /m; /t/m shows it only if / is shared.
  const propagation = (mode: string) => (s: Spec) => {
    s.root!.readonly = false;
    s.linux!.rootfsPropagation = mode as Linux["rootfsPropagation"];
    const caps = [...s.process!.capabilities!.bounding!, "CAP_SYS_ADMIN"];
    s.process!.capabilities = { bounding: caps, effective: caps, permitted: caps };
  };
  const script =
    "mkdir -p /t /m /s && touch /s/f && (mount -o rbind / /t || echo refused) && mount -o bind /s /m && (test -e /t/m/f && echo exposed || echo hidden)";

  test.each([
    ["shared", "exposed\n"],
    ["slave", "hidden\n"],
    ["private", "hidden\n"],
    ["rprivate", "hidden\n"],
  ])("rootfsPropagation %s", (mode, expected) => {
    const b = bundle(["sh", "-c", script], propagation(mode));
    const r = lxcri(root, ["run", "--bundle", b, `prop-${mode}`]);
    expect(r.stdout).toBe(expected);
    expect(leftovers(root, `prop-${mode}`)).toEqual([]);
  });

  test("rootfsPropagation unbindable: / cannot be bound", () => {
    const b = bundle(
      ["sh", "-c", "mkdir -p /t && mount -o rbind / /t 2>/dev/null && echo bound || echo refused"],
      propagation("unbindable"),
    );
    const r = lxcri(root, ["run", "--bundle", b, "prop-unbindable"]);
    expect(r.stdout).toBe("refused\n");
  });

  test("rro makes every mount below the destination read-only; ro only the top one", () => {
    // the host's /sys bound recursively twice: its submounts (cgroup, ...) come along
    const b = bundle(
      [
        "sh",
        "-c",
        "for d in /rro /ro; do grep \" $d\" /proc/self/mountinfo | cut -d' ' -f6 | cut -d, -f1 | sort -u | tr '\\n' ' '; echo; done",
      ],
      (s) => {
        s.mounts!.push({ destination: "/rro", type: "bind", source: "/sys", options: ["rbind", "rro"] });
        s.mounts!.push({ destination: "/ro", type: "bind", source: "/sys", options: ["rbind", "ro"] });
      },
    );
    const r = lxcri(root, ["run", "--bundle", b, "rro1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("ro \nro rw \n");
    expect(leftovers(root, "rro1")).toEqual([]);
  });

  describe("a Bidirectional volume as Kubernetes makes it ([rbind, rshared, rw], rootfsPropagation rshared)", () => {
    // a host tmpfs made shared, as kubelet's volume directories are
    const host = tempDir("shared-vol");
    const mounted: string[] = [];
    const mount = (args: string[]) => expect(Bun.spawnSync(["mount", ...args], { stderr: "pipe" }).exitCode).toBe(0);
    // of the mount a path shows: the last one mountinfo lists there (liblxc's bind is below the clone)
    const peerGroup = (mountinfo: string, at: string) => {
      const line = mountinfo.split("\n").findLast((l) => l.split(" ")[4] === at);
      return line?.split(" - ")[0]!.split(" ").slice(6).join(" ");
    };
    afterAll(() => {
      for (const m of mounted.reverse()) Bun.spawnSync(["umount", "-l", m]);
      rmSync(host, { recursive: true, force: true });
    });

    for (const [name, user] of [
      ["", false],
      [", also with a user namespace", true],
    ] as const)
      test(`it is in the host's peer group: mounts propagate both ways${name}`, () => {
        const id = user ? "bidir-userns" : "bidir";
        const src = join(host, user ? "v2" : "v1");
        mkdirSync(src);
        mount(["-t", "tmpfs", "-o", "size=1m", "vol", src]);
        mounted.push(src);
        mount(["--make-shared", src]);
        const b = bundle(["sleep", "60"], (s) => {
          s.mounts!.push({ destination: "/data/vol", type: "bind", source: src, options: ["rbind", "rshared", "rw"] });
          s.linux!.rootfsPropagation = "rshared";
          // mount(8) inside needs CAP_SYS_ADMIN (a privileged pod's)
          s.process!.capabilities = { bounding: ["CAP_SYS_ADMIN"], effective: ["CAP_SYS_ADMIN"], permitted: ["CAP_SYS_ADMIN"] };
          if (user) {
            s.linux!.namespaces!.push({ type: "user" });
            s.linux!.uidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
            s.linux!.gidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
          }
        });
        chmodSync(b, 0o755); // the user namespace's root reads the rootfs
        const created = lxcri(root, ["create", "--bundle", b, id]);
        expect(created.stderr).toBe("");
        expect(created.code).toBe(0);
        expect(lxcri(root, ["start", id]).code).toBe(0);
        const pid = state(root, id).pid;
        // runc's result: the volume is in the host's own peer group ("shared:M"), not "shared:N master:M"
        const hostGroup = peerGroup(readFileSync("/proc/self/mountinfo", "utf8"), src);
        expect(hostGroup).toMatch(/^shared:\d+$/);
        expect(peerGroup(readFileSync(`/proc/${pid}/mountinfo`, "utf8"), "/data/vol")).toBe(hostGroup);
        // container → host (as a user namespace's root, mount(8) is allowed only in the container's
        // own mount namespace: the mount still propagates to its peers, the host's among them)
        const inner = lxcri(root, [
          "exec",
          id,
          "sh",
          "-c",
          "mkdir -p /data/vol/in && mount -t tmpfs -o size=1m inner /data/vol/in && echo in > /data/vol/in/f",
        ]);
        expect(inner.stderr).toBe("");
        expect(inner.code).toBe(0);
        mounted.push(join(src, "in"));
        expect(readFileSync(join(src, "in", "f"), "utf8")).toBe("in\n");
        // host → container
        mkdirSync(join(src, "out"));
        mount(["-t", "tmpfs", "-o", "size=1m", "outer", join(src, "out")]);
        mounted.push(join(src, "out"));
        writeFileSync(join(src, "out", "g"), "out\n");
        expect(lxcri(root, ["exec", id, "cat", "/data/vol/out/g"]).stdout).toBe("out\n");
        expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
        expect(leftovers(root, id)).toEqual([]);
      });

    test("a mount below a shared bind mount is refused (it would be hidden), naming both fields", () => {
      const b = bundle(["true"], (s) => {
        s.mounts!.push({ destination: "/data", type: "bind", source: host, options: ["rbind", "rshared"] });
        s.mounts!.push({ destination: "/data/x", type: "tmpfs", source: "tmpfs" });
        s.linux!.rootfsPropagation = "rshared";
      });
      const r = lxcri(root, ["create", "--bundle", b, "bidir-below"]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("mounts[8].destination: is at or below mounts[7].destination");
      expect(leftovers(root, "bidir-below")).toEqual([]);
    });
  });
});
