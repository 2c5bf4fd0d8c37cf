// Rootless mode where most users are: systemd as PID 1 on pure cgroup v2 (run in the VM:
// scripts/vm-test.sh). A real ordinary user (test/rootless-user.ts) runs podman with
// `--runtime lxcri` and lxcri's CLI directly. The job runs as a system service and the user
// has no login session here, so no cgroup subtree is delegated to them: as on cgroup v1,
// liblxc makes no cgroup (the caller's cgroup is not theirs to write) and a limit is refused
// naming linux.resources, as runc does. With a cgroup v2 subtree delegated to the user (as
// systemd's Delegate=yes makes one: the directory and its cgroup.procs, cgroup.subtree_control
// and cgroup.threads the user's), the container gets its own cgroup below it with its limits.
// Last, the user gets a systemd of their own (loginctl enable-linger; dbus-user-session gives it
// its bus): podman then uses its systemd cgroup manager and lxcri starts the container's scope
// under the user's manager (src/cgroups/user-scope.ts), the limits set there.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { makeBundle } from "../../scripts/make-bundle.ts";
import { defaultSpec } from "../../src/spec/default.ts";
import { toRootless } from "../../src/spec/rootless.ts";
import { argv } from "../argv.ts";
import {
  containersOf,
  importBusyboxAs,
  podmanOf,
  type RootlessUser,
  removeRootless,
  rootlessToolsMissing,
  rootlessUser,
  stateRootOf,
  userBundle,
} from "../rootless-user.ts";

const onSystemdV2 = existsSync("/run/systemd/system") && existsSync("/sys/fs/cgroup/cgroup.controllers");
if (!onSystemdV2 && process.env.LXCRI_REQUIRE_VM_TESTS === "1")
  throw new Error("test/vm needs systemd as PID 1 on pure cgroup v2: run it with scripts/vm-test.sh");
const missing = rootlessToolsMissing();
if (onSystemdV2 && missing && process.env.LXCRI_REQUIRE_VM_TESTS === "1")
  throw new Error(`rootless: ${missing} is missing in the guest (scripts/vm/packages)`);
const enabled = onSystemdV2 && !missing && process.getuid?.() === 0;
const IMAGE = "localhost/lxcri-rootless-busybox";

let u: RootlessUser;
const stateRoot = () => stateRootOf(u);
const containersIn = () => containersOf(u);
const podman = (args: string[]) => podmanOf(u, 300_000)(args);

beforeAll(() => {
  if (!enabled) return;
  u = rootlessUser();
  rmSync(stateRoot(), { recursive: true, force: true });
});

afterAll(() => {
  if (enabled) removeRootless(u, podman);
});

