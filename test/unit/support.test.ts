// `lxcri features` and the checker read one table (src/spec/support.ts and the lists it names):
// what features lists, the checker takes; what the checker refuses, features does not list; every
// mount option runc knows is one or the other (never handed on unasked); and the liblxc config
// items lxcri writes are ones this liblxc has (lxc_config_item_is_supported).
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { configItemSupported } from "../../ffi/liblxc.ts";
import { features } from "../../src/features.ts";
import { hostLibraries } from "../../src/host/libraries.ts";
import { LIBLXC_ITEMS } from "../../src/lxc/liblxc-items.ts";
import { translate } from "../../src/lxc/translate.ts";
import { defaultSpec } from "../../src/spec/default.ts";
import { MOUNT_OPTIONS_REFUSED, REFUSED_FIELDS } from "../../src/spec/support.ts";
import type { Spec } from "../../src/spec/types.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import { translateContext } from "./translate-context.ts";

const f = features();

/** validateSpec of the default spec edited: undefined when taken, else the error's message. */
function refusal(edit: (s: Spec) => void): string | undefined {
  const s = defaultSpec(["true"]);
  edit(s);
  try {
    validateSpec(s);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** runc's mount options: `runc features` of runc 1.1.5 (installed here), and what runc 1.2-1.4 added. */
const RUNC_MOUNT_OPTIONS = [
  ...["acl", "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime", "loud", "mand"],
  ...["noacl", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand", "norelatime", "nostrictatime"],
  ...["nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime", "relatime", "remount", "rexec", "rnoatime"],
  ...["rnodev", "rnodiratime", "rnoexec", "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate"],
  ...["rrelatime", "rro", "rrw", "rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared"],
  ...["silent", "slave", "strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable"],
  ...["idmap", "ridmap"], // runc 1.2
];

/** A mount that takes `option` as lxcri applies it. */
function mountWith(s: Spec, option: string): void {
  if (option === "tmpcopyup") s.mounts!.push({ destination: "/t", type: "tmpfs", source: "tmpfs", options: [option] });
  else if (option === "idmap" || option === "ridmap") {
    s.linux!.namespaces!.push({ type: "user" });
    s.linux!.uidMappings = s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    s.mounts!.push({ destination: "/b", type: "bind", source: "/data", options: ["rbind", option] });
  } else s.mounts!.push({ destination: "/b", type: "bind", source: "/data", options: ["rbind", option] });
}

describe("features and the checker agree (one table)", () => {
  test.each(f.mountOptions)("mount option %s: listed, and taken", (o) => {
    expect(refusal((s) => mountWith(s, o))).toBeUndefined();
  });

  test.each(Object.keys(MOUNT_OPTIONS_REFUSED))("mount option %s: refused naming it, and not listed", (o) => {
    expect(refusal((s) => mountWith(s, o))).toContain(`mounts[${defaultSpec([]).mounts!.length}].options[1]: "${o}" is not supported`);
    expect(f.mountOptions).not.toContain(o);
  });

  test('a filesystem option without "=" (which liblxc 5.0 would drop) is taken: lxcri mounts that filesystem itself (src/lxc/staged-mounts.ts)', () => {
    const tmpfs = (options: string[]) => (s: Spec) => void s.mounts!.push({ destination: "/t", type: "tmpfs", source: "tmpfs", options });
    expect(refusal(tmpfs(["nosuid", "noswap", "size=1m"]))).toBeUndefined();
    expect(refusal(tmpfs(["inode64"]))).toBeUndefined();
    expect(
      refusal((s) => void s.mounts!.push({ destination: "/b", type: "bind", source: "/data", options: ["rbind", "inode64"] })),
    ).toBeUndefined();
  });

  test("every mount option runc knows is listed or refused: none reaches the filesystem as data unasked", () => {
    const neither = RUNC_MOUNT_OPTIONS.filter((o) => !f.mountOptions.includes(o) && !Object.hasOwn(MOUNT_OPTIONS_REFUSED, o));
    expect(neither).toEqual([]);
  });

  const refusedFields: Record<keyof typeof REFUSED_FIELDS, [(s: Spec) => void, () => boolean]> = {
    "linux.intelRdt": [(s) => void (s.linux!.intelRdt = { closID: "c" }), () => f.linux.intelRdt.enabled],
    "linux.resources.rdma": [(s) => void (s.linux!.resources = { rdma: { mlx5_1: { hcaHandles: 1 } } }), () => f.linux.cgroup.rdma],
  };
  test.each(Object.keys(REFUSED_FIELDS) as (keyof typeof REFUSED_FIELDS)[])("%s: refused with its reason, and off in features", (field) => {
    const [set, listed] = refusedFields[field];
    expect(refusal(set)).toContain(`${field}: ${REFUSED_FIELDS[field]}`);
    expect(listed()).toBe(false);
  });

  test.each(f.linux.namespaces)("namespace %s: listed, and taken", (ns) => {
    expect(
      refusal((s) => {
        s.linux!.namespaces = [...s.linux!.namespaces!.filter((n) => n.type !== ns), { type: ns as "pid" }];
        if (ns === "user") s.linux!.uidMappings = s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      }),
    ).toBeUndefined();
  });

  test.each(f.hooks)("hook %s: listed, and taken", (h) => {
    expect(refusal((s) => void (s.hooks = { [h]: [{ path: "/bin/true" }] }))).toBeUndefined();
  });

  const seccomp = (over: Partial<NonNullable<NonNullable<Spec["linux"]>["seccomp"]>>) => (s: Spec) =>
    void (s.linux!.seccomp = { defaultAction: "SCMP_ACT_ALLOW", ...over } as never);
  const notify = { listenerPath: "/run/agent.sock", syscalls: [{ names: ["mkdir"], action: "SCMP_ACT_NOTIFY" as const }] };

  test("seccomp: every listed architecture, action, operator and supported flag is taken", () => {
    for (const a of f.linux.seccomp.archs) expect(refusal(seccomp({ architectures: [a] }))).toBeUndefined();
    for (const action of f.linux.seccomp.actions) {
      const rule = { names: ["mkdir"], action };
      expect(refusal(seccomp(action === "SCMP_ACT_NOTIFY" ? notify : { syscalls: [rule] as never }))).toBeUndefined();
    }
    for (const op of f.linux.seccomp.operators)
      expect(
        refusal(seccomp({ syscalls: [{ names: ["kill"], action: "SCMP_ACT_ERRNO", args: [{ index: 1, value: 1, op }] }] as never })),
      ).toBeUndefined();
    for (const flag of f.linux.seccomp.supportedFlags) expect(refusal(seccomp({ ...notify, flags: [flag] as never }))).toBeUndefined();
  });

  test("seccomp: what is not listed is refused naming it", () => {
    expect(refusal(seccomp({ architectures: ["SCMP_ARCH_NOSUCH"] }))).toContain("linux.seccomp.architectures[0]: unknown architecture");
    for (const flag of f.linux.seccomp.knownFlags.filter((k) => !(f.linux.seccomp.supportedFlags as string[]).includes(k)))
      expect(refusal(seccomp({ flags: [flag] as never }))).toContain("linux.seccomp.flags[0]");
    expect(refusal(seccomp({ defaultAction: "SCMP_ACT_NOSUCH" as never }))).toContain("linux.seccomp.defaultAction");
  });

  test("memory policy: every listed mode and flag is taken", () => {
    for (const mode of f.linux.memoryPolicy.modes)
      expect(
        refusal(
          (s) => void (s.linux!.memoryPolicy = { mode, nodes: mode === "MPOL_DEFAULT" || mode === "MPOL_LOCAL" ? "" : "0" } as never),
        ),
      ).toBeUndefined();
    for (const flag of f.linux.memoryPolicy.flags)
      expect(refusal((s) => void (s.linux!.memoryPolicy = { mode: "MPOL_BIND", nodes: "0", flags: [flag] } as never))).toBeUndefined();
  });
});

const haveLiblxc = existsSync("/usr/lib/x86_64-linux-gnu/liblxc.so.1");

describe.skipIf(!haveLiblxc)("this liblxc has what lxcri writes (lxc_config_item_is_supported)", () => {
  test("a feature whose liblxc items are missing is not listed; with this liblxc all are", () => {
    const lacking = features({ itemSupported: (k) => !k.startsWith("lxc.time") });
    expect(lacking.linux.namespaces).not.toContain("time");
    expect(lacking.linux.apparmor.enabled).toBe(true);
    const here = features(hostLibraries());
    expect(here.linux.namespaces).toContain("time");
    expect([here.linux.apparmor.enabled, here.linux.cgroup.v1, here.linux.cgroup.v2]).toEqual([true, true, true]);
  });

  test("the items each listed feature needs", () => {
    for (const [feature, keys] of Object.entries(LIBLXC_ITEMS))
      for (const key of keys) expect(`${feature}: ${key} ${configItemSupported(key)}`).toBe(`${feature}: ${key} true`);
    expect(configItemSupported("lxc.no.such.item")).toBe(false);
  });

  test("features' annotations: what callers read (runc's checkpoint key), the libraries' versions", () => {
    const f = features(hostLibraries());
    expect(f.annotations["org.opencontainers.runc.checkpoint.enabled"]).toBe("true");
    expect(f.annotations["io.github.seccomp.libseccomp.version"]).toMatch(/^2\.\d+\.\d+$/);
    expect(f.annotations["org.linuxcontainers.lxc.version"]).toMatch(/^5\.0\.\d+$/);
  });

  test("every key translation writes for a config using much of the spec", () => {
    const s = defaultSpec(["true"]);
    s.linux!.namespaces!.push({ type: "time" }, { type: "user" });
    s.linux!.uidMappings = s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    s.linux!.timeOffsets = { boottime: { secs: 1, nanosecs: 0 }, monotonic: { secs: 1, nanosecs: 0 } };
    s.linux!.resources = { memory: { limit: 1 << 30 }, cpu: { shares: 512, cpus: "0" }, pids: { limit: 10 } };
    s.linux!.sysctl = { "net.ipv4.ip_forward": "1" };
    s.process!.apparmorProfile = "unconfined";
    s.process!.oomScoreAdj = 100;
    s.hostname = "h";
    s.mounts!.push({ destination: "/b", type: "bind", source: "/data", options: ["rbind", "ro"] });
    const ctx = translateContext({ cgroup: "v1", stat: (p) => (p === "/data" ? "dir" : "missing") });
    const keys = [...new Set(translate(validateSpec(s), ctx).items.map(([k]) => k))];
    expect(keys.length).toBeGreaterThan(15);
    expect(keys.filter((k) => configItemSupported(k) !== true)).toEqual([]);
  });
});
