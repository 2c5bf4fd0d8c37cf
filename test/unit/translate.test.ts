import { netDeviceMoves } from "../../src/lxc/net-devices.ts";
import { describe, expect, test } from "bun:test";
import { processCapabilities } from "../../src/lxc/capabilities.ts";
import { deviceItems } from "../../src/lxc/devices.ts";
import { fstabEscape } from "../../src/lxc/items.ts";
import { processPlan } from "../../src/lxc/process-plan.ts";
import type { PathKind } from "../../src/lxc/mounts.ts";
import { rootfsPath, translate, type TranslateContext } from "../../src/lxc/translate.ts";
import { defaultSpec } from "../../src/spec/default.ts";
import { hostId } from "../../src/spec/linux.ts";
import type { Spec } from "../../src/spec/types.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import { errorOf } from "./error-of.ts";
import { translateContext } from "./translate-context.ts";

const hostKinds: Record<string, PathKind> = {
  "/proc/acpi": "dir",
  "/proc/kcore": "file",
  "/proc/keys": "file",
  "/proc/timer_list": "file",
  "/sys/firmware": "dir",
  "/proc/scsi": "dir",
  "/data": "dir",
  "/etc/hosts": "file",
  "/b/rootfs/fifo": "fifo",
};

/** A cgroup v1 host with the hierarchies above, host paths as hostKinds says, /link inside the rootfs leading to /target. */
function ctx(over: Partial<TranslateContext> = {}): TranslateContext {
  return translateContext({
    cgroup: "v1",
    isRuntimeNamespace: (_type, path) => path === "/proc/1/ns/net",
    cgroupHierarchies: [
      { name: "memory", fstype: "cgroup", options: "memory", base: "/sys/fs/cgroup/memory" },
      { name: "systemd", fstype: "cgroup", options: "none,name=systemd", base: "/sys/fs/cgroup/systemd" },
      { name: "unified", fstype: "cgroup2", options: "", base: "/sys/fs/cgroup/unified" },
    ],
    hardRlimits: { RLIMIT_NOFILE: 1024, RLIMIT_AS: Infinity },
    stat: (p) => hostKinds[p] ?? "missing",
    resolve: (p) => p.replace(/^\/link(\/|$)/, "/target$1"),
    ...over,
  });
}

/** The default spec, edited, as the checker leaves it: what lxcri refuses whatever the host is refused here. */
const spec = (edit?: (s: Spec) => void): Spec => {
  const s = defaultSpec(["sh", "-c", "true"]);
  edit?.(s);
  return validateSpec(s);
};
const items = (s: Spec, c = ctx()) => translate(s, c).items;
const values = (list: readonly (readonly [string, string])[], key: string) => list.filter(([k]) => k === key).map(([, v]) => v);
const error = errorOf;

