// process.apparmorProfile where the kernel has AppArmor on, as on a default
// Debian 12 or Ubuntu host (run in the VM: scripts/vm-test.sh). Two small
// profiles are loaded with apparmor_parser; each denies reading one file of
// the rootfs and mounting. The container's process, its startContainer
// hooks and exec'd processes (the container's profile by default, --apparmor
// to override) run confined; a profile the kernel does not know fails create
// or exec naming the field; a /proc the container mounted cannot take the
// write (runc's CVE-2019-16884); podman runs with its default profile.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ULIMITS } from "../podman.ts";
import { guestPodman, IMAGE, sh } from "./guest-podman.ts";
import { appArmorEnabled } from "../../src/host/apparmor.ts";
import type { Spec } from "../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, state, tempDir, testRoot, waitFor } from "../helpers.ts";

const parser = Bun.which("apparmor_parser");
const inGuest = canRunContainers && existsSync("/run/systemd/system") && appArmorEnabled() && !!parser;
if (!inGuest && process.env.LXCRI_REQUIRE_VM_TESTS === "1")
  throw new Error("test/vm/apparmor needs AppArmor on, apparmor_parser and systemd as PID 1: run it with scripts/vm-test.sh");
const root = testRoot("vm-apparmor");
const dir = inGuest ? tempDir("vm-apparmor") : "";

const A = "lxcri-test-a";
const B = "lxcri-test-b";
/** Everything but reading /secret-<x> and mounting (podman's default profile also has `deny mount`). */
const profile = (name: string, secret: string) => `
profile ${name} flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  ptrace,
  unix,
  umount,
  deny /${secret} rw,
  deny mount,
}
`;

/** A bundle with /secret-a and /secret-b readable by anyone (only the profiles deny them). */
function secretBundle(args: string[], edit?: (s: Spec) => void): string {
  const b = bundle(args, edit);
  for (const s of ["secret-a", "secret-b"]) writeFileSync(join(b, "rootfs", s), `${s}\n`, { mode: 0o644 });
  return b;
}

const label = (pid: number) => readFileSync(`/proc/${pid}/attr/current`, "utf8").replace(/\0/g, "").trim();
const allCaps = (s: Spec) => {
  const c = s.process.capabilities!;
  for (const set of ["bounding", "effective", "permitted"] as const) c[set] = [...c[set]!, "CAP_SYS_ADMIN"];
};

beforeAll(() => {
  if (!inGuest) return;
  for (const [name, secret] of [
    [A, "secret-a"],
    [B, "secret-b"],
  ]) {
    const file = join(dir, name);
    writeFileSync(file, profile(name!, secret!));
    const r = sh([parser!, "-r", "-K", file]);
    if (r.code !== 0) throw new Error(`apparmor_parser ${name}: ${r.err}`);
  }
});

