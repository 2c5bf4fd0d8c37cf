// Where a refusal comes from: each checked document (config.json, an exec's
// process, an update's --resources) is named by the entry point that was
// given it, with the field below its own root; and a config that is valid but
// that this host cannot do is its own kind of error (unsupported-on-host),
// the only refusal translation (src/lxc) makes.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { updateSettings } from "../../src/container/update.ts";
import { ConfigError, checkedFrom, LxcriError } from "../../src/errors.ts";
import { appArmorEnabled, checkAppArmorProfile } from "../../src/host/apparmor.ts";
import { checkSelinuxLabel, selinuxEnabled, writableSelinuxfs } from "../../src/host/selinux.ts";
import { translate, type TranslateContext } from "../../src/lxc/translate.ts";
import { defaultSpec } from "../../src/spec/default.ts";
import type { Spec } from "../../src/spec/types.ts";
import { translateContext } from "./translate-context.ts";
import { validateProcess, validateSpec } from "../../src/spec/validate.ts";

/** The error `fn` throws (it must throw an LxcriError). */
function thrown(fn: () => unknown): LxcriError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LxcriError) return e;
    throw e;
  }
  throw new Error("did not throw");
}

const ctx = (over: Partial<TranslateContext> = {}) =>
  translateContext({ isRuntimeNamespace: (_type, path) => path === "/proc/1/ns/net", ...over });
const spec = (edit: (s: Spec) => void): Spec => {
  const s = defaultSpec(["true"]);
  edit(s);
  return s;
};

describe("the source is the entry point's", () => {
  test("config.json: the JSON path from the document's root, with the path and the detail apart", () => {
    const e = thrown(() => validateSpec(spec((s) => (s.process.args = [5 as never]))));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe("config.json: process.args[0]: expected a string, got number 5");
    expect(e.code).toBe("invalid-config");
    expect({ source: (e as ConfigError).source, path: (e as ConfigError).path, detail: (e as ConfigError).detail }).toEqual({
      source: "config.json",
      path: "process.args[0]",
      detail: "expected a string, got number 5",
    });
    const named = thrown(() => validateSpec({}, { source: { label: "/b/config.json", code: "invalid-config" } }));
    expect(named.message).toBe("/b/config.json: ociVersion: is required");
  });

  test("an exec's process.json: its file, and fields from its root", () => {
    const proc = (edit: (p: Record<string, unknown>) => void) => {
      const p: Record<string, unknown> = structuredClone(defaultSpec().process) as never;
      edit(p);
      return p;
    };
    const e = thrown(() =>
      validateProcess(
        proc((p) => (p.args = [])),
        "/tmp/process.json",
      ),
    );
    expect(e.message).toBe("/tmp/process.json: args: must not be empty");
    expect(e.code).toBe("invalid-config");
    expect(
      thrown(() =>
        validateProcess(
          proc((p) => (p.cwd = "rel")),
          "/tmp/process.json",
        ),
      ).message,
    ).toBe('/tmp/process.json: cwd: must be an absolute path, got "rel"');
    const limits = [
      { type: "RLIMIT_NOFILE", soft: 1, hard: 1 },
      { type: "RLIMIT_NOFILE", soft: 1, hard: 1 },
    ];
    expect(
      thrown(() =>
        validateProcess(
          proc((p) => (p.rlimits = limits)),
          "p.json",
        ),
      ).message,
    ).toBe('p.json: rlimits[1].type: duplicate rlimit "RLIMIT_NOFILE"');
    // ExecOptions.process, as the library's exec checks it
    const lib = thrown(() =>
      validateProcess(
        proc((p) => (p.selinuxLabel = "x")),
        { label: "exec", code: "invalid-argument" },
        "process",
      ),
    );
    expect(lib.message).toBe('exec: process.selinuxLabel: is not an SELinux context (user:role:type[:level]): "x"');
    expect(lib.code).toBe("invalid-argument");
  });

  test("an update's --resources: fields from its root, also for what this host cannot do", () => {
    const e = thrown(() => updateSettings({ memory: { limit: -5 } }, "v2", () => {}));
    expect(e.message).toBe("--resources: memory.limit: -5 is out of range [-1, 9007199254740991]");
    expect(e.code).toBe("invalid-argument");
    const host = thrown(() => updateSettings({ memory: { swappiness: 10 } }, "v2", () => {}));
    expect(host.message).toBe("--resources: memory.swappiness: has no cgroup v2 equivalent");
    expect(host.code).toBe("unsupported-on-host");
    expect(thrown(() => updateSettings({ rdma: { mlx5_1: {} } }, "v2", () => {})).message).toBe("--resources: rdma: is not supported yet");
    const warnings: string[] = [];
    expect(updateSettings({ memory: { limit: 1 << 20, kernel: 1 }, devices: [{ allow: "bad" }] }, "v1", (w) => warnings.push(w))).toEqual([
      { controller: "memory", file: "memory.limit_in_bytes", value: String(1 << 20) },
    ]);
    expect(warnings).toEqual([
      "--resources: memory.kernel: kernel memory limits are ignored (deprecated in runtime-spec, unsupported by recent kernels)",
    ]);
  });
});