describe("OCI → LXC translation", () => {
  test("the default spec: rootfs, hostname, rlimits, console; no_new_privs is the process plan's", () => {
    const it = items(spec());
    expect(values(it, "lxc.rootfs.path")).toEqual(["dir:/b/rootfs"]);
    expect(values(it, "lxc.rootfs.mount")).toEqual(["/b/rootfs"]);
    expect(values(it, "lxc.rootfs.options")).toEqual(["ro"]);
    expect(values(it, "lxc.uts.name")).toEqual(["lxcri"]);
    expect(values(it, "lxc.no_new_privs")).toEqual([]);
    // rlimits are the process plan's unless one must be raised above the runtime's hard limit
    expect(values(it, "lxc.prlimit.nofile")).toEqual([]);
    expect(values(it, "lxc.console.path")).toEqual(["none"]);
    expect(values(it, "lxc.log.file")).toEqual(["/run/lxcri/c1/lxc.log"]);
  });

  test("root.path relative to the bundle", () => {
    expect(rootfsPath(spec(), "/bundle")).toBe("/bundle/rootfs");
    expect(
      rootfsPath(
        spec((s) => (s.root!.path = "/abs/root")),
        "/bundle",
      ),
    ).toBe("/abs/root");
  });

  test("process: user, rlimits, umask, no_new_privs and seccomp go to the process plan, not to liblxc", () => {
    const s = spec((s) => {
      s.process!.user = { uid: 1000, gid: 100, additionalGids: [5, 6], umask: 0o027 };
      s.linux!.seccomp = { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["getcwd"], action: "SCMP_ACT_ERRNO" }] };
    });
    const t = translate(s, ctx());
    expect(values(t.items, "lxc.init.uid")).toEqual([]);
    expect(values(t.items, "lxc.cap.keep")).toEqual([]);
    expect(values(t.items, "lxc.seccomp.profile")).toEqual([]);
    const p = processPlan(s.process!, s.linux, { lastCap: 40, warn: () => {} });
    expect(p.user).toEqual({ uid: 1000, gid: 100, additionalGids: [5, 6] });
    expect(p.umask).toBe(0o027);
    expect(p.noNewPrivileges).toBe(true);
    expect(p.args).toEqual(["sh", "-c", "true"]);
    expect(p.lookupHome).toBe(true);
    expect(p.seccomp?.rules).toEqual([{ names: ["getcwd"], action: 0x00050001, args: [] }]);
  });

  test("apparmorProfile: the process plan's (init and exec write it); liblxc leaves init unconfined; unconfined asks for nothing", () => {
    const s = spec((s) => (s.process!.apparmorProfile = "containers-default-0.50.1"));
    // init still mounts (masks, read-only paths, propagation) what container profiles deny
    expect(values(items(s), "lxc.apparmor.profile")).toEqual(["unconfined"]);
    const plan = (p: string | undefined) =>
      processPlan({ ...s.process!, apparmorProfile: p }, s.linux, { lastCap: 40, warn: () => {} }).apparmorProfile;
    expect(plan("containers-default-0.50.1")).toBe("containers-default-0.50.1");
    expect(plan("unconfined")).toBeUndefined();
    expect(plan("")).toBeUndefined();
    expect(plan(undefined)).toBeUndefined();
    // what the kernel would read otherwise ("exec <name>", blanks trimmed) is refused by the checker
    for (const [bad, why] of [
      ["a\nexec unconfined", "control characters"],
      ["p\0", "control characters"],
      [" p", "blank"],
      ["p ", "blank"],
      ["x".repeat(4001), "longer than 4000 bytes"],
    ] as const) {
      const e = error(() => spec((s) => (s.process!.apparmorProfile = bad)));
      expect(e).toStartWith("config.json: process.apparmorProfile: ");
      expect(e).toContain(why);
    }
  });

  test("selinuxLabel: the process plan's (init and exec write it), liblxc's keyring label; nothing without one", () => {
    const label = "system_u:system_r:container_t:s0:c1,c2";
    const s = spec((s) => (s.process!.selinuxLabel = label));
    expect(processPlan(s.process!, s.linux, { lastCap: 40, warn: () => {} }).selinuxLabel).toBe(label);
    expect(values(items(s), "lxc.selinux.context.keyring")).toEqual([label]);
    // liblxc never labels the process itself: lxcri-init writes attr/exec through a trusted procfs
    expect(values(items(s), "lxc.selinux.context")).toEqual([]);
    const none = spec();
    expect(processPlan(none.process!, none.linux, { lastCap: 40, warn: () => {} }).selinuxLabel).toBeUndefined();
    expect(values(items(none), "lxc.selinux.context.keyring")).toEqual([]);
  });

  test("mountLabel: context= on each filesystem mounted (as runc), not proc, sysfs, binds or cgroup2; mqueue and masks are init's", () => {
    const label = "system_u:object_r:container_file_t:s0:c1";
    const s = spec((s) => {
      s.linux!.mountLabel = label;
      s.mounts!.push({ destination: "/data", type: "bind", source: "/proc/acpi", options: ["rbind"] });
    });
    const t = translate(s, ctx());
    const entries = values(t.items, "lxc.mount.entry");
    const of = (dest: string) => entries.filter((e) => e.split(" ")[1] === dest);
    const ctxOpt = `context="${label}"`;
    for (const d of ["dev", "dev/pts", "dev/shm"]) for (const e of of(d)) expect(e).toContain(ctxOpt);
    // the v1 host's tmpfs at /sys/fs/cgroup too (runc mounts it as a tmpfs), not the binds below it
    expect(of("sys/fs/cgroup")[0]).toContain(ctxOpt);
    for (const d of ["proc", "sys", "dev/mqueue", "data", "sys/fs/cgroup/memory"])
      for (const e of of(d)) expect(e).not.toContain("context=");
    expect(of("dev/mqueue").length).toBe(1);
    expect(t.setup.labelled).toEqual(["/dev/mqueue"]);
    expect(t.setup.mountLabel).toBe(label);
    // without a label nothing changes
    const plain = translate(spec(), ctx());
    expect(values(plain.items, "lxc.mount.entry").some((e) => e.includes("context="))).toBe(false);
    expect([plain.setup.labelled, plain.setup.mountLabel]).toEqual([[], undefined]);
  });

  test('a label with a category set, or a filesystem option without "=": liblxc 5.0 would drop part of it, so the pre-mount hook mounts it and liblxc binds it, in order', () => {
    const hex = (x: string) => Buffer.from(x).toString("hex");
    const label = "system_u:object_r:container_file_t:s0:c1,c2";
    const s = spec((s) => {
      s.linux!.mountLabel = label;
      s.mounts!.push({ destination: "/t", type: "tmpfs", source: "tmpfs", options: ["nosuid", "noswap", "size=1m", "rprivate"] });
      s.mounts!.push({ destination: "/plain", type: "tmpfs", source: "tmpfs", options: ["nodev", "size=1m"] });
    });
    const t = translate(s, ctx({ startHostHook: { exeFd: 10, reportFd: 12 } }));
    const entries = values(t.items, "lxc.mount.entry");
    const of = (dest: string) => entries.filter((e) => e.split(" ")[1] === dest);
    // each labelled filesystem: a bind of its stage, k in order; devpts twice (liblxc unmounts one), the same stage
    const stages = t.staged.map((m) => m.destination);
    expect(stages).toEqual(expect.arrayContaining(["/dev", "/dev/pts", "/sys/fs/cgroup", "/t", "/plain"]));
    // in the entries' order: stage k is the k-th filesystem liblxc binds
    const bound = entries.filter((e) => e.startsWith("/run/lxcri/.stage/")).map((e) => Number(e.split(" ")[0]!.split("/").pop()));
    expect([...new Set(bound)]).toEqual(stages.map((_, i) => i));
    const k = (d: string) => stages.indexOf(d);
    expect(of("dev")[0]).toStartWith(`/run/lxcri/.stage/${k("/dev")} dev none bind`);
    expect(of("dev/pts")).toEqual([of("dev/pts")[0]!, of("dev/pts")[0]!]);
    expect(of("t")[0]).toBe(`/run/lxcri/.stage/${k("/t")} t none bind,rprivate 0 0`); // create makes its mount point in the rootfs
    // what the kernel gets: the flags as mount(2) takes them, the data whole (runc's)
    const tm = t.staged[k("/t")]!;
    expect([tm.source, tm.fstype, tm.flags, tm.data]).toEqual(["tmpfs", "tmpfs", 2, `noswap,size=1m,context="${label}"`]);
    expect(t.staged[k("/dev")]!.data).toContain(`context="${label}"`);
    // the v1 host's tmpfs at /sys/fs/cgroup is lxcri's own (index -1)
    expect(t.staged.find((m) => m.destination === "/sys/fs/cgroup")?.index).toBe(-1);
    expect(t.staged[k("/t")]!.index).toBe(s.mounts!.length - 2);
    // the hook: lxcri-init stage, report fd, the stage directory, then per mount source type flags data destination
    const hook = values(t.items, "lxc.hook.pre-mount");
    expect(hook.length).toBe(1);
    const argv = hook[0]!.split(" ");
    expect(argv.slice(0, 4)).toEqual(["/proc/self/fd/10", "stage", "12", hex("/run/lxcri/.stage")]);
    expect(argv.slice(4 + 5 * k("/t"), 9 + 5 * k("/t"))).toEqual([hex("tmpfs"), hex("tmpfs"), "2", hex(tm.data), hex("/t")]);
    expect(argv.length).toBe(4 + 5 * t.staged.length);
    expect(values(t.items, "lxc.hook.version")).toEqual(["1"]);
    // a label with one category: no stage, no hook (liblxc mounts it as asked)
    const one = translate(
      spec((s) => (s.linux!.mountLabel = "system_u:object_r:container_file_t:s0:c1")),
      ctx({ startHostHook: { exeFd: 10, reportFd: 12 } }),
    );
    expect([one.staged, values(one.items, "lxc.hook.pre-mount")]).toEqual([[], []]);
  });

  test("namespaces: listed → clone, with path → share, unlisted → keep", () => {
    const it = items(
      spec((s) => {
        s.linux!.namespaces = [{ type: "mount" }, { type: "pid" }, { type: "network", path: "/var/run/netns/x" }, { type: "uts" }];
      }),
    );
    expect(values(it, "lxc.namespace.clone")).toEqual(["pid mnt uts"]);
    expect(values(it, "lxc.namespace.keep")).toEqual([]); // liblxc refuses keep next to clone
    expect(values(it, "lxc.namespace.share.net")).toEqual(["/var/run/netns/x"]);
    expect(values(it, "lxc.net.0.type")).toEqual(["none"]);
    expect(values(items(spec()), "lxc.net.0.type")).toEqual(["empty"]);
    expect(values(items(spec()), "lxc.net.0.flags")).toEqual(["up"]); // its loopback up, as runc does
    expect(values(it, "lxc.net.0.flags")).toEqual([]);
  });

  test("namespaces lxcri cannot do are errors naming the field", () => {
    expect(error(() => items(spec((s) => (s.linux!.namespaces = [{ type: "pid" }]))))).toContain(
      "linux.namespaces: a mount namespace is required",
    );
    expect(error(() => items(spec((s) => s.linux!.namespaces!.push({ type: "user" }))))).toContain(
      "linux.namespaces[6]: a new user namespace needs linux.uidMappings and linux.gidMappings",
    );
    expect(error(() => items(spec((s) => (s.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }]))))).toContain(
      "linux.uidMappings: id mappings need a user namespace",
    );
    expect(error(() => items(spec((s) => (s.linux!.namespaces = [{ type: "mount" }]))))).toContain(
      "hostname: setting a hostname needs a uts namespace",
    );
  });

  test("user namespaces: lxc.idmap from the mappings, cloned with the others; with create-time hooks too", () => {
    const userns = (s: Spec) => {
      s.linux!.namespaces!.push({ type: "user" });
      s.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: 200000, size: 1000 }];
    };
    const it = items(spec(userns));
    expect(values(it, "lxc.idmap")).toEqual(["u 0 100000 65536", "g 0 200000 1000"]);
    expect(values(it, "lxc.namespace.clone")[0]).toStartWith("user ");
    expect(hostId([{ containerID: 0, hostID: 100000, size: 10 }], 3)).toBe(100003);
    expect(hostId([{ containerID: 1, hostID: 100000, size: 10 }], 0)).toBeUndefined();
    expect(hostId(undefined, 0)).toBe(0);
  });

  test("capabilities: all five sets as numbers; unknown ones are a warning, ungrantable ambient ones a debug note", () => {
    const warnings: string[] = [];
    const p = spec(
      (s) => (s.process!.capabilities = { bounding: ["CAP_KILL", "CAP_TEST", "CAP_CHOWN"], effective: ["CAP_KILL"], ambient: [] }),
    ).process!;
    expect(processCapabilities(p, (w) => warnings.push(w))).toEqual({
      bounding: [0, 5],
      effective: [5],
      inheritable: [],
      permitted: [],
      ambient: [],
    });
    expect(warnings).toEqual(["process.capabilities.bounding[1]: unknown capability CAP_TEST ignored"]);
    // runc's default spec lists ambient capabilities that are not inheritable: the kernel cannot grant them
    const w2: string[] = [];
    const notes: string[] = [];
    const runcShape = spec((s) => (s.process!.capabilities!.ambient = s.process!.capabilities!.bounding)).process!;
    expect(
      processCapabilities(
        runcShape,
        (w) => w2.push(w),
        (n) => notes.push(n),
      ).ambient,
    ).toEqual([]);
    expect(w2).toEqual([]); // runc's default config runs silently
    expect(notes.join("\n")).toContain("CAP_AUDIT_WRITE is not both permitted and inheritable");
    const full = spec((s) => (s.process!.capabilities!.inheritable = s.process!.capabilities!.ambient = s.process!.capabilities!.bounding))
      .process!;
    expect(processCapabilities(full, () => {}).ambient).toEqual([5, 10, 29]);
  });

  test("rlimits: liblxc raises only those above the runtime's hard limit; the process plan has all", () => {
    const s = spec(
      (s) =>
        (s.process!.rlimits = [
          { type: "RLIMIT_NOFILE", soft: 2048, hard: 4096 },
          { type: "RLIMIT_AS", soft: 1 << 30, hard: 1 << 30 },
        ]),
    );
    const it = items(s);
    expect(values(it, "lxc.prlimit.nofile")).toEqual(["2048:4096"]);
    expect(values(it, "lxc.prlimit.as")).toEqual([]);
    expect(processPlan(s.process!, s.linux, { lastCap: 40, warn: () => {} }).rlimits).toEqual([
      { resource: 7, soft: 2048, hard: 4096 },
      { resource: 9, soft: 1 << 30, hard: 1 << 30 },
    ]);
  });

  test("the default devices: made by init without a user namespace, bound from the host only in one", () => {
    const plain = translate(spec(), ctx());
    expect(values(plain.items, "lxc.mount.entry").filter((e) => e.startsWith("/dev/null "))).toEqual([]);
    expect(plain.setup.devices.map((d) => d.path)).toEqual([
      "/dev/null",
      "/dev/zero",
      "/dev/full",
      "/dev/random",
      "/dev/urandom",
      "/dev/tty",
    ]);
    const userns = translate(
      spec((s) => {
        s.linux!.namespaces!.push({ type: "user" });
        s.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
        s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      }),
      ctx(),
    );
    expect(values(userns.items, "lxc.mount.entry")).toContain("/dev/null dev/null none bind,create=file 0 0");
    expect(userns.setup.devices).toEqual([]);
  });

  test("mounts: every spec mount is an entry, in config order; /dev gets the default devices", () => {
    const it = items(spec());
    expect(values(it, "lxc.autodev")).toEqual(["0"]);
    expect(values(it, "lxc.mount.auto")).toEqual([""]); // a v1 host: the cgroup mount is entries too (below)
    const entries = values(it, "lxc.mount.entry");
    const order = [
      "proc proc proc defaults 0 0",
      "tmpfs dev tmpfs nosuid,strictatime,mode=755,size=65536k 0 0",
      "devpts dev/pts devpts nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5,create=dir 0 0",
      "shm dev/shm tmpfs nosuid,noexec,nodev,mode=1777,size=65536k,create=dir 0 0",
      "mqueue dev/mqueue mqueue nosuid,noexec,nodev,create=dir 0 0",
      "sysfs sys sysfs nosuid,noexec,nodev,ro 0 0",
      "tmpfs sys/fs/cgroup tmpfs nosuid,nodev,noexec,mode=755,create=dir 0 0",
      "/sys/fs/cgroup/memory/lxc.payload.c1 sys/fs/cgroup/memory none rbind,nosuid,noexec,nodev,relatime,ro,create=dir 0 0",
    ];
    const at = order.map((e) => entries.indexOf(e));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // devpts twice: liblxc unmounts the top one (lxc.pty.max = 0)
    expect(entries.filter((e) => e.startsWith("devpts dev/pts ")).length).toBe(2);
    // a pure cgroup v2 host: one cgroup2 mount
    const v2 = items(spec(), ctx({ cgroupHierarchies: [] }));
    expect(values(v2, "lxc.mount.entry")).toContain("cgroup2 sys/fs/cgroup cgroup2 nosuid,noexec,nodev,relatime,ro,create=dir 0 0");
    expect(values(v2, "lxc.mount.auto")).toEqual([""]);
  });

  test("cgroup v1 and hybrid hosts: a tmpfs, then each v1 hierarchy's own cgroup of the container bound onto it (as runc)", () => {
    const taken = new Set(["lxc.payload.c1", "lxc.payload.c1-1"]);
    const c = ctx({
      cgroupHierarchies: [
        { name: "cpu,cpuacct", fstype: "cgroup", options: "cpu,cpuacct", base: "/sys/fs/cgroup/cpu,cpuacct" },
        { name: "memory", fstype: "cgroup", options: "memory", base: "/sys/fs/cgroup/memory/nested" },
        { name: "systemd", fstype: "cgroup", options: "none,name=systemd", base: "/sys/fs/cgroup/systemd" },
        { name: "unified", fstype: "cgroup2", options: "", base: "/sys/fs/cgroup/unified" },
      ],
      freeCgroupName: (n) => (taken.has(n) ? (taken.has(`${n}-1`) ? `${n}-2` : `${n}-1`) : n),
    });
    const rw = spec((s) => (s.mounts!.find((m) => m.type === "cgroup")!.options = ["nosuid", "noexec", "nodev", "rw", "rslave"]));
    const it = items(rw, c);
    // liblxc's names, made predictable: the next free one when taken, as liblxc would pick
    expect(values(it, "lxc.cgroup.dir.container")).toEqual(["lxc.payload.c1-2"]);
    expect(values(it, "lxc.cgroup.dir.monitor")).toEqual(["lxc.monitor.c1"]);
    const entries = values(it, "lxc.mount.entry");
    const from = entries.indexOf("tmpfs sys/fs/cgroup tmpfs nosuid,nodev,noexec,mode=755,rslave,create=dir 0 0");
    expect(from).toBeGreaterThan(entries.indexOf("sysfs sys sysfs nosuid,noexec,nodev,ro,create=dir 0 0"));
    const opts = "rbind,nosuid,noexec,nodev,rw,rslave,create=dir";
    expect(entries.slice(from + 1, from + 6)).toEqual([
      `/sys/fs/cgroup/cpu,cpuacct/lxc.payload.c1-2 sys/fs/cgroup/cpu,cpuacct none ${opts} 0 0`,
      `/sys/fs/cgroup/cpu,cpuacct/lxc.payload.c1-2 sys/fs/cgroup/cpu none ${opts} 0 0`,
      `/sys/fs/cgroup/cpu,cpuacct/lxc.payload.c1-2 sys/fs/cgroup/cpuacct none ${opts} 0 0`,
      `/sys/fs/cgroup/memory/nested/lxc.payload.c1-2 sys/fs/cgroup/memory none ${opts} 0 0`,
      `/sys/fs/cgroup/systemd/lxc.payload.c1-2 sys/fs/cgroup/systemd none ${opts} 0 0`,
    ]);
    // as with runc, not a hybrid host's cgroup2 (systemd in the container would take the hybrid layout)
    expect(entries.some((e) => e.includes("sys/fs/cgroup/unified"))).toBe(false);
    expect(translate(rw, c).cgroupDir).toBe("lxc.payload.c1-2");
    // cgroupsPath names the cgroup itself
    const withPath = items(
      spec((s) => (s.linux!.cgroupsPath = "/pods/x")),
      c,
    );
    expect(values(withPath, "lxc.mount.entry")).toContain(
      "/sys/fs/cgroup/memory/nested/pods/x sys/fs/cgroup/memory none rbind,nosuid,noexec,nodev,relatime,ro,create=dir 0 0",
    );
    // without a cgroup mount, and on a pure v2 host, translation names the cgroups too: delete must
    // know which are this container's (a "-N" liblxc picked may be another state root's container)
    const none = spec((s) => (s.mounts = s.mounts!.filter((m) => m.type !== "cgroup")));
    expect(values(items(none, c), "lxc.cgroup.dir.container")).toEqual(["lxc.payload.c1-2"]);
    expect(values(items(spec(), ctx({ cgroupHierarchies: [] })), "lxc.cgroup.dir.container")).toEqual(["lxc.payload.c1"]);
  });

  test("pure cgroup v2: cgroup2 in a cgroup namespace; without one, the container's own cgroup bound there (as runc)", () => {
    const v2 = ctx({ cgroup: "v2", cgroupHierarchies: [], cgroupV2Base: "/sys/fs/cgroup" });
    expect(values(items(spec(), v2), "lxc.mount.entry")).toContain(
      "cgroup2 sys/fs/cgroup cgroup2 nosuid,noexec,nodev,relatime,ro,create=dir 0 0",
    );
    const hostNs = spec((s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "cgroup")));
    const it = items(hostNs, v2);
    expect(values(it, "lxc.cgroup.dir.container")).toEqual(["lxc.payload.c1"]);
    expect(values(it, "lxc.mount.entry")).toContain(
      "/sys/fs/cgroup/lxc.payload.c1 sys/fs/cgroup none rbind,nosuid,noexec,nodev,relatime,ro,create=dir 0 0",
    );
    expect(values(it, "lxc.mount.entry").some((e) => e.startsWith("cgroup2 "))).toBe(false);
  });

  test("rootless in the user's systemd scope: liblxc's cgroups below the monitor's (the scope), its limits set, no device rules", () => {
    const scope = "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-c1.scope";
    const c = ctx({ cgroup: "v2", cgroupHierarchies: [], cgroupV2Base: scope, rootless: true, systemdCgroup: true, inUserScope: true });
    const s = spec((x) => {
      x.linux!.resources = { memory: { limit: 64 << 20 } };
      x.linux!.namespaces = x.linux!.namespaces!.filter((n) => n.type !== "cgroup");
    });
    s.linux!.cgroupsPath = "user.slice:libpod:c1"; // the checker takes it with --systemd-cgroup
    const it = items(s, c);
    expect(values(it, "lxc.cgroup.relative")).toEqual(["1"]);
    expect(values(it, "lxc.cgroup.dir.container")).toEqual(["lxc.payload.c1"]);
    expect(values(it, "lxc.cgroup.dir.monitor")).toEqual(["lxc.monitor.c1"]);
    expect(values(it, "lxc.cgroup2.memory.max")).toEqual([String(64 << 20)]);
    expect(it.some(([k]) => k.startsWith("lxc.cgroup2.devices"))).toBe(false);
    expect(values(it, "lxc.mount.entry")).toContain(
      `${scope}/lxc.payload.c1 sys/fs/cgroup none rbind,nosuid,noexec,nodev,relatime,ro,create=dir 0 0`,
    );
    // as root, --systemd-cgroup's path is the cgroup itself, below pid 1's
    const root = items(s, ctx({ cgroup: "v2", cgroupHierarchies: [], cgroupV2Base: "/sys/fs/cgroup", systemdCgroup: true }));
    expect(values(root, "lxc.cgroup.relative")).toEqual(["0"]);
    expect(values(root, "lxc.cgroup.dir.container")).toEqual(["user.slice/libpod-c1.scope"]);
  });

  test("bind mounts: source relative to the bundle, file or dir, must exist unless optional", () => {
    const s = spec((s) => {
      s.mounts!.push({ destination: "/etc/hosts", source: "/etc/hosts", options: ["bind", "ro"] });
      s.mounts!.push({ destination: "/data", source: "/data", type: "bind" });
    });
    const entries = values(items(s), "lxc.mount.entry");
    expect(entries).toContain("/etc/hosts etc/hosts none bind,ro 0 0");
    expect(entries).toContain("/data data none bind 0 0");
    const missing = spec((s) => s.mounts!.push({ destination: "/x", source: "nope", options: ["bind"] }));
    expect(error(() => items(missing))).toContain('mounts[7].source: "/b/nope" does not exist');
  });

  test("mount destinations must be absolute and stay in the rootfs", () => {
    expect(error(() => items(spec((s) => s.mounts!.push({ destination: "relative", type: "tmpfs", source: "tmpfs" }))))).toContain(
      'mounts[7].destination: must be an absolute path, got "relative"',
    );
    expect(error(() => items(spec((s) => s.mounts!.push({ destination: "/a/../../x", type: "tmpfs" }))))).toBeUndefined();
    expect(fstabEscape("/a b\\c")).toBe("/a\\040b\\134c");
  });

  test("a spec without /proc still gets one (liblxc execs init through /proc/self/fd), detached before ready", () => {
    const t = translate(
      spec((s) => (s.mounts = s.mounts!.filter((m) => m.destination !== "/proc"))),
      ctx(),
    );
    expect(values(t.items, "lxc.mount.entry")[0]).toBe("proc proc proc nosuid,nodev,noexec 0 0");
    expect(t.setup.detach).toEqual(["/proc"]);
    expect(translate(spec(), ctx()).setup.detach).toEqual([]);
  });

  test("mount destinations are the rootfs's symlinks resolved (the context resolves them inside the rootfs)", () => {
    const entries = values(
      items(spec((s) => s.mounts!.push({ destination: "/link/x", type: "tmpfs", source: "tmpfs" }))),
      "lxc.mount.entry",
    );
    expect(entries).toContain("tmpfs target/x tmpfs defaults 0 0");
  });

  test("masked and read-only paths are init's, resolved inside the container: none is a liblxc mount entry", () => {
    const t = translate(
      spec((s) => {
        s.linux!.maskedPaths = ["/proc/kcore", "/fifo", "/a/../b"];
        s.linux!.readonlyPaths = ["/proc/sys"];
      }),
      ctx(),
    );
    expect(t.setup.mask).toEqual(["/proc/kcore", "/fifo", "/b"]);
    expect(t.setup.readonly).toEqual(["/proc/sys"]);
    const entries = values(t.items, "lxc.mount.entry");
    expect(entries.some((e) => /proc\/kcore|fifo|proc\/sys /.test(e))).toBe(false);
    expect(error(() => items(spec((s) => (s.linux!.maskedPaths = ["relative"]))))).toContain("linux.maskedPaths[0]");
  });

  test("mounts on /proc: only a procfs, and below it only what lxcfs emulates (liblxc writes sysctls there)", () => {
    const at = (destination: string, type = "bind", source = "/data") =>
      error(() => items(spec((s) => s.mounts!.push({ destination, type, source, options: ["rbind"] }))));
    expect(at("/proc/sys/net")).toContain("mounts[7].destination: /proc/sys/net: mounts below /proc are refused");
    expect(at("/proc")).toContain("mounts[7].destination: only a procfs may be mounted on /proc");
    expect(at("/proc/meminfo", "bind", "/etc/hosts")).toBeUndefined();
    expect(at("/link/x")).toBeUndefined();
  });

  test("mount points: made by create below the rootfs or the enclosing bind's source (no create=); liblxc's only on fresh filesystems", () => {
    const t = translate(
      spec((s) =>
        s.mounts!.push(
          { destination: "/data", type: "bind", source: "/data", options: ["rbind"] },
          { destination: "/data/inner", type: "tmpfs", source: "tmpfs" },
          { destination: "/etc/hosts", type: "bind", source: "/etc/hosts" },
        ),
      ),
      ctx(),
    );
    expect(t.mountpoints).toContainEqual({ base: "/b/rootfs", rel: "proc", kind: "dir" });
    expect(t.mountpoints).toContainEqual({ base: "/b/rootfs", rel: "dev", kind: "dir" });
    expect(t.mountpoints).toContainEqual({ base: "/b/rootfs", rel: "data", kind: "dir" });
    expect(t.mountpoints).toContainEqual({ base: "/data", rel: "inner", kind: "dir" });
    expect(t.mountpoints).toContainEqual({ base: "/b/rootfs", rel: "etc/hosts", kind: "file" });
    expect(t.mountpoints.some((p) => p.rel.startsWith("dev/"))).toBe(false); // under /dev's fresh tmpfs: liblxc's create=
    expect(values(t.items, "lxc.mount.entry")).toContain("tmpfs data/inner tmpfs defaults 0 0");
  });

  test("a control character on its way to lxc.conf is refused, naming the field it came from", () => {
    const inj = "\nlxc.hook.pre-start = /bin/sh -c 'touch /x'";
    const at = (edit: (s: Spec) => void) => error(() => items(spec(edit)));
    expect(at((s) => (s.linux!.cgroupsPath = `/pod${inj}`))).toContain("linux.cgroupsPath");
    // a newline in a path is fstab-escaped (\\012, which liblxc decodes); a CR cannot be
    expect(at((s) => s.mounts!.push({ destination: `/mnt${inj}`, type: "tmpfs", source: "tmpfs" }))).toBeUndefined();
    expect(at((s) => s.mounts!.push({ destination: `/mnt${inj.replace("\n", "\r")}`, type: "tmpfs", source: "tmpfs" }))).toContain(
      "mounts[7].destination",
    );
    expect(at((s) => s.mounts!.push({ destination: "/mnt", type: "tmpfs", source: "tmpfs", options: [`size=1m${inj}`] }))).toContain(
      "mounts[7].options[0]",
    );
    expect(at((s) => (s.linux!.sysctl = { "net.ipv4.ip_forward": `0${inj}` }))).toContain('linux.sysctl["net.ipv4.ip_forward"]');
    expect(at((s) => (s.hostname = `box${inj}`))).toContain("hostname");
    expect(at((s) => (s.hostname = " box"))).toContain("hostname: must not start or end with blanks");
  });

  test("nothing of the runtime is mounted into the container", () => {
    const entries = values(items(spec()), "lxc.mount.entry");
    expect(entries.some((e) => e.includes(".lxcri") || e.includes("/run/lxcri"))).toBe(false);
  });

  test("create-time hooks install the mount hook: the sealed lxcri-init and the hook socket, by fd", () => {
    const it = items(spec(), ctx({ mountHook: { exeFd: 9, socketFd: 8 } }));
    expect(values(it, "lxc.hook.mount")).toEqual(["/proc/self/fd/9 mount-hook 8"]);
    expect(values(it, "lxc.hook.version")).toEqual(["1"]);
    expect(values(items(spec()), "lxc.hook.mount")).toEqual([]);
  });

  test("bind mounts with shared propagation under a shared root: liblxc's plain bind in order, the host's clone stacked on it by the start-host hook; it also sets the propagation", () => {
    const hex = (s: string) => Buffer.from(s).toString("hex");
    const s = spec((s) => {
      s.mounts!.push({ destination: "/data/vol", type: "bind", source: "/data", options: ["rbind", "rshared", "rw", "nosuid", "rro"] });
      s.mounts!.push({ destination: "/etc/hosts", source: "/etc/hosts", options: ["bind", "shared", "ro", "nosymfollow"] });
      s.mounts!.push({ destination: "/opt", source: "/data", options: ["rbind", "rslave"] }); // not shared: liblxc's
      s.linux!.rootfsPropagation = "rshared";
    });
    const t = translate(s, ctx({ startHostHook: { exeFd: 11, reportFd: 18 } }));
    const entries = values(t.items, "lxc.mount.entry");
    // in the config's order, without the propagation liblxc cannot give them, optional (the clone is what counts)
    const at = (e: string) => entries.indexOf(e);
    expect(at("/data data/vol none rbind,rw,nosuid,optional 0 0")).toBeGreaterThan(0);
    expect(at("/etc/hosts etc/hosts none bind,ro,optional 0 0")).toBe(at("/data data/vol none rbind,rw,nosuid,optional 0 0") + 1);
    expect(at("/data opt none rbind,rslave 0 0")).toBe(at("/etc/hosts etc/hosts none bind,ro,optional 0 0") + 1);
    const MS_SHARED = 1 << 20,
      MS_SLAVE = 1 << 19,
      MS_PRIVATE = 1 << 18,
      MS_REC = 0x4000;
    expect(values(t.items, "lxc.hook.start-host")).toEqual([
      [
        "/proc/self/fd/11 propagate 18",
        4, // propagation steps: liblxc's rshared undone, "/" private, /opt's rslave, the root's, before the mounts
        hex("/"),
        MS_SLAVE | MS_REC,
        hex("/"),
        MS_PRIVATE,
        hex("/opt"),
        MS_SLAVE | MS_REC,
        hex("/"),
        MS_SHARED | MS_REC,
        hex("/data"),
        hex("/data/vol"),
        "1 2 1", // rbind; nosuid set, read-only cleared
        MS_SHARED | MS_REC,
        hex("/etc/hosts"),
        hex("/etc/hosts"),
        "0 2097153 0", // read-only, nosymfollow
        MS_SHARED,
      ].join(" "),
    ]);
    expect(values(t.items, "lxc.hook.version")).toEqual(["1"]);
    // init leaves propagation alone; recursive options stay init's; the clone has nosymfollow already
    expect(t.setup.propagation).toEqual([]);
    expect(t.setup.recursive).toEqual([{ path: "/data/vol", set: 1, clr: 0 }]);
    // their mount points, made by create below the rootfs
    expect(t.mountpoints).toContainEqual({ base: "/b/rootfs", rel: "data/vol", kind: "dir" });
    expect(t.mountpoints).toContainEqual({ base: "/b/rootfs", rel: "etc/hosts", kind: "file" });
    // without shared mounts: no start-host hook, init sets the propagation
    const plain = translate(
      spec((s) => (s.linux!.rootfsPropagation = "rshared")),
      ctx({ startHostHook: { exeFd: 11, reportFd: 18 } }),
    );
    expect(values(plain.items, "lxc.hook.start-host")).toEqual([]);
    expect(plain.setup.propagation).toEqual([
      { path: "/", flags: MS_SLAVE | MS_REC },
      { path: "/", flags: MS_PRIVATE },
      { path: "/", flags: MS_SHARED | MS_REC },
    ]);
    // filesystem data means nothing to a bind mount (the kernel ignores it, runc passes it on): not to the clone either
    const withData = spec((s) => {
      s.mounts!.push({ destination: "/v", type: "bind", source: "/data", options: ["rbind", "rshared", "mode=755", "size=1k"] });
      s.linux!.rootfsPropagation = "shared";
    });
    expect(values(translate(withData, ctx({ startHostHook: { exeFd: 11, reportFd: 18 } })).items, "lxc.hook.start-host")).toEqual([
      [
        "/proc/self/fd/11 propagate 18 3",
        hex("/"),
        MS_SLAVE | MS_REC,
        hex("/"),
        MS_PRIVATE,
        hex("/"),
        MS_SHARED,
        hex("/data"),
        hex("/v"),
        "1 0 0",
        MS_SHARED | MS_REC,
      ].join(" "),
    ]);
    // a mount the shared one's clone, stacked last, would hide is the checker's refusal
    const below = (root?: "rshared") => (s: Spec) => {
      s.mounts!.push(
        { destination: "/v", type: "bind", source: "/data", options: ["rbind", "rshared"] },
        { destination: "/v/sub", type: "tmpfs", source: "tmpfs" },
      );
      if (root) s.linux!.rootfsPropagation = root;
    };
    expect(error(() => spec(below("rshared")))).toContain('mounts[8].destination: is at or below mounts[7].destination "/v"');
    // without a shared root there is no clone: liblxc mounts them in order
    expect(values(items(spec(below())), "lxc.mount.entry")).toContain("tmpfs v/sub tmpfs defaults 0 0");
    // an optional source that is not there: no mount, as liblxc's "optional"
    const optional = spec((s) => {
      s.mounts!.push({ destination: "/v", type: "bind", source: "/nope", options: ["rbind", "rshared", "optional"] });
      s.linux!.rootfsPropagation = "rshared";
    });
    const o = translate(optional, ctx({ startHostHook: { exeFd: 11, reportFd: 18 } }));
    expect(values(o.items, "lxc.hook.start-host")).toEqual([]);
    expect(o.setup.propagation.some((p) => p.path === "/v")).toBe(false);
  });

  test("propagation as runc leaves it: liblxc's rshared undone, then each mount's options in order, then rootfsPropagation", () => {
    const MS_SHARED = 1 << 20,
      MS_SLAVE = 1 << 19,
      MS_PRIVATE = 1 << 18,
      MS_UNBINDABLE = 1 << 17,
      MS_REC = 0x4000;
    const t = translate(
      spec((s) => {
        s.mounts!.push({ destination: "/a", type: "tmpfs", source: "tmpfs", options: ["private", "nosuid"] });
        // shared without a shared root: liblxc's (a peer group of the container's own), not the host's
        s.mounts!.push({ destination: "/b", type: "bind", source: "/data", options: ["rbind", "rshared"] });
        s.mounts!.push({ destination: "/c", type: "bind", source: "/data", options: ["bind", "unbindable", "rslave"] });
        s.linux!.rootfsPropagation = "rprivate";
      }),
      ctx({ startHostHook: { exeFd: 11, reportFd: 18 } }),
    );
    expect(values(t.items, "lxc.hook.start-host")).toEqual([]);
    // rprivate: runc's prepareRoot makes everything private before the mounts, and skips it after pivot_root
    expect(t.setup.propagation).toEqual([
      { path: "/", flags: MS_PRIVATE | MS_REC },
      { path: "/", flags: MS_PRIVATE },
      { path: "/a", flags: MS_PRIVATE },
      { path: "/b", flags: MS_SHARED | MS_REC },
      { path: "/c", flags: MS_UNBINDABLE },
      { path: "/c", flags: MS_SLAVE | MS_REC },
    ]);
    // a mount made on or below one that is shared then is shared too (the kernel's), unless it says otherwise
    const nested = translate(
      spec((s) => {
        s.mounts!.push({ destination: "/s", type: "tmpfs", source: "tmpfs", options: ["shared"] });
        s.mounts!.push({ destination: "/s/a", type: "tmpfs", source: "tmpfs", options: [] });
        s.mounts!.push({ destination: "/s/b", type: "tmpfs", source: "tmpfs", options: ["private"] });
        s.mounts!.push({ destination: "/s2", type: "tmpfs", source: "tmpfs", options: [] });
        // an rbind there: the kernel shares the whole tree it attaches, the source's submounts too
        s.mounts!.push({ destination: "/s/r", type: "bind", source: "/data", options: ["rbind"] });
        s.mounts!.push({ destination: "/s/n", type: "bind", source: "/data", options: ["bind"] });
      }),
      ctx({ stat: () => "dir" }),
    );
    expect(nested.setup.propagation.slice(2)).toEqual([
      { path: "/s", flags: MS_SHARED },
      { path: "/s/a", flags: MS_SHARED },
      { path: "/s/b", flags: MS_SHARED },
      { path: "/s/b", flags: MS_PRIVATE },
      { path: "/s/r", flags: MS_SHARED | MS_REC },
      { path: "/s/n", flags: MS_SHARED },
    ]);
    // liblxc still applies them at mount time, as runc does
    expect(values(t.items, "lxc.mount.entry")).toContain("/data b none rbind,rshared 0 0");
    // a recursive slave root turns runc's shared binds into dependents after its mounts: no host clone
    const rslave = translate(
      spec((s) => {
        s.mounts!.push({ destination: "/b", type: "bind", source: "/data", options: ["rbind", "rshared"] });
        s.linux!.rootfsPropagation = "rslave";
      }),
      ctx({ startHostHook: { exeFd: 11, reportFd: 18 } }),
    );
    expect(values(rslave.items, "lxc.hook.start-host")).toEqual([]);
  });

  test("tmpcopyup: init's, for a tmpfs; nosymfollow: init's, on the mount alone", () => {
    const tmpfsAt = (destination: string, ...options: string[]) => ({ destination, type: "tmpfs", source: "tmpfs", options });
    const t = translate(
      spec((s) => {
        s.mounts!.push({ destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["rw", "nosuid", "tmpcopyup"] });
        s.mounts!.push({ destination: "/n", type: "bind", source: "/data", options: ["rbind", "nosymfollow"] });
      }),
      ctx(),
    );
    expect(t.setup.tmpfs).toEqual([{ path: "/tmp", copyUp: true }]);
    // the image directory's mode, unless the options name one
    const modes = translate(
      spec((s) => s.mounts!.push(tmpfsAt("/a"), tmpfsAt("/b", "mode=700"), tmpfsAt("/a/c"))),
      ctx({ dirMode: (p) => (p === "/b/rootfs/a" ? 0o750 : p === "/b/rootfs/b" ? 0o711 : undefined) }),
    );
    // first in the data, as runc >= 1.2 (a read-only tmpfs could not be chmod'ed after)
    const entries2 = values(modes.items, "lxc.mount.entry");
    expect(entries2).toContain("tmpfs a tmpfs mode=0750 0 0");
    expect(entries2).toContain("tmpfs b tmpfs mode=700 0 0");
    expect(entries2.some((e) => e.startsWith("tmpfs a/c "))).toBe(true);
    expect(entries2.find((e) => e.startsWith("tmpfs a/c "))).not.toContain("mode=");
    const entries = values(t.items, "lxc.mount.entry");
    expect(entries).toContain("tmpfs tmp tmpfs rw,nosuid 0 0");
    expect(entries).toContain("/data n none rbind 0 0");
    expect(t.setup.recursive).toEqual([{ path: "/n", set: 0x200000, clr: 0, top: true }]);
    // a read-only tmpfs: mounted read-write, the mount made read-only by init (runc's remount), not its filesystem
    const plainRo = translate(
      spec((s) => s.mounts!.push(tmpfsAt("/r", "ro", "nodev"))),
      ctx(),
    );
    expect(values(plainRo.items, "lxc.mount.entry")).toContain("tmpfs r tmpfs nodev 0 0");
    expect(plainRo.setup.recursive).toEqual([{ path: "/r", set: 0x1, clr: 0, top: true }]);
    // a bind mount's own flags are init's too (liblxc remounts only a read-only bind), before its recursive ones
    const flags = translate(
      spec((s) =>
        s.mounts!.push({
          destination: "/v",
          type: "bind",
          source: "/data",
          options: ["rbind", "nosuid", "nodev", "noexec", "noatime", "rro"],
        }),
      ),
      ctx(),
    );
    expect(flags.setup.recursive).toEqual([
      { path: "/v", set: 0x2 | 0x4 | 0x8 | 0x10, clr: 0x70, top: true },
      { path: "/v", set: 0x1, clr: 0 },
    ]);
    const bad = (m: object) => error(() => spec((s) => s.mounts!.push(m as never)));
    expect(bad({ destination: "/x", type: "bind", source: "/data", options: ["bind", "tmpcopyup"] })).toContain(
      'mounts[7].options[1]: "tmpcopyup" applies to a tmpfs mount only',
    );
    // read-only: mounted read-write, made read-only by init after the copy
    const ro = translate(
      spec((s) => s.mounts!.push({ destination: "/r", type: "tmpfs", source: "tmpfs", options: ["ro", "nosuid", "tmpcopyup"] })),
      ctx(),
    );
    expect(values(ro.items, "lxc.mount.entry")).toContain("tmpfs r tmpfs nosuid 0 0");
    expect(ro.setup.recursive).toEqual([{ path: "/r", set: 1, clr: 0, top: true }]);
  });

  test("device rules on cgroup v1: a rule that would punch a hole in a wildcard one is refused naming it (v1 ignores it; runc refuses it on v1 and v2)", () => {
    const rules = (devices: object[]) => spec((s) => (s.linux!.resources = { devices: devices as never }));
    const hole = [
      { allow: false, access: "rwm" },
      { allow: true, type: "c", access: "rwm" },
      { allow: false, type: "c", major: 1, minor: 5, access: "r" },
    ];
    expect(error(() => translate(rules(hole), ctx({ cgroup: "v1" })))).toStartWith(
      'config.json: linux.resources.devices[2]: "c 1:5 r" (deny) cannot be applied after "c *:* rwm" (linux.resources.devices[1]) (a hole in a wildcard rule',
    );
    // runc builds its v2 program through the same emulator: refused there too
    expect(error(() => translate(rules(hole), ctx({ cgroup: "v2" })))).toContain("linux.resources.devices[2]");
    // no overlap in access, an exact exception, or a reset in between: taken
    for (const ok of [
      [{ allow: false }, { allow: true, type: "c", access: "m" }, { allow: false, type: "c", major: 1, minor: 5, access: "rw" }],
      [
        { allow: false },
        { allow: true, type: "c", major: 1, minor: 5, access: "rwm" },
        { allow: false, type: "c", major: 1, minor: 5, access: "w" },
      ],
      [{ allow: true, type: "c", access: "rwm" }, { allow: false }, { allow: false, type: "c", major: 1, minor: 5 }],
      [{ allow: true }, { allow: false, type: "c", major: 1, minor: 5, access: "rwm" }],
    ])
      expect(() => translate(rules(ok), ctx({ cgroup: "v1" }))).not.toThrow();
    // a blacklist (allow all) with a wildcard deny: the default allows would punch it; named by the wildcard ("m" went with the default "c *:* m")
    expect(error(() => translate(rules([{ allow: true }, { allow: false, type: "c", access: "rwm" }]), ctx({ cgroup: "v1" })))).toContain(
      'linux.resources.devices[1]: "c 1:3 rwm" (allow) cannot be applied after "c *:* rw" (linux.resources.devices[1])',
    );
  });

  test("device rules: user rules in order, then the defaults; v1 or v2 keys", () => {
    const v1 = deviceItems(spec(), "v1");
    expect(v1[0]).toEqual(["lxc.cgroup.devices.deny", "a"]);
    expect(v1[1]).toEqual(["lxc.cgroup.devices.allow", "c *:* m"]);
    // as runc, from "deny all" when the config starts otherwise or has no rule (else the parent's rules: every device)
    for (const devices of [undefined, [], [{ allow: true, type: "c", major: 10, minor: 200, access: "rwm" }]]) {
      const it = deviceItems(
        spec((s) => (s.linux!.resources = { devices: devices as never })),
        "v2",
      );
      expect(it[0]).toEqual(["lxc.cgroup2.devices.deny", "a"]);
      expect(it.filter(([, v]) => v === "a").length).toBe(1);
    }
    const v2 = deviceItems(
      spec((s) => s.linux!.resources!.devices!.push({ allow: true, type: "c", major: 10, minor: 200, access: "rwm" })),
      "v2",
    );
    expect(v2.slice(0, 2)).toEqual([
      ["lxc.cgroup2.devices.deny", "a"],
      ["lxc.cgroup2.devices.allow", "c 10:200 rwm"],
    ]);
    const t = translate(
      spec(
        (s) =>
          (s.linux!.devices = [
            { type: "c", path: "/dev/fuse", major: 10, minor: 229, fileMode: 0o640, uid: 5, gid: 6 },
            { type: "p", path: "/dev/fifo" },
            { type: "c", path: "/dev/null", major: 1, minor: 3 },
          ]),
      ),
      ctx(),
    );
    // on the /dev tmpfs without a user namespace init makes the default devices too (never the
    // host's inodes); a default one the config lists keeps its own mode
    const dflt = (name: string, minor: number, major = 1) => ({ path: `/dev/${name}`, mode: 0o020666, major, minor, uid: 0, gid: 0 });
    expect(t.setup.devices).toEqual([
      dflt("null", 3),
      dflt("zero", 5),
      dflt("full", 7),
      dflt("random", 8),
      dflt("urandom", 9),
      dflt("tty", 0, 5),
      { path: "/dev/fuse", mode: 0o020640, major: 10, minor: 229, uid: 5, gid: 6 },
      { path: "/dev/fifo", mode: 0o010666, major: 0, minor: 0, uid: 0, gid: 0 },
    ]);
    expect(
      error(() =>
        translate(
          spec((s) => (s.linux!.devices = [{ type: "c", path: "/dev/null", major: 1, minor: 4 }])),
          ctx(),
        ),
      ),
    ).toContain("linux.devices[0]: /dev/null must be c 1:3, got c 1:4");
    expect(
      error(() =>
        translate(
          spec((s) => (s.linux!.devices = [{ type: "b", path: "/dev/x" }])),
          ctx(),
        ),
      ),
    ).toContain("linux.devices[0]: a b device needs major and minor");
  });

  test("cgroupsPath: absolute under the root, relative under lxcri/", () => {
    const at = (path: string) => items(spec((s) => (s.linux!.cgroupsPath = path)));
    expect(values(at("/a/b"), "lxc.cgroup.dir.container")).toEqual(["a/b"]);
    expect(values(at("x"), "lxc.cgroup.dir.container")).toEqual(["lxcri/x"]);
    expect(values(at("x"), "lxc.cgroup.dir.monitor")).toEqual(["lxc.monitor.c1"]);
    expect(error(() => spec((s) => (s.linux!.cgroupsPath = "system.slice:lxcri:c1")))).toContain("linux.cgroupsPath");
    expect(error(() => spec((s) => (s.linux!.cgroupsPath = "/a/../..")))).toContain("linux.cgroupsPath");
    expect(error(() => spec((s) => (s.linux!.cgroupsPath = "//")))).toContain("linux.cgroupsPath: must not be the cgroup root");
  });

  test("fields lxcri cannot apply yet are errors, never dropped", () => {
    expect(error(() => items(spec((s) => (s.linux!.intelRdt = { closID: "x" }))))).toBe(
      "config.json: linux.intelRdt: is not supported yet",
    );
    expect(error(() => items(spec((s) => (s.linux!.resources!.rdma = { mlx5_1: { hcaHandles: 3 } }))))).toBe(
      "config.json: linux.resources.rdma: is not supported yet",
    );
    expect(error(() => items(spec((s) => (s.process!.selinuxLabel = "x"))))).toContain("process.selinuxLabel");
  });

  test("netDevices: each host device a phys network under its new name, set up; names checked; the host's device must exist", () => {
    const c = ctx({ stat: (p) => (p === "/sys/class/net/eth1" || p === "/sys/class/net/eth2" ? "dir" : "missing") });
    const withNet = (devices: Record<string, { name?: string }>) =>
      spec((s) => {
        s.linux!.netDevices = devices; // the default spec has a new network namespace
      });
    const it = items(withNet({ eth1: { name: "ctr0" }, eth2: {} }), c);
    expect(it.filter(([k]) => k.startsWith("lxc.net."))).toEqual([
      ["lxc.net.0.type", "empty"],
      ["lxc.net.0.flags", "up"],
      ["lxc.net.1.type", "phys"],
      ["lxc.net.1.link", "eth1"],
      ["lxc.net.1.name", "ctr0"],
      ["lxc.net.1.flags", "up"],
      ["lxc.net.2.type", "phys"],
      ["lxc.net.2.link", "eth2"],
      ["lxc.net.2.name", "eth2"],
      ["lxc.net.2.flags", "up"],
    ]);
    expect(error(() => items(withNet({ eth9: {} }), c))).toContain('linux.netDevices["eth9"]: no such network device on the host');
    expect(error(() => withNet({ "a/b": {} }))).toContain('linux.netDevices["a/b"]: invalid network device name');
    expect(error(() => withNet({ eth1: { name: "x".repeat(16) } }))).toContain(
      'linux.netDevices["eth1"].name: invalid network device name',
    );
    expect(error(() => withNet({ eth1: { name: "lo" } }))).toContain("loopback");
    expect(error(() => withNet({ eth1: { name: "eth2" }, eth2: {} }))).toContain('"eth1" has the name "eth2"');
    expect(
      error(() =>
        spec((s) => {
          s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "network");
          s.linux!.netDevices = { eth1: {} };
        }),
      ),
    ).toContain("linux.netDevices: moving network devices needs a network namespace of the container's own");
    // a joined namespace: create moves the devices itself (no liblxc network); a device's addresses go with it
    const joined = spec((s) => {
      s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === "network" ? { ...n, path: "/run/netns/x" } : n));
      s.linux!.netDevices = { eth1: {} };
    });
    expect(items(joined, c).filter(([k]) => /^lxc\.net\.[1-9]/.test(k))).toEqual([]);
    expect(netDeviceMoves(joined)).toEqual([{ host: "eth1", name: "eth1", nsPath: "/run/netns/x" }]);
    const addressed = ctx({ netDeviceAddresses: (n) => (n === "eth1" ? ["10.0.0.2/24", "fd00:0:0:0:0:0:0:2/64"] : undefined) });
    expect(items(withNet({ eth1: {} }), addressed).filter(([k]) => k.startsWith("lxc.net.1."))).toEqual([
      ["lxc.net.1.type", "phys"],
      ["lxc.net.1.link", "eth1"],
      ["lxc.net.1.name", "eth1"],
      ["lxc.net.1.ipv4.address", "10.0.0.2/24"],
      ["lxc.net.1.ipv6.address", "fd00:0:0:0:0:0:0:2/64"],
      ["lxc.net.1.flags", "up"],
    ]);
  });

  test("sysctl: only namespaced keys, and only in a namespace of the container's own (new, or joined but not the runtime's)", () => {
    expect(values(items(spec((s) => (s.linux!.sysctl = { "net.ipv4.ip_forward": "1" }))), "lxc.sysctl.net.ipv4.ip_forward")).toEqual(["1"]);
    expect(values(items(spec((s) => (s.linux!.sysctl = { "kernel/shmmax": "1" }))), "lxc.sysctl.kernel/shmmax")).toEqual(["1"]);
    expect(error(() => items(spec((s) => (s.linux!.sysctl = { "a b": "1" }))))).toContain('linux.sysctl["a b"]');
    expect(error(() => items(spec((s) => (s.linux!.sysctl = { "vm.swappiness": "1" }))))).toContain(
      'linux.sysctl["vm.swappiness"]: is not a namespaced sysctl',
    );
    expect(
      error(() =>
        items(
          spec((s) => {
            s.linux!.sysctl = { "net.ipv4.ip_forward": "1" };
            s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "network");
          }),
        ),
      ),
    ).toContain("needs a network namespace of the container's own");
    // podman: its own network namespace, joined by path, with net.ipv4.ping_group_range
    const joined = (path: string) =>
      spec((s) => {
        s.linux!.sysctl = { "net.ipv4.ping_group_range": "0 0" };
        s.linux!.namespaces = [...s.linux!.namespaces!.filter((n) => n.type !== "network"), { type: "network", path }];
      });
    expect(values(items(joined("/run/netns/podman-1")), "lxc.sysctl.net.ipv4.ping_group_range")).toEqual(["0 0"]);
    expect(error(() => items(joined("/proc/1/ns/net")))).toContain("needs a network namespace of the container's own");
  });

  test("domainname goes to init, with a new uts namespace", () => {
    expect(
      translate(
        spec((s) => (s.domainname = "example.org")),
        ctx(),
      ).setup.domainname,
    ).toBe("example.org");
    expect(
      error(() =>
        items(
          spec((s) => {
            s.domainname = "x";
            s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "uts");
            delete s.hostname;
          }),
        ),
      ),
    ).toContain("domainname: setting a domain name needs a uts namespace");
  });
});