describe.skipIf(!enabled)("rootless on cgroup v2 + systemd", () => {
  test("podman run --rm, run -d, exec, stop, rm as an ordinary user", () => {
    const imported = importBusyboxAs(u, IMAGE, 300_000);
    expect(imported.stderr).not.toContain("Error");
    expect(imported.code).toBe(0);

    const r = podman(["run", "--rm", "--network", "none", IMAGE, "sh", "-c", "echo hi; cat /proc/self/uid_map"]);
    expect(r.stderr).not.toContain("refusing");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^hi\\n\\s+0\\s+${u.uid}\\s+1\\n`));

    const started = podman(argv`run -d --name rl-d --network none ${IMAGE} sh -c ${"trap 'exit 7' TERM; while :; do sleep 0.1; done"}`);
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
    const b = userBundle(u);
    try {
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

describe.skipIf(!enabled)("rootless with a delegated cgroup v2 subtree", () => {
  const deleg = "/sys/fs/cgroup/lxcri-test-rootless-delegated";
  let calls = 0;
  let b: string;

  /** A cgroup of the user's below the delegated one, as systemd delegates it: the directory and each file the kernel lists. */
  const userCgroup = (dir: string) => {
    mkdirSync(dir);
    const files = readFileSync("/sys/kernel/cgroup/delegate", "utf8").split(/\s+/).filter(Boolean);
    for (const f of ["", ...files]) if (existsSync(join(dir, f))) chownSync(join(dir, f), u.uid, u.gid);
  };

  /** lxcri as the user, started alone in a fresh cgroup of its own in the delegated subtree (as `systemd-run --user --scope` starts it). */
  const asUser = (args: string[]) => {
    const cg = join(deleg, `call-${calls++}`);
    userCgroup(cg);
    const io = mkdtempSync("/tmp/lxcri-test-rootless-io-");
    const out = openSync(join(io, "out"), "w");
    const err = openSync(join(io, "err"), "w");
    const env = [`HOME=${u.home}`, `USER=${u.name}`, `XDG_RUNTIME_DIR=${u.xdg}`, "PATH=/usr/bin:/bin:/usr/sbin:/sbin"];
    const p = Bun.spawnSync(
      [
        "sh",
        "-c",
        'cg=$0 u=$1 g=$2; shift 2; echo $$ > "$cg/cgroup.procs" && exec setpriv --reuid="$u" --regid="$g" --init-groups env -i "$@"',
        cg,
        String(u.uid),
        String(u.gid),
        ...env,
        u.lxcri,
        ...args,
      ],
      { cwd: b, stdin: "ignore", stdout: out, stderr: err, timeout: 300_000 },
    );
    closeSync(out);
    closeSync(err);
    const r = { code: p.exitCode ?? 137, stdout: readFileSync(join(io, "out"), "utf8"), stderr: readFileSync(join(io, "err"), "utf8") };
    rmSync(io, { recursive: true, force: true });
    return { ...r, cgroup: cg };
  };

  beforeAll(() => {
    if (!enabled) return;
    userCgroup(deleg);
    writeFileSync(join(deleg, "cgroup.subtree_control"), "+memory +pids");
    b = mkdtempSync("/tmp/lxcri-test-rootless-bundle-");
    makeBundle(b, ["sh"]);
    // what `lxcri spec --rootless` writes for the user (the describe above runs the command)
    writeFileSync(join(b, "config.json"), JSON.stringify(toRootless(defaultSpec(), u.uid, u.gid)));
    for (const p of [b, join(b, "rootfs"), join(b, "config.json")]) chownSync(p, u.uid, u.gid);
    chmodSync(b, 0o755);
  });

  afterAll(() => {
    if (!enabled) return;
    const rm = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rm(join(dir, e.name));
      try {
        rmdirSync(dir);
      } catch {}
    };
    if (existsSync(deleg)) rm(deleg);
    rmSync(b, { recursive: true, force: true });
  });

  test("--memory and pids: the container's own cgroup below the user's, its limits set, all of it gone after delete", () => {
    const file = join(b, "config.json");
    const spec = JSON.parse(readFileSync(file, "utf8"));
    spec.process.args = ["sleep", "600"];
    spec.linux.resources = { memory: { limit: 64 << 20 }, pids: { limit: 40 } };
    // without a cgroup mount (the next test has one)
    spec.mounts = spec.mounts.filter((m: { type?: string }) => m.type !== "cgroup");
    writeFileSync(file, JSON.stringify(spec));
    const created = asUser(["create", "rl-deleg"]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const payload = join(created.cgroup, "lxc.payload.rl-deleg");
    expect(readFileSync(join(payload, "memory.max"), "utf8")).toBe(`${64 << 20}\n`);
    expect(readFileSync(join(payload, "pids.max"), "utf8")).toBe("40\n");
    const pid = JSON.parse(asUser(["state", "rl-deleg"]).stdout).pid;
    expect(readFileSync(`/proc/${pid}/cgroup`, "utf8")).toContain(payload.slice("/sys/fs/cgroup".length));
    expect(asUser(["start", "rl-deleg"]).code).toBe(0);
    // exec joins the container's cgroup (the user may move its process there: a common ancestor of theirs)
    const seen = asUser(["exec", "rl-deleg", "cat", "/proc/self/cgroup"]);
    expect(seen.stderr).toBe("");
    expect(seen.stdout).toBe("0::/\n"); // the container's cgroup namespace: its own cgroup is its root
    expect(JSON.parse(asUser(["ps", "--format", "json", "rl-deleg"]).stdout)).toEqual([pid]);
    expect(asUser(["delete", "--force", "rl-deleg"]).code).toBe(0);
    // the payload, liblxc's monitor cgroup and create's own leaf are gone
    expect(
      readdirSync(created.cgroup, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name),
    ).toEqual([]);
    expect(containersIn()).toEqual([]);
  });

  test("with the config's cgroup mount: the container sees its own cgroup and limit at /sys/fs/cgroup", () => {
    const file = join(b, "config.json");
    const spec = toRootless(defaultSpec(["sleep", "600"]), u.uid, u.gid);
    spec.linux!.resources = { memory: { limit: 32 << 20 } };
    writeFileSync(file, JSON.stringify(spec));
    const created = asUser(["create", "rl-deleg-mnt"]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const seen = asUser(["exec", "rl-deleg-mnt", "cat", "/sys/fs/cgroup/memory.max"]);
    expect(seen.stderr).toBe("");
    expect(seen.stdout).toBe(`${32 << 20}\n`);
    expect(asUser(["delete", "--force", "rl-deleg-mnt"]).code).toBe(0);
    expect(containersIn()).toEqual([]);
  });

  test("another process of the user's in the cgroup: refused with the advice, nothing left", () => {
    const spec = JSON.parse(readFileSync(join(b, "config.json"), "utf8"));
    spec.process.args = ["true"];
    writeFileSync(join(b, "config.json"), JSON.stringify(spec));
    const cg = join(deleg, "busy");
    userCgroup(cg);
    const sleeper = Bun.spawn(["sh", "-c", `echo $$ > ${cg}/cgroup.procs && exec sleep 60`]);
    try {
      Bun.sleepSync(200);
      const io = mkdtempSync("/tmp/lxcri-test-rootless-io-");
      const err = openSync(join(io, "err"), "w");
      const p = Bun.spawnSync(
        [
          "sh",
          "-c",
          `echo $$ > ${cg}/cgroup.procs && exec setpriv --reuid=${u.uid} --regid=${u.gid} --init-groups env -i HOME=${u.home} XDG_RUNTIME_DIR=${u.xdg} ${u.lxcri} run rl-busy`,
        ],
        { cwd: b, stdin: "ignore", stdout: "ignore", stderr: err },
      );
      closeSync(err);
      const stderr = readFileSync(join(io, "err"), "utf8");
      rmSync(io, { recursive: true, force: true });
      expect(p.exitCode).toBe(1);
      expect(stderr).toContain("systemd-run --user --scope -p Delegate=yes");
      expect(readdirSync(cg, { withFileTypes: true }).filter((e) => e.isDirectory())).toEqual([]);
      expect(containersIn()).toEqual([]);
    } finally {
      sleeper.kill(9);
    }
  });
});

// podman's rootless default where the user has a systemd of their own (a login session, or
// lingering as here): --cgroup-manager systemd, so lxcri gets --systemd-cgroup and a
// "user.slice:libpod:<id>" cgroupsPath and makes the container's scope through the user's bus
// ($XDG_RUNTIME_DIR/bus: podman passes no $DBUS_SESSION_BUS_ADDRESS), as runc does.
describe.skipIf(!enabled)("rootless podman under the user's systemd (--cgroup-manager systemd)", () => {
  const userctl = (args: string[]) => u.run(["systemctl", "--user", ...args]);
  const bus = () => join(u.xdg, "bus");

  beforeAll(() => {
    if (!enabled) return;
    expect(Bun.spawnSync(["loginctl", "enable-linger", u.name]).exitCode).toBe(0);
    for (let i = 0; i < 600 && !existsSync(bus()); i++) Bun.sleepSync(100);
    if (!existsSync(bus()))
      throw new Error(`no ${bus()} a minute after loginctl enable-linger (dbus-user-session is in scripts/vm/packages)`);
    if (u.run(["podman", "image", "exists", IMAGE]).code !== 0) {
      const b = mkdtempSync("/tmp/lxcri-test-rootless-image-");
      makeBundle(b, ["sh"]);
      const tar = join(u.home, "rootfs.tar");
      expect(Bun.spawnSync(["tar", "-C", join(b, "rootfs"), "-cf", tar, "."]).exitCode).toBe(0);
      chownSync(tar, u.uid, u.gid);
      rmSync(b, { recursive: true, force: true });
      expect(u.run(["podman", "import", tar, IMAGE], { timeout: 300_000 }).code).toBe(0);
    }
  });

  afterAll(() => {
    if (!enabled) return;
    podman(["rm", "-af", "-t", "0"]);
    Bun.spawnSync(["loginctl", "disable-linger", u.name]);
    Bun.spawnSync(["systemctl", "stop", `user@${u.uid}.service`, `user-runtime-dir@${u.uid}.service`]);
  });

  test("the user's podman uses its systemd", () => {
    expect(u.run(["podman", "info", "--format", "{{.Host.CgroupManager}}"]).stdout.trim()).toBe("systemd");
  });

  test("run --memory 64m: a scope of the user's manager with MemoryMax and memory.max; run -d, exec, update, stop, rm; nothing left", () => {
    const once = podman(argv`run --rm --network none --memory 64m ${IMAGE} sh -c ${"cat /proc/self/cgroup /sys/fs/cgroup/memory.max"}`);
    expect(once.stderr).toBe("");
    expect(once.code).toBe(0);
    expect(once.stdout).toBe(`0::/\n${64 << 20}\n`);

    const loop = "trap 'exit 7' TERM; while :; do sleep 0.1; done";
    const started = podman(argv`run -d --name rl-sd --network none --memory 64m ${IMAGE} sh -c ${loop}`);
    expect(started.stderr).toBe("");
    expect(started.code).toBe(0);
    const id = podman(["inspect", "--format", "{{.Id}}", "rl-sd"]).stdout.trim();
    const unit = `libpod-${id}.scope`;
    const show = userctl(["show", "-p", "ActiveState", "-p", "MemoryMax", "-p", "Delegate", "-p", "ControlGroup", unit]).stdout;
    expect(show).toContain("ActiveState=active\n");
    expect(show).toContain(`MemoryMax=${64 << 20}\n`);
    expect(show).toContain("Delegate=yes\n");
    const cgroup = show.match(/^ControlGroup=(.*)$/m)?.[1] ?? "";
    expect(cgroup).toBe(`/user.slice/user-${u.uid}.slice/user@${u.uid}.service/user.slice/${unit}`);
    const scopeDir = join("/sys/fs/cgroup", cgroup);
    expect(readFileSync(join(scopeDir, "memory.max"), "utf8")).toBe(`${64 << 20}\n`);
    // the container's own cgroup is below the scope, its limit set too
    const pid = Number(podman(["inspect", "--format", "{{.State.Pid}}", "rl-sd"]).stdout.trim());
    const payload = join(scopeDir, `lxc.payload.${id}`);
    expect(readFileSync(`/proc/${pid}/cgroup`, "utf8")).toBe(`0::${payload.slice("/sys/fs/cgroup".length)}\n`);
    expect(readFileSync(join(payload, "memory.max"), "utf8")).toBe(`${64 << 20}\n`);

    const e = podman(["exec", "rl-sd", "id", "-u"]);
    expect(e.stderr).toBe("");
    expect(e.stdout).toBe("0\n");
    // update: the scope's property through the user's bus (the recorded one), and the container's own file
    const updated = podman(["update", "--memory", "32m", "rl-sd"]);
    expect(updated.stderr).toBe("");
    expect(updated.code).toBe(0);
    expect(userctl(["show", "-p", "MemoryMax", unit]).stdout).toBe(`MemoryMax=${32 << 20}\n`);
    expect(readFileSync(join(scopeDir, "memory.max"), "utf8")).toBe(`${32 << 20}\n`);
    expect(readFileSync(join(payload, "memory.max"), "utf8")).toBe(`${32 << 20}\n`);
    expect(podman(["stop", "-t", "20", "rl-sd"]).code).toBe(0);
    expect(podman(["inspect", "--format", "{{.State.ExitCode}}", "rl-sd"]).stdout.trim()).toBe("7");
    const rm = podman(["rm", "rl-sd"]);
    expect(rm.stderr).toBe("");
    expect(rm.code).toBe(0);
    expect(userctl(["is-active", unit]).stdout.trim()).not.toBe("active");
    expect(existsSync(scopeDir)).toBe(false);
    expect(containersIn()).toEqual([]);
  });
});
