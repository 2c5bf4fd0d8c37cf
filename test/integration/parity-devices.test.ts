// Device access, lxcri beside runc (installed here: 1.1.5): linux.resources.devices and
// linux.devices as the container meets them — each probe opens, writes or makes a device node
// and prints what happened (its output and exit status), under both runtimes with the same
// bundle. On this host the rules are the v1 devices cgroup's files; on cgroup v2 (the guest's
// job runs this file too) a BPF program neither runtime lets anyone read, so what a process
// can do is the only thing to compare. A row per rule set; a known difference says why. A rule
// that would punch a hole in a wildcard one is refused by both (cgroup v1 would ignore it; runc's
// v2 program is built through the same rules).
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, rmSync } from "node:fs";
import type { Spec } from "../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, LXCRI, testRoot } from "../helpers.ts";

const RUNC = ["/usr/sbin/runc", "/usr/bin/runc"].find((p) => existsSync(p));
const enabled = canRunContainers && !!RUNC;
const root = testRoot("parity-dev");
const runcRoot = `${root}-runc`;
afterAll(() => {
  if (!enabled) return;
  cleanupRoot(root);
  rmSync(runcRoot, { recursive: true, force: true });
});

/** name → shell; each prints what it got, then "= <status>". */
const PROBES: Record<string, string> = {
  "read /dev/null": "head -c1 /dev/null | wc -c",
  "read /dev/zero": "head -c1 /dev/zero | wc -c",
  "write /dev/full": "echo x > /dev/full",
  "read /dev/urandom": "head -c1 /dev/urandom | wc -c",
  "open /dev/tty": "echo x > /dev/tty",
  "mknod c 1:5, read it": "mknod /tmp/z c 1 5 && head -c1 /tmp/z | wc -c",
  "mknod c 1:9, read it": "mknod /tmp/u c 1 9 && head -c1 /tmp/u | wc -c",
  "mknod b 7:0, read it": "mknod /tmp/l b 7 0 && head -c1 /tmp/l | wc -c",
  "mknod c 4:1, write it": "mknod /tmp/t c 4 1 && echo x > /tmp/t",
  "read /dev/extra": "test -e /dev/extra && head -c1 /dev/extra | wc -c",
};
const script = Object.entries(PROBES)
  .map(([name, sh]) => `out=$( (${sh}) 2>&1 ); st=$?; echo "${name}: $(echo "$out" | sed 's/^[^:]*: //' | tr '\\n' ' ')= $st"`)
  .join("; ");

const deny = { allow: false, access: "rwm" };
const allow = (type: string, major: number | undefined, minor: number | undefined, access: string) => ({
  allow: true,
  type,
  ...(major === undefined ? {} : { major }),
  ...(minor === undefined ? {} : { minor }),
  access,
});

function outcome(runtime: "runc" | "lxcri", dir: string, id: string): string {
  const cmd = runtime === "runc" ? [RUNC!, "--root", runcRoot, "run", id] : [LXCRI, "--root", root, "run", id];
  const p = Bun.spawnSync(cmd, { cwd: dir, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  if (runtime === "runc") Bun.spawnSync([RUNC!, "--root", runcRoot, "delete", "--force", id]);
  return `${p.stdout.toString()}${p.stderr.toString()}exit ${p.exitCode}`;
}

describe.skipIf(!enabled)("device rules: lxcri and runc, the same bundle, the same access", () => {
  const cases: { name: string; devices: object[]; extra?: boolean; lxcriShows?: Record<string, string> }[] = [
    // runc 1.1.5 also allows c 10:200 (/dev/net/tun) by default, runc >= 1.2 and lxcri not (README)
    { name: "the default: deny all, then the runtime's default devices", devices: [deny] },
    {
      name: "allow every char device, deny c 1:5",
      devices: [deny, allow("c", undefined, undefined, "rwm"), { allow: false, type: "c", major: 1, minor: 5, access: "rwm" }],
    },
    { name: "c 1:5 read only, no mknod", devices: [deny, allow("c", 1, 5, "r")] },
    { name: "c 1:5 mknod only", devices: [deny, allow("c", 1, 5, "m")] },
    { name: "a wildcard minor: c 1:* rw", devices: [deny, allow("c", 1, undefined, "rw")] },
    { name: "block devices: b 7:0 rwm", devices: [deny, allow("b", 7, 0, "rwm")] },
    { name: "a character device of the config (linux.devices c 1:5 as /dev/extra), not allowed", devices: [deny], extra: true },
    { name: "a character device of the config, allowed rw", devices: [deny, allow("c", 1, 5, "rw")], extra: true },
    // both start from "deny all" (before, lxcri's container kept its parent's rules: every device)
    { name: "no rule at all", devices: [] },
    { name: "only allow rules", devices: [allow("c", 1, 5, "rwm")] },
    { name: "no resources.devices", devices: undefined as never },
  ];

  test.each(cases)("$name", ({ name, devices, extra, lxcriShows }) => {
    const id = `pd-${name.replace(/[^a-z]+/g, "").slice(0, 24)}-${process.pid}`;
    const dir = bundle(["sh", "-c", script], (s: Spec) => {
      s.process!.terminal = false;
      s.mounts!.push({ destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "size=1m"] });
      const caps = [...s.process!.capabilities!.bounding!, "CAP_MKNOD", "CAP_DAC_OVERRIDE"];
      s.process!.capabilities = { bounding: caps, effective: caps, permitted: caps };
      s.linux!.resources = { ...s.linux!.resources, devices: devices as never };
      if (devices === undefined) delete s.linux!.resources.devices;
      if (extra) s.linux!.devices = [{ path: "/dev/extra", type: "c", major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 }];
    });
    const runc = outcome("runc", dir, id);
    const ours = outcome("lxcri", dir, id);
    if (runc.includes("cannot punch hole in existing wildcard rule")) {
      // cgroup v1 ignores a hole in a wildcard rule: runc refuses it (on v2 too), lxcri at create naming the rule
      expect(ours).toContain("linux.resources.devices[");
      expect(ours).toContain("cannot be applied after");
      expect(ours).toEndWith("exit 1");
      return;
    }
    console.log(`[parity-devices] ${name}\n${ours}\n-- runc:\n${runc}`);
    const lines = (out: string) => Object.fromEntries(out.split("\n").map((l) => [l.split(":")[0], l]));
    const want = lines(runc);
    const got = lines(ours);
    const diffs = Object.fromEntries(
      Object.keys({ ...want, ...got })
        .filter((k) => want[k] !== got[k])
        .map((k) => [k, got[k]]),
    );
    expect(diffs).toEqual(lxcriShows ?? {});
  });
});