describe("rootless without a cgroup (src/cgroups/rootless-host.ts rootlessCgroups: none the caller may write)", () => {
  const own = ctx({
    cgroupless: true,
    cgroupHierarchies: [
      { name: "memory", fstype: "cgroup", options: "memory", base: "/sys/fs/cgroup/memory/user.slice" },
      { name: "systemd", fstype: "cgroup", options: "none,name=systemd", base: "/sys/fs/cgroup/systemd/user.slice" },
    ],
  });

  test("no device rules; the cgroup mount binds the caller's own cgroups, as runc's", () => {
    const it = items(spec(), own);
    expect(it.filter(([k]) => k.startsWith("lxc.cgroup.devices") || k.startsWith("lxc.cgroup2.devices"))).toEqual([]);
    // the same spec with cgroups has them
    expect(items(spec()).some(([k]) => k.startsWith("lxc.cgroup.devices"))).toBe(true);
    const entries = values(it, "lxc.mount.entry");
    expect(entries).toContain(
      "/sys/fs/cgroup/memory/user.slice sys/fs/cgroup/memory none rbind,nosuid,noexec,nodev,relatime,ro,create=dir 0 0",
    );
    expect(entries.some((e) => e.includes("lxc.payload"))).toBe(false);
  });

  test("pure v2: the caller's own cgroup bound at /sys/fs/cgroup, never a cgroup2 mount (no cgroup namespace liblxc owns)", () => {
    const v2 = ctx({ cgroupless: true, cgroup: "v2", cgroupHierarchies: [], cgroupV2Base: "/sys/fs/cgroup/system.slice/x.service" });
    const entries = values(items(spec(), v2), "lxc.mount.entry");
    expect(entries).toContain(
      "/sys/fs/cgroup/system.slice/x.service sys/fs/cgroup none rbind,nosuid,noexec,nodev,relatime,ro,create=dir 0 0",
    );
    expect(entries.some((e) => e.startsWith("cgroup2 "))).toBe(false);
  });

  test("a limit is refused naming linux.resources and the file (runc: cannot set … limit)", () => {
    const limited = spec((s) => (s.linux!.resources = { memory: { limit: 64 << 20 } }));
    const e = error(() => translate(limited, own));
    expect(e).toContain("linux.resources");
    expect(e).toContain("cannot set memory limit (memory.limit_in_bytes)");
    // pids too; only device rules are let go
    expect(
      error(() =>
        translate(
          spec((s) => (s.linux!.resources = { pids: { limit: 10 } })),
          own,
        ),
      ),
    ).toContain("cannot set pids limit");
    // with a cgroup (a delegated subtree), limits go there, device rules still do not
    const delegated = ctx({ rootless: true, cgroup: "v2", cgroupHierarchies: [], cgroupV2Base: "/sys/fs/cgroup/u" });
    const withLimit = items(limited, delegated);
    expect(values(withLimit, "lxc.cgroup2.memory.max")).toEqual([String(64 << 20)]);
    expect(withLimit.filter(([k]) => k.startsWith("lxc.cgroup2.devices"))).toEqual([]);
    // and the cgroup mount binds the container's own cgroup (a cgroup2 mount fails before liblxc's late cgroup namespace)
    expect(values(withLimit, "lxc.mount.entry")).toContain(
      "/sys/fs/cgroup/u/lxc.payload.c1 sys/fs/cgroup none rbind,nosuid,noexec,nodev,relatime,ro,create=dir 0 0",
    );
    expect(() =>
      translate(
        spec((s) => (s.linux!.resources = { devices: [{ allow: false, access: "rwm" }] })),
        own,
      ),
    ).not.toThrow();
  });
});