afterAll(() => {
  if (!inGuest) return;
  cleanupRoot(root);
  for (const name of [A, B]) sh([parser!, "-R", join(dir, name)]);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!inGuest)("process.apparmorProfile with AppArmor on (VM)", () => {
  test("the container's process runs confined: attr/current shows the profile, what it denies is denied; hooks too", () => {
    const b = secretBundle(
      ["sh", "-c", "cat /proc/self/attr/current; cat /tmp/hook; cat /secret-a; echo status $?; cat /secret-b"],
      (s) => {
        s.process.apparmorProfile = A;
        s.root!.readonly = false; // the hook leaves what it saw in /tmp
        s.hooks = { startContainer: [{ path: "/bin/sh", args: ["sh", "-c", "cat /proc/self/attr/current > /tmp/hook"] }] };
      },
    );
    const r = lxcri(root, ["run", "--bundle", b, "aa1"]);
    console.log(`[vm] run with ${A}:\n${r.stdout}${r.stderr}`);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe(`${A} (enforce)`);
    expect(lines[1]).toBe(`${A} (enforce)`); // the startContainer hook
    expect(r.stdout).toContain("status 1\n");
    expect(r.stderr).toContain("cat: can't open '/secret-a': Permission denied");
    expect(r.stdout).toContain("secret-b\n");
    // init did its mounts (masks, read-only paths) under deny mount: it is unconfined until the exec
    expect(r.code).toBe(0);
    expect(leftovers(root, "aa1")).toEqual([]);
  });

  test("exec: the container's profile by default (process.json without one too), --apparmor overrides, unconfined is unconfined", async () => {
    const b = secretBundle(["sleep", "600"], (s) => {
      s.process.apparmorProfile = A;
      s.root!.readonly = false; // so that a process that ran would leave /tmp/ran
    });
    expect(lxcri(root, ["create", "--bundle", b, "aa2"]).code).toBe(0);
    const init = state(root, "aa2").pid;
    expect(lxcri(root, ["start", "aa2"]).code).toBe(0);
    await waitFor(() => label(init) === `${A} (enforce)`, 10_000, "the process confined");

    const current = (args: string[]) => lxcri(root, ["exec", ...args, "aa2", "cat", "/proc/self/attr/current"]).stdout.trim();
    expect(current([])).toBe(`${A} (enforce)`);
    expect(current(["--apparmor", B])).toBe(`${B} (enforce)`);
    expect(current(["--apparmor", "unconfined"])).toBe("unconfined");
    const denied = lxcri(root, ["exec", "aa2", "cat", "/secret-a"]);
    expect([denied.code, denied.stderr]).toEqual([1, "cat: can't open '/secret-a': Permission denied\n"]);
    expect(lxcri(root, ["exec", "--apparmor", B, "aa2", "cat", "/secret-a"]).stdout).toBe("secret-a\n");

    const file = join(tempDir("aa-proc"), "process.json");
    const proc = { ...JSON.parse(readFileSync(join(b, "config.json"), "utf8")).process, args: ["cat", "/proc/self/attr/current"] };
    delete proc.apparmorProfile;
    writeFileSync(file, JSON.stringify(proc));
    expect(lxcri(root, ["exec", "--process", file, "aa2"]).stdout.trim()).toBe(`${A} (enforce)`);

    // a detached exec, seen from the host
    const pidFile = join(dir, "aa2.pid");
    expect(lxcri(root, ["exec", "--detach", "--pid-file", pidFile, "--apparmor", B, "aa2", "sleep", "600"]).code).toBe(0);
    expect(label(Number(readFileSync(pidFile, "utf8")))).toBe(`${B} (enforce)`);

    // a profile the kernel does not know: exec fails naming the field; nothing ran
    const pids = () => lxcri(root, ["ps", "--format", "json", "aa2"]).stdout;
    const ps = pids();
    const missing = lxcri(root, ["exec", "--apparmor", "lxcri-no-such-profile", "aa2", "touch", "/tmp/ran"]);
    console.log(`[vm] exec with an unknown profile: exit ${missing.code}: ${missing.stderr.trim()}`);
    expect(missing.code).toBe(255);
    expect(missing.stderr).toContain("process.apparmorProfile");
    expect(missing.stderr).toContain("lxcri-no-such-profile");
    expect(pids()).toBe(ps);
    expect(lxcri(root, ["exec", "aa2", "ls", "/tmp/ran"]).code).not.toBe(0);
    const deleted = lxcri(root, ["delete", "--force", "aa2"]);
    expect([deleted.code, deleted.stderr]).toEqual([0, ""]);
    expect(leftovers(root, "aa2")).toEqual([]);
  });

  test("create with a profile the kernel does not know: unsupported-on-host naming the field, exit 1, nothing left", () => {
    const b = secretBundle(["true"], (s) => (s.process.apparmorProfile = "lxcri-no-such-profile"));
    const r = lxcri(root, ["create", "--bundle", b, "aa3"]);
    console.log(`[vm] create with an unknown profile: exit ${r.code}: ${r.stderr.trim()}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("config.json: process.apparmorProfile: ");
    expect(r.stderr).toContain('no AppArmor profile "lxcri-no-such-profile" is loaded');
    expect(leftovers(root, "aa3")).toEqual([]);
  });

  test("CVE-2019-16884, exec: a container that mounted a fake /proc still gets the profile (written through the host's /proc)", () => {
    const b = secretBundle(["sleep", "600"], (s) => {
      s.process.apparmorProfile = "unconfined";
      allCaps(s);
    });
    expect(lxcri(root, ["create", "--bundle", b, "aa4"]).code).toBe(0);
    expect(lxcri(root, ["start", "aa4"]).code).toBe(0);
    const fake = lxcri(root, [
      "exec",
      "aa4",
      "sh",
      "-c",
      "mount -t tmpfs fake /proc && mkdir -p /proc/1/task/1/attr/apparmor && touch /proc/1/task/1/attr/apparmor/exec /proc/1/task/1/attr/exec " +
        "&& ln -s 1/task/1 /proc/thread-self && ln -s 1 /proc/self && ls /proc",
    ]);
    expect([fake.code, fake.stderr]).toEqual([0, ""]);
    const pidFile = join(dir, "aa4.pid");
    expect(lxcri(root, ["exec", "--detach", "--pid-file", pidFile, "--apparmor", A, "aa4", "sleep", "600"]).code).toBe(0);
    expect(label(Number(readFileSync(pidFile, "utf8")))).toBe(`${A} (enforce)`);
    const denied = lxcri(root, ["exec", "--apparmor", A, "aa4", "cat", "/secret-a"]);
    expect(denied.stderr).toContain("Permission denied");
    const deleted = lxcri(root, ["delete", "--force", "aa4"]);
    expect([deleted.code, deleted.stderr]).toEqual([0, ""]);
  });

  test("CVE-2019-16884, start: /proc mounted over in a created container does not take init's write", async () => {
    // over the whole /proc: init writes through the procfs it opened at create
    const b = secretBundle(["sleep", "600"], (s) => {
      s.process.apparmorProfile = A;
      allCaps(s);
    });
    expect(lxcri(root, ["create", "--bundle", b, "aa5"]).code).toBe(0);
    const init = state(root, "aa5").pid;
    const over = lxcri(root, ["exec", "--apparmor", "unconfined", "aa5", "mount", "-t", "tmpfs", "fake", "/proc"]);
    expect([over.code, over.stderr]).toEqual([0, ""]);
    expect(lxcri(root, ["start", "aa5"]).code).toBe(0);
    await waitFor(() => readFileSync(`/proc/${init}/cmdline`, "utf8").startsWith("sleep"), 10_000, "the process");
    expect(label(init)).toBe(`${A} (enforce)`);
    expect(lxcri(root, ["delete", "--force", "aa5"]).code).toBe(0);

    // over init's own attr directory. Without startContainer hooks init writes the profile for its
    // next execve at create, before READY (issue 23, round 6), before anything of the container can
    // run: the mount comes too late to take the write, and the process runs confined. (With the write
    // at start, as before, it would cross the mount and start would fail; the process never ran
    // unconfined either way.)
    expect(lxcri(root, ["create", "--bundle", b, "aa6"]).code).toBe(0);
    const init6 = state(root, "aa6").pid;
    const attr = lxcri(root, ["exec", "--apparmor", "unconfined", "aa6", "mount", "-t", "tmpfs", "fake", "/proc/1/task/1/attr"]);
    console.log(`[vm] mount over /proc/1/task/1/attr: exit ${attr.code} ${attr.stderr.trim()}`);
    if (attr.code === 0) {
      const started = lxcri(root, ["start", "aa6"]);
      console.log(`[vm] start after it: exit ${started.code}: ${started.stderr.trim()}`);
      if (started.code === 0) {
        await waitFor(() => readFileSync(`/proc/${init6}/cmdline`, "utf8").startsWith("sleep"), 10_000, "the process");
        expect(label(init6)).toBe(`${A} (enforce)`);
      } else {
        expect(started.stderr).toContain("process.apparmorProfile");
        let ran = false;
        try {
          ran = readFileSync(`/proc/${init6}/cmdline`, "utf8").startsWith("sleep");
        } catch {
          /* init is gone */
        }
        expect(ran).toBe(false);
      }
    }
    expect(lxcri(root, ["delete", "--force", "aa6"]).code).toBe(0);
    expect(leftovers(root, "aa6")).toEqual([]);
  });

  test("a config without a /proc mount: init's write goes through the /proc it detaches before start", () => {
    const b = secretBundle(["sh", "-c", "cat /secret-a; echo status $?"], (s) => {
      s.process.apparmorProfile = A;
      s.mounts = s.mounts!.filter((m) => m.destination !== "/proc");
      s.linux!.maskedPaths = [];
      s.linux!.readonlyPaths = [];
    });
    const r = lxcri(root, ["run", "--bundle", b, "aa7"]);
    expect(r.stdout).toBe("status 1\n");
    expect(r.stderr).toContain("Permission denied");
  });
});

// podman as a user runs it: its own default profile (containers-default-<version>), loaded by podman itself.
describe.skipIf(!inGuest || !Bun.which("podman"))("podman --runtime lxcri with podman's default AppArmor profile (VM)", () => {
  const { podman, setUp, tearDown } = guestPodman(dir);
  const run = (args: string[]) => podman(["run", "--rm", "--network", "none", ...ULIMITS, ...args]);

  beforeAll(setUp);
  afterAll(tearDown);

  test("run --rm: the process is confined by podman's default profile, which denies mount", () => {
    const r = run([IMAGE, "cat", "/proc/self/attr/current"]);
    console.log(`[vm] podman run: exit ${r.code}: ${r.out.trim()} ${r.err.trim()}`);
    expect(r.err).toBe("");
    expect(r.out.trim()).toMatch(/^containers-default-[0-9.]+ \(enforce\)$/);
    expect(r.code).toBe(0);
    const mount = run(["--cap-add", "SYS_ADMIN", IMAGE, "mount", "-t", "tmpfs", "t", "/tmp"]);
    console.log(`[vm] podman run mount with CAP_SYS_ADMIN: exit ${mount.code}: ${mount.err.trim()}`);
    expect(mount.code).not.toBe(0);
    expect(mount.err).toContain("Permission denied");
    // the profile's denial, not the capabilities' or seccomp's: unconfined, the same mount works
    const unconfined = run(["--cap-add", "SYS_ADMIN", "--security-opt", "apparmor=unconfined", IMAGE, "mount", "-t", "tmpfs", "t", "/tmp"]);
    expect([unconfined.code, unconfined.err]).toEqual([0, ""]);
  });

  test("exec gets the container's profile; --security-opt apparmor=unconfined runs unconfined", () => {
    expect(podman(["run", "-d", "--name", "aa-p1", "--network", "none", ...ULIMITS, IMAGE, "sleep", "600"]).code).toBe(0);
    const ex = podman(["exec", "aa-p1", "cat", "/proc/self/attr/current"]);
    console.log(`[vm] podman exec: ${ex.out.trim()} ${ex.err.trim()}`);
    expect(ex.out.trim()).toMatch(/^containers-default-[0-9.]+ \(enforce\)$/);
    expect(podman(["rm", "-f", "-t", "0", "aa-p1"]).code).toBe(0);
    const un = run(["--security-opt", "apparmor=unconfined", IMAGE, "cat", "/proc/self/attr/current"]);
    expect([un.code, un.out.trim()]).toEqual([0, "unconfined"]);
  });
});
