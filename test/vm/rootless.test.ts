// Rootless mode where most users are: systemd as PID 1 on pure cgroup v2 (run in the VM:
// scripts/vm-test.sh). A real ordinary user (test/rootless-user.ts) runs podman with
// `--runtime lxcri` and lxcri's CLI directly. The job runs as a system service and the user
// has no login session here, so no cgroup subtree is delegated to them: as on cgroup v1,
// liblxc makes no cgroup (the caller's cgroup is not theirs to write) and a limit is refused
// naming linux.resources, as runc does. (A delegated subtree — a user's systemd session —
// is not used yet: docs/security.md, "Rootless".)
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeBundle } from "../../scripts/make-bundle.ts";
import { type RootlessUser, rootlessToolsMissing, rootlessUser } from "../rootless-user.ts";

const onSystemdV2 = existsSync("/run/systemd/system") && existsSync("/sys/fs/cgroup/cgroup.controllers");
if (!onSystemdV2 && process.env.LXCRI_REQUIRE_VM_TESTS === "1")
  throw new Error("test/vm needs systemd as PID 1 on pure cgroup v2: run it with scripts/vm-test.sh");
const missing = rootlessToolsMissing();
if (onSystemdV2 && missing && process.env.LXCRI_REQUIRE_VM_TESTS === "1")
  throw new Error(`rootless: ${missing} is missing in the guest (scripts/vm/packages)`);
const enabled = onSystemdV2 && !missing && process.getuid?.() === 0;
const IMAGE = "localhost/lxcri-rootless-busybox";

let u: RootlessUser;
const stateRoot = () => join(u.xdg, "lxcri");
const containersIn = () => (existsSync(stateRoot()) ? readdirSync(stateRoot()) : []);
const podman = (args: string[]) => u.run(["podman", "--runtime", u.lxcri, ...args], { timeout: 300_000 });

beforeAll(() => {
  if (!enabled) return;
  u = rootlessUser();
  rmSync(stateRoot(), { recursive: true, force: true });
});

afterAll(() => {
  if (!enabled) return;
  podman(["rm", "-af", "-t", "0"]);
  u.run(["podman", "system", "reset", "-f"]);
  rmSync(stateRoot(), { recursive: true, force: true });
  u.cleanup();
});

describe.skipIf(!enabled)("rootless on cgroup v2 + systemd", () => {
  test("podman run --rm, run -d, exec, stop, rm as an ordinary user", () => {
    const b = mkdtempSync("/tmp/lxcri-test-rootless-image-");
    makeBundle(b, ["sh"]);
    const tar = join(u.home, "rootfs.tar");
    expect(Bun.spawnSync(["tar", "-C", join(b, "rootfs"), "-cf", tar, "."]).exitCode).toBe(0);
    chownSync(tar, u.uid, u.gid);
    rmSync(b, { recursive: true, force: true });
    const imported = u.run(["podman", "import", tar, IMAGE], { timeout: 300_000 });
    expect(imported.stderr).not.toContain("Error");
    expect(imported.code).toBe(0);

    const r = podman(["run", "--rm", "--network", "none", IMAGE, "sh", "-c", "echo hi; cat /proc/self/uid_map"]);
    expect(r.stderr).not.toContain("refusing");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^hi\\n\\s+0\\s+${u.uid}\\s+1\\n`));

    const started = podman([
      "run",
      "-d",
      "--name",
      "rl-d",
      "--network",
      "none",
      IMAGE,
      "sh",
      "-c",
      "trap 'exit 7' TERM; while :; do sleep 0.1; done",
    ]);
    expect(started.code).toBe(0);
    const e = podman(["exec", "rl-d", "id", "-u"]);
    expect(e.code).toBe(0);
    expect(e.stdout).toBe("0\n");
    expect(podman(["stop", "-t", "20", "rl-d"]).code).toBe(0);
    expect(podman(["inspect", "--format", "{{.State.ExitCode}}", "rl-d"]).stdout.trim()).toBe("7");
    expect(podman(["rm", "rl-d"]).code).toBe(0);
    expect(containersIn()).toEqual([]);
  });

  test("lxcri's CLI by the user: spec --rootless, run; a limit refused with nothing left", () => {
    const b = mkdtempSync("/tmp/lxcri-test-rootless-bundle-");
    try {
      makeBundle(b, ["sh"]);
      rmSync(join(b, "config.json"));
      for (const p of [b, join(b, "rootfs")]) chownSync(p, u.uid, u.gid);
      chmodSync(b, 0o755);
      const lxcri = (args: string[]) => u.run([u.lxcri, ...args], { cwd: b, timeout: 300_000 });
      expect(lxcri(["spec", "--rootless"]).code).toBe(0);
      const file = join(b, "config.json");
      const spec = JSON.parse(readFileSync(file, "utf8"));
      spec.process.args = ["sh", "-c", "echo hello; id -u"];
      writeFileSync(file, JSON.stringify(spec));
      const r = lxcri(["run", "rl-cli"]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("hello\n0\n");
      spec.linux.resources = { memory: { limit: 67108864 } };
      writeFileSync(file, JSON.stringify(spec));
      const limited = lxcri(["run", "rl-mem"]);
      expect(limited.code).toBe(1);
      expect(limited.stderr).toContain("cannot set memory limit");
      expect(containersIn()).toEqual([]);
    } finally {
      rmSync(b, { recursive: true, force: true });
    }
  });
});
