// The Linux fields liblxc has no (working) key for, checked (src/spec) and
// then translated (src/lxc), both pure: the time namespace and its offsets,
// personality, I/O priority, scheduler, memory policy, execCPUAffinity and
// the root's propagation.
import { describe, expect, test } from "bun:test";
import { features } from "../../src/features.ts";
import { recursiveAttrs } from "../../src/lxc/mount-attrs.ts";
import { processAttrs } from "../../src/lxc/process-attrs.ts";
import { processPlan } from "../../src/lxc/process-plan.ts";
import { rootPropagation, translate } from "../../src/lxc/translate.ts";
import { defaultSpec } from "../../src/spec/default.ts";
import { listNumbers } from "../../src/spec/lists.ts";
import type { Spec } from "../../src/spec/types.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import { errorOf } from "./error-of.ts";
import { translateContext } from "./translate-context.ts";

const ctx = translateContext({ stat: (p) => (p === "/data" ? "dir" : "missing") });
/** The default spec, edited, as the checker leaves it (edits may set wrong values on purpose: `as never`). */
const spec = (edit: (s: Spec) => void): Spec => {
  const s = defaultSpec(["true"]);
  edit(s);
  return validateSpec(s);
};
const attrsOf = (edit: (s: Spec) => void) => {
  const s = spec(edit);
  return processAttrs(s.process, s.linux);
};
const tr = (edit: (s: Spec) => void) => translate(spec(edit), ctx);
const values = (s: Spec, key: string) =>
  translate(s, ctx)
    .items.filter(([k]) => k === key)
    .map(([, v]) => v);
const withTime = (s: Spec) => s.linux!.namespaces!.push({ type: "time" });

describe("time namespace", () => {
  test("a new time namespace is cloned; one with a path is joined", () => {
    expect(values(spec(withTime), "lxc.namespace.clone")[0]).toEndWith(" time");
    expect(
      values(
        spec((s) => s.linux!.namespaces!.push({ type: "time", path: "/proc/9/ns/time" })),
        "lxc.namespace.share.time",
      ),
    ).toEqual(["/proc/9/ns/time"]);
  });

  test("offsets in whole seconds or in nanoseconds below a second", () => {
    const s = spec((s) => {
      withTime(s);
      s.linux!.timeOffsets = { boottime: { secs: 86400 }, monotonic: { secs: 0, nanosecs: 500 } };
    });
    expect(values(s, "lxc.time.offset.boot")).toEqual(["86400s"]);
    expect(values(s, "lxc.time.offset.monotonic")).toEqual(["500ns"]);
    expect(
      values(
        spec((s) => (withTime(s), (s.linux!.timeOffsets = { monotonic: { secs: -30 } }))),
        "lxc.time.offset.monotonic",
      ),
    ).toEqual(["-30s"]);
  });

  test("offsets liblxc cannot set exactly, or without a new time namespace, are errors naming the field", () => {
    expect(errorOf(() => tr((s) => (s.linux!.timeOffsets = { monotonic: { secs: 1 } })))).toBe(
      "config.json: linux.timeOffsets: needs a new time namespace in linux.namespaces",
    );
    expect(errorOf(() => tr((s) => (withTime(s), (s.linux!.timeOffsets = { monotonic: { secs: 1, nanosecs: 5 } }))))).toContain(
      'linux.timeOffsets["monotonic"]: liblxc sets an offset in whole seconds or in nanoseconds below one second, not both',
    );
    expect(errorOf(() => tr((s) => (withTime(s), (s.linux!.timeOffsets = { realtime: { secs: 1 } } as never))))).toContain(
      'linux.timeOffsets["realtime"]: unknown clock',
    );
    expect(errorOf(() => tr((s) => (withTime(s), (s.linux!.timeOffsets = { boottime: { nanosecs: 1e9 } }))))).toContain(
      'linux.timeOffsets["boottime"].nanosecs: 1000000000 is out of range',
    );
    expect(
      errorOf(() =>
        tr((s) => {
          s.linux!.namespaces!.push({ type: "time", path: "/proc/1/ns/time" });
          s.linux!.timeOffsets = { boottime: { secs: 1 } };
        }),
      ),
    ).toContain("cannot set offsets of the time namespace joined by linux.namespaces[6].path");
  });
});