describe("config errors and host refusals", () => {
  test("what this host cannot do is unsupported-on-host, named like a config error", () => {
    const cases: [Spec, Partial<TranslateContext>, string][] = [
      [
        spec((s) => (s.linux!.resources = { network: { classID: 1 } })),
        {},
        "linux.resources.network.classID: net_cls and net_prio have no cgroup v2 equivalent",
      ],
      [
        spec((s) => (s.linux!.resources = { unified: { "memory.high": "1" } })),
        { cgroup: "v1" },
        "linux.resources.unified: raw cgroup v2 keys need a cgroup v2 host",
      ],
      [
        spec((s) => {
          s.linux!.sysctl = { "net.ipv4.ip_forward": "1" };
          s.linux!.namespaces = [...s.linux!.namespaces!.filter((n) => n.type !== "network"), { type: "network", path: "/proc/1/ns/net" }];
        }),
        {},
        'linux.sysctl["net.ipv4.ip_forward"]: needs a network namespace of the container\'s own',
      ],
      [
        spec((s) => s.mounts!.push({ destination: "/run/fifo", source: "/run/fifo", type: "bind" })),
        { stat: (p) => (p === "/run/fifo" ? "fifo" : "missing") },
        'mounts[7].source: "/run/fifo" is a FIFO or socket: bind-mounting those is not supported',
      ],
      [
        spec((s) => s.mounts!.push({ destination: "/data", source: "/data", type: "bind" })),
        {},
        'mounts[7].source: "/data" does not exist',
      ],
      [
        spec((s) => s.mounts!.push({ destination: "/link", source: "/data", type: "bind" })),
        { stat: () => "dir", resolve: (p) => (p === "/link" ? "/proc/sys" : p) },
        "mounts[7].destination: /proc/sys: mounts below /proc are refused",
      ],
    ];
    for (const [s, over, message] of cases) {
      const e = thrown(() => translate(validateSpec(s), ctx(over)));
      expect({ message: e.message, code: e.code }).toEqual({
        message: expect.stringContaining(`config.json: ${message}`),
        code: "unsupported-on-host",
      });
    }
  });

  test("an AppArmor profile: valid anywhere (the checker is host-independent), refused by src/host where AppArmor is off", () => {
    const s = validateSpec(spec((s) => (s.process.apparmorProfile = "p1")));
    expect(s.process.apparmorProfile).toBe("p1");
    expect(() => checkAppArmorProfile("unconfined")).not.toThrow();
    expect(() => checkAppArmorProfile(undefined)).not.toThrow();
    if (appArmorEnabled()) return expect(() => checkAppArmorProfile("p1")).not.toThrow();
    const e = thrown(() => checkAppArmorProfile("p1"));
    expect({ message: e.message, code: e.code }).toEqual({
      message: 'config.json: process.apparmorProfile: AppArmor is not enabled on this host: cannot confine the process by profile "p1"',
      code: "unsupported-on-host",
    });
    // exec names its own source, and keeps the host's code
    const x = thrown(() => checkedFrom({ label: "exec", code: "invalid-argument" }, () => checkAppArmorProfile("p1")));
    expect([x.message.split(":").slice(0, 2).join(":"), x.code]).toEqual(["exec: process.apparmorProfile", "unsupported-on-host"]);
  });

  test("SELinux labels: contexts only, valid anywhere; refused by src/host where SELinux is off, as runc", () => {
    const label = "system_u:system_r:container_t:s0:c1,c2";
    const s = validateSpec(
      spec((s) => {
        s.process.selinuxLabel = label;
        s.linux = { ...s.linux, mountLabel: "system_u:object_r:container_file_t:s0:c1,c2" };
      }),
    );
    expect([s.process.selinuxLabel, s.linux?.mountLabel]).toEqual([label, "system_u:object_r:container_file_t:s0:c1,c2"]);
    expect(validateSpec(spec((s) => (s.process.selinuxLabel = "u:r:t"))).process.selinuxLabel).toBe("u:r:t");
    // what would end context="…" early and add mount options of its own, or is no context at all
    for (const bad of ['u:r:t:s0",size=1', "u:r:t:s0 x", "container_t", "u:r:t:s0\\n", "u:r:t\\"]) {
      const e = thrown(() => validateSpec(spec((s) => (s.linux = { ...s.linux, mountLabel: bad }))));
      expect(e.message).toStartWith("config.json: linux.mountLabel: is not an SELinux context");
      expect(e.code).toBe("invalid-config");
    }
    expect(() => checkSelinuxLabel(undefined, "process.selinuxLabel")).not.toThrow();
    expect(() => checkSelinuxLabel("", "process.selinuxLabel")).not.toThrow();
    if (selinuxEnabled()) return expect(() => checkSelinuxLabel(label, "process.selinuxLabel")).not.toThrow();
    const e = thrown(() => checkSelinuxLabel(label, "linux.mountLabel"));
    expect({ message: e.message, code: e.code }).toEqual({
      message: `config.json: linux.mountLabel: SELinux is not enabled on this host: cannot apply the label "${label}"`,
      code: "unsupported-on-host",
    });
  });

  test("SELinux is on where an selinuxfs is mounted read-write (go-selinux's GetEnabled)", () => {
    const line = (opts: string) => `30 22 0:27 / /sys/fs/selinux ${opts} shared:9 - selinuxfs selinuxfs rw`;
    expect(writableSelinuxfs(`1 0 8:1 / / rw - ext4 /dev/vda rw\n${line("rw,relatime")}\n`)).toBe("/sys/fs/selinux");
    // a container's read-only selinuxfs (podman mounts it so) says SELinux is off, as libselinux takes it
    expect(writableSelinuxfs(line("ro,relatime"))).toBeUndefined();
    expect(writableSelinuxfs("1 0 8:1 / / rw - ext4 /dev/vda rw\n25 1 0:5 / /sel rw - tmpfs selinuxfs rw")).toBeUndefined();
  });

  test("what no host could do is the checker's (invalid-config), before translation", () => {
    for (const edit of [
      (s: Spec) => (s.linux!.personality = { domain: "LINUX", flags: ["x"] }),
      (s: Spec) => (s.linux!.seccomp = { defaultAction: "SCMP_ACT_NOTIFY" as never }),
      (s: Spec) => (s.linux!.timeOffsets = { monotonic: { secs: 1 } }),
      (s: Spec) => (s.linux!.sysctl = { "vm.swappiness": "1" }),
      (s: Spec) => (s.linux!.cgroupsPath = "a:b:c"),
      (s: Spec) => (s.linux!.memoryPolicy = { mode: "MPOL_BIND" }),
      (s: Spec) => (s.linux!.resources = { cpu: { cpus: "x" } }),
      (s: Spec) => (s.linux!.mountLabel = "x"),
      (s: Spec) => (s.process.scheduler = { policy: "SCHED_FIFO" }),
      (s: Spec) => (s.domainname = "x".repeat(65)),
      (s: Spec) => s.mounts!.push({ destination: "/proc", type: "tmpfs" }),
    ])
      expect(thrown(() => validateSpec(spec(edit))).code).toBe("invalid-config");
  });

  test("src/lxc refuses only as unsupportedOnHost (and read-back.ts at the boundary), and checks nothing itself", () => {
    const dir = join(import.meta.dir, "..", "..", "src", "lxc");
    const wrong = [...new Bun.Glob("*.ts").scanSync({ cwd: dir })].filter(
      (f) => f !== "read-back.ts" && /\bconfigError\b|new LxcriError|spec\/check\.ts/.test(readFileSync(join(dir, f), "utf8")),
    );
    expect(wrong).toEqual([]);
  });
});