describe("process attributes for the confining step", () => {
  const attrs = (edit: (s: Spec) => void) => {
    const s = spec(edit);
    return processPlan(s.process!, s.linux, { lastCap: 40, warn: () => {} }).attrs;
  };
  test("personality: LINUX32 is PER_LINUX32; flags are refused", () => {
    expect(attrs((s) => (s.linux!.personality = { domain: "LINUX32" }))).toEqual({ personality: 8 });
    expect(attrs((s) => (s.linux!.personality = { domain: "LINUX" }))).toEqual({ personality: 0 });
    expect(errorOf(() => attrs((s) => (s.linux!.personality = { domain: "LINUX64" } as never)))).toContain(
      "linux.personality.domain: unknown value",
    );
    expect(errorOf(() => attrs((s) => (s.linux!.personality = { domain: "LINUX", flags: ["x"] })))).toContain("linux.personality.flags");
    expect(attrs(() => {})).toEqual({});
  });

  test("ioPriority: class << 13 | priority", () => {
    expect(attrsOf((s) => (s.process!.ioPriority = { class: "IOPRIO_CLASS_IDLE", priority: 0 })).ioPriority).toBe(3 << 13);
    expect(attrsOf((s) => (s.process!.ioPriority = { class: "IOPRIO_CLASS_BE", priority: 7 })).ioPriority).toBe((2 << 13) | 7);
    expect(errorOf(() => attrsOf((s) => (s.process!.ioPriority = { class: "IOPRIO_CLASS_BE", priority: 8 })))).toContain(
      "process.ioPriority.priority",
    );
    expect(errorOf(() => attrsOf((s) => (s.process!.ioPriority = { class: "X" as never })))).toContain("process.ioPriority.class");
  });

  test("scheduler: policy, flags, nice, priority and deadline parameters", () => {
    const sched = (v: unknown) => attrsOf((s) => (s.process!.scheduler = v as never)).scheduler;
    expect(sched({ policy: "SCHED_BATCH", nice: 5, flags: ["SCHED_FLAG_RESET_ON_FORK"] })).toEqual({
      policy: 3,
      flags: 1,
      nice: 5,
      priority: 0,
      runtime: 0,
      deadline: 0,
      period: 0,
    });
    expect(sched({ policy: "SCHED_FIFO", priority: 10 })?.priority).toBe(10);
    expect(errorOf(() => sched({ policy: "SCHED_FIFO" }))).toContain("process.scheduler.priority: SCHED_FIFO needs a priority");
    expect(errorOf(() => sched({ policy: "SCHED_OTHER", priority: 3 }))).toContain("process.scheduler.priority: must be 0");
    expect(errorOf(() => sched({ policy: "SCHED_OTHER", flags: ["NOPE"] }))).toContain("process.scheduler.flags[0]");
  });

  test("memoryPolicy: mode, flags and nodes", () => {
    const mp = (v: unknown) => attrsOf((s) => (s.linux!.memoryPolicy = v as never)).memoryPolicy;
    expect(mp({ mode: "MPOL_BIND", nodes: "0-2,5", flags: ["MPOL_F_STATIC_NODES"] })).toEqual({ mode: 2 | (1 << 15), nodes: [0, 1, 2, 5] });
    expect(mp({ mode: "MPOL_DEFAULT" })).toEqual({ mode: 0, nodes: [] });
    expect(errorOf(() => mp({ mode: "MPOL_BIND" }))).toContain("linux.memoryPolicy.nodes: MPOL_BIND needs at least one node");
    expect(errorOf(() => mp({ mode: "MPOL_LOCAL", nodes: "1" }))).toContain("linux.memoryPolicy.nodes: must be empty");
    expect(errorOf(() => mp({ mode: "MPOL_BIND", nodes: "3-1" }))).toContain('linux.memoryPolicy.nodes: invalid list "3-1"');
    expect(errorOf(() => mp({ mode: "MPOL_BIND", nodes: "2000" }))).toContain("above the largest supported number 1023");
  });

  test("execCPUAffinity is checked (it applies to exec'd processes, not to init)", () => {
    expect(attrsOf((s) => (s.process!.execCPUAffinity = { initial: "0", final: "0-1" }))).toEqual({});
    expect(errorOf(() => attrsOf((s) => (s.process!.execCPUAffinity = { final: "x" })))).toContain("process.execCPUAffinity.final");
    expect(listNumbers("0-3,7")).toEqual([0, 1, 2, 3, 7]);
  });
});

describe("root propagation", () => {
  test("mount flags for init; nothing in lxc.rootfs.options (liblxc overrides it)", () => {
    expect(rootPropagation("slave")).toBe(1 << 19);
    expect(rootPropagation("rprivate")).toBe((1 << 18) | 0x4000);
    expect(rootPropagation("unbindable")).toBe(1 << 17);
    expect(rootPropagation(undefined)).toBeUndefined();
    const t = tr((s) => (s.linux!.rootfsPropagation = "shared"));
    // after the reset of liblxc's rshared (MS_SLAVE | MS_REC on "/"), last
    expect(t.setup.propagation.at(-1)).toEqual({ path: "/", flags: 1 << 20 });
    expect(t.setup.propagation[0]).toEqual({ path: "/", flags: (1 << 19) | 0x4000 });
    expect(t.items.filter(([k]) => k === "lxc.rootfs.options").map(([, v]) => v)).toEqual(["ro"]);
  });
});

describe("joined namespaces", () => {
  test("a mount namespace joined by path is shared; none at all is an error naming the field", () => {
    const s = spec(
      (s) => (s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === "mount" ? { type: "mount", path: "/proc/9/ns/mnt" } : n))),
    );
    expect(values(s, "lxc.namespace.share.mnt")).toEqual(["/proc/9/ns/mnt"]);
    expect(values(s, "lxc.namespace.clone")[0]).not.toContain("mnt");
    expect(errorOf(() => tr((s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "mount"))))).toContain(
      "linux.namespaces: a mount namespace is required: LXC pivots the container's root in it",
    );
  });

  test("a uts namespace joined by path: init sets the hostname (liblxc only does in a new one)", () => {
    const joined = tr(
      (s) => (s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === "uts" ? { type: "uts", path: "/proc/9/ns/uts" } : n))),
    );
    expect(joined.setup.hostname).toBe("lxcri");
    expect(tr(() => {}).setup.hostname).toBeUndefined();
  });
});

describe("recursive mount options and features", () => {
  test("rro and friends go to init as mount_setattr attributes; the rest stay for liblxc", () => {
    expect(recursiveAttrs(["rbind", "rro", "nosuid", "rnoexec"], "/data")).toEqual({
      options: ["rbind", "nosuid"],
      attr: { path: "/data", set: 0x1 | 0x8, clr: 0 },
    });
    expect(recursiveAttrs(["rro", "rrw"], "/d").attr).toEqual({ path: "/d", set: 0, clr: 0x1 });
    expect(recursiveAttrs(["rnoatime"], "/d").attr).toEqual({ path: "/d", set: 0x10, clr: 0x70 });
    expect(recursiveAttrs(["bind"], "/d")).toEqual({ options: ["bind"], attr: undefined });
    const t = tr((s) => s.mounts!.push({ destination: "/data", type: "bind", source: "/data", options: ["rbind", "rro"] }));
    expect(t.setup.recursive).toEqual([{ path: "/data", set: 1, clr: 0 }]);
    // "idmap" is the start-host hook's (test/unit/userns.test.ts), never liblxc's
    const idmapped = translate(
      spec((s) => {
        s.linux!.namespaces!.push({ type: "user" });
        s.linux!.uidMappings = s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
        s.mounts!.push({ destination: "/d", type: "bind", source: "/data", options: ["bind", "idmap"] });
      }),
      { ...ctx, startHostHook: { exeFd: 7, reportFd: 9 } },
    );
    expect(idmapped.items.filter(([k, v]) => k === "lxc.mount.entry" && v.includes("idmap"))).toEqual([]);
  });

  test("features lists what works: seccomp (notify too), AppArmor, time and user namespaces, recursive options, id-mapped mounts", () => {
    const f = features();
    expect(f.linux.seccomp.enabled).toBe(true);
    expect(f.linux.apparmor.enabled).toBe(true);
    expect(f.linux.selinux.enabled).toBe(true); // applied where SELinux is on, refused where off (src/host/selinux.ts)
    expect(f.linux.seccomp.actions).toContain("SCMP_ACT_NOTIFY"); // with a listenerPath (test/integration/seccomp-notify.test.ts)
    expect(f.linux.namespaces).toContain("time");
    expect(f.linux.namespaces).toContain("user");
    expect(f.mountOptions).toContain("rro");
    expect(f.linux.mountExtensions.idmap.enabled).toBe(true);
    expect(f.mountOptions).toContain("idmap");
    expect(f.mountOptions).toContain("ridmap");
    for (const o of ["tmpcopyup", "nosymfollow", "rslave", "runbindable"]) expect(f.mountOptions).toContain(o);
    // what liblxc would hand to the filesystem as data is refused, not listed
    for (const o of ["silent", "iversion", "nolazytime"]) expect(f.mountOptions).not.toContain(o);
    expect(
      errorOf(() => tr((s) => s.mounts!.push({ destination: "/d", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nolazytime"] }))),
    ).toContain('mounts[7].options[1]: "nolazytime" is not supported');
  });

  test("features: memory policy modes and flags, netDevices, seccomp flags lxcri applies, the annotations it acts on", () => {
    const f = features();
    expect(f.linux.memoryPolicy.modes).toContain("MPOL_BIND");
    expect(f.linux.memoryPolicy.flags).toContain("MPOL_F_STATIC_NODES");
    expect(f.linux.netDevices.enabled).toBe(true);
    expect(f.linux.seccomp.supportedFlags).toContain("SECCOMP_FILTER_FLAG_TSYNC");
    expect(f.linux.seccomp.supportedFlags).toEqual(expect.arrayContaining(f.linux.seccomp.knownFlags)); // all four of runc's
    expect(f.potentiallyUnsafeConfigAnnotations).toEqual(expect.arrayContaining(["run.oci.hooks.stdout", "run.oci.hooks.stderr"]));
  });
});
