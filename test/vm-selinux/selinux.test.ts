// process.selinuxLabel and linux.mountLabel where the kernel has SELinux on
// (the SELinux guest: LXCRI_VM_SELINUX=1 bash scripts/vm-test.sh -- bun test
// --timeout 600000 test/vm-selinux/selinux.test.ts; Debian's reference policy,
// enforcing). The container's process and exec'd ones get the label
// (/proc/<pid>/attr/current, read from the host), the container's tmpfs
// mounts the mount label (ls -Z from the host), an mqueue its xattr, and a
// context the policy does not know fails create naming the field. podman
// sends its own labels.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ULIMITS } from "../podman.ts";
import { guestPodman, IMAGE, sh } from "../vm/guest-podman.ts";
import { selinuxEnabled } from "../../src/host/selinux.ts";
import type { Spec } from "../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, state, tempDir, testRoot, waitFor } from "../helpers.ts";

const inGuest = canRunContainers && existsSync("/run/systemd/system") && selinuxEnabled();
if (!inGuest && process.env.LXCRI_REQUIRE_SELINUX_TESTS === "1")
  throw new Error("test/vm-selinux needs SELinux on and systemd as PID 1: run it with LXCRI_VM_SELINUX=1 scripts/vm-test.sh");
const root = testRoot("vm-selinux");
afterAll(() => cleanupRoot(root));

const PROCESS = "system_u:system_r:container_t:s0:c1,c2";
const OTHER = "system_u:system_r:container_t:s0:c3,c4";
const MOUNT = "system_u:object_r:container_file_t:s0:c1";
// a category set: liblxc 5.0 would cut the mount option at its comma; lxcri mounts those filesystems itself
const MOUNT_SET = "system_u:object_r:container_file_t:s0:c1,c2";

const label = (pid: number) => readFileSync(`/proc/${pid}/attr/current`, "utf8").replace(/\0/g, "").trim();
const fileLabel = (path: string) => sh(["stat", "-c", "%C", path]).out.trim();

/** A bundle whose files carry the mount label's type, so the policy lets container_t run them. */
function labelledBundle(args: string[], edit?: (s: Spec) => void): string {
  const b = bundle(args, edit);
  const r = sh(["chcon", "-R", MOUNT, join(b, "rootfs")]);
  if (r.code !== 0) throw new Error(`chcon: ${r.err}`);
  return b;
}

beforeAll(() => {
  if (!inGuest) return;
  console.log(`[vm] getenforce: ${sh(["getenforce"]).out.trim()}; this process: ${label(process.pid)}`);
});

describe.skipIf(!inGuest)("SELinux labels where SELinux is on (VM)", () => {
  test("the process, its exec'd processes and its mounts carry the labels", async () => {
    const b = labelledBundle(["sleep", "600"], (s) => {
      s.process.selinuxLabel = PROCESS;
      s.linux = { ...s.linux, mountLabel: MOUNT, maskedPaths: [...(s.linux?.maskedPaths ?? []), "/etc"] };
    });
    const c = lxcri(root, ["create", "--bundle", b, "se1"]);
    console.log(`[vm] create: ${c.code} ${c.stderr}`);
    expect(c.code).toBe(0);
    expect(lxcri(root, ["start", "se1"]).code).toBe(0);
    await waitFor(() => state(root, "se1").status === "running");
    const pid = state(root, "se1").pid!;
    expect(label(pid)).toBe(PROCESS);
    const at = (p: string) => fileLabel(`/proc/${pid}/root${p}`);
    const conf = readFileSync(join(root, "se1", "lxc.conf"), "utf8");
    console.log(`[vm] lxc.conf /dev: ${conf.split("\n").filter((l) => / dev tmpfs /.test(l))}`);
    console.log(
      `[vm] mountinfo /dev: ${readFileSync(`/proc/${pid}/mountinfo`, "utf8")
        .split("\n")
        .filter((l) => / \/dev /.test(l))}`,
    );
    console.log(
      `[vm] /dev ${at("/dev")}, /dev/shm ${at("/dev/shm")}, /dev/mqueue ${at("/dev/mqueue")}, /etc ${at("/etc")}, /proc ${at("/proc")}`,
    );
    for (const p of ["/dev", "/dev/shm", "/dev/mqueue", "/etc"]) expect(at(p)).toBe(MOUNT);
    expect(at("/proc")).not.toBe(MOUNT);
    // exec: the container's label, or its own
    const ex = lxcri(root, ["exec", "se1", "cat", "/proc/self/attr/current"]);
    expect([ex.code, ex.stdout.replace(/\0/g, "").trim()]).toEqual([0, PROCESS]);
    const own = lxcri(root, ["exec", "--process-label", OTHER, "se1", "cat", "/proc/self/attr/current"]);
    console.log(`[vm] exec --process-label: ${own.code} ${own.stdout} ${own.stderr}`);
    expect([own.code, own.stdout.replace(/\0/g, "").trim()]).toEqual([0, OTHER]);
    expect(lxcri(root, ["delete", "--force", "se1"]).code).toBe(0);
    expect(leftovers(root, "se1")).toEqual([]);
  });

  test("startContainer hooks run with the process's label, as runc's (set before they are forked)", () => {
    const b = labelledBundle(["sh", "-c", "cat /proc/self/attr/current; echo; cat /tmp/hook"], (s) => {
      s.process.selinuxLabel = PROCESS;
      s.root!.readonly = false; // the hook leaves what it saw in /tmp
      s.hooks = { startContainer: [{ path: "/bin/sh", args: ["sh", "-c", "cat /proc/self/attr/current > /tmp/hook"] }] };
    });
    const r = lxcri(root, ["run", "--bundle", b, "se5"]);
    console.log(`[vm] run with a hook: ${r.code} ${r.stdout} ${r.stderr}`);
    expect(r.stdout.replace(/\0/g, "").split("\n").slice(0, 2)).toEqual([PROCESS, PROCESS]);
    expect(r.code).toBe(0);
    expect(leftovers(root, "se5")).toEqual([]);
  });

  test("CVE-2019-16884, exec: a container that mounted a fake /proc still gets the label (written through the host's /proc)", () => {
    const b = labelledBundle(["sleep", "600"], (s) => {
      s.process.selinuxLabel = PROCESS;
      const c = s.process.capabilities!;
      for (const set of ["bounding", "effective", "permitted"] as const) c[set] = [...c[set]!, "CAP_SYS_ADMIN"];
    });
    expect(lxcri(root, ["create", "--bundle", b, "se3"]).code).toBe(0);
    expect(lxcri(root, ["start", "se3"]).code).toBe(0);
    const fake = lxcri(root, [
      "exec",
      "se3",
      "sh",
      "-c",
      "mount -t tmpfs fake /proc && mkdir -p /proc/1/task/1/attr && touch /proc/1/task/1/attr/exec && ln -s 1/task/1 /proc/thread-self && ln -s 1 /proc/self && ls /proc",
    ]);
    console.log(`[vm] fake /proc: ${fake.code} ${fake.stderr}`);
    expect([fake.code, fake.stderr]).toEqual([0, ""]);
    const pidFile = join(tempDir("se3"), "pid");
    expect(lxcri(root, ["exec", "--detach", "--pid-file", pidFile, "--process-label", OTHER, "se3", "sleep", "600"]).code).toBe(0);
    expect(label(Number(readFileSync(pidFile, "utf8")))).toBe(OTHER);
    expect(lxcri(root, ["delete", "--force", "se3"]).code).toBe(0);
  });

  test("a mount label with a category set: every labelled filesystem carries the whole set (liblxc 5.0 would have cut it at the comma)", async () => {
    const b = labelledBundle(["sleep", "600"], (s) => {
      s.process.selinuxLabel = PROCESS;
      s.linux = { ...s.linux, mountLabel: MOUNT_SET };
      s.mounts!.push({ destination: "/t", type: "tmpfs", source: "tmpfs", options: ["nosuid", "size=1m"] });
      s.mounts!.push({ destination: "/t/under", type: "tmpfs", source: "tmpfs", options: ["size=1m"] });
    });
    const c = lxcri(root, ["create", "--bundle", b, "se4"]);
    console.log(`[vm] create, category set: ${c.code} ${c.stderr}`);
    expect(c.code).toBe(0);
    expect(lxcri(root, ["start", "se4"]).code).toBe(0);
    const pid = state(root, "se4").pid!;
    for (const p of ["/dev", "/dev/pts", "/dev/mqueue", "/t", "/t/under"])
      expect([p, fileLabel(`/proc/${pid}/root${p}`)]).toEqual([p, MOUNT_SET]);
    // the container sees its mounts in the config's order, each once, as with liblxc's own entries
    const mounts = readFileSync(`/proc/${pid}/mountinfo`, "utf8")
      .split("\n")
      .map((l) => l.split(" ")[4]);
    expect(mounts.filter((m) => m === "/t" || m === "/t/under")).toEqual(["/t", "/t/under"]);
    expect(mounts.some((m) => m?.includes(".stage"))).toBe(false);
    expect(lxcri(root, ["delete", "--force", "se4"]).code).toBe(0);
    expect(leftovers(root, "se4")).toEqual([]);
  });

  test("a context the policy does not know fails create naming the field; nothing is left", () => {
    const b = labelledBundle(["true"], (s) => (s.process.selinuxLabel = "system_u:system_r:no_such_type_t:s0"));
    const r = lxcri(root, ["run", "--bundle", b, "se2"]);
    console.log(`[vm] unknown context: ${r.code} ${r.stderr}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("process.selinuxLabel");
    expect(leftovers(root, "se2")).toEqual([]);
  });
});

describe.skipIf(!inGuest || !Bun.which("podman"))("podman --runtime lxcri with SELinux on (VM)", () => {
  const dir = inGuest ? tempDir("vm-selinux-podman") : "";
  const { podman, setUp, tearDown } = guestPodman(dir);

  beforeAll(setUp);
  afterAll(tearDown);

  test("podman's default labels (a category pair): the process and /dev, /dev/pts, /dev/shm, /dev/mqueue carry them whole", () => {
    const d = podman(["run", "-d", "--name", "se-p0", "--network", "none", ...ULIMITS, IMAGE, "sleep", "600"]);
    console.log(`[vm] podman run -d, default labels: ${d.code} ${d.err}`);
    expect(d.code).toBe(0);
    const [processLabel, mountLabel] = podman(["inspect", "--format", "{{.ProcessLabel}} {{.MountLabel}}", "se-p0"]).out.trim().split(" ");
    console.log(`[vm] podman's default labels: ${processLabel} ${mountLabel}`);
    expect(mountLabel).toMatch(/:s0:c\d+,c\d+$/);
    const pid = Number(podman(["inspect", "--format", "{{.State.Pid}}", "se-p0"]).out.trim());
    expect(label(pid)).toBe(processLabel!);
    for (const p of ["/dev", "/dev/pts", "/dev/shm", "/dev/mqueue"])
      expect([p, fileLabel(`/proc/${pid}/root${p}`)]).toEqual([p, mountLabel!]);
    // a terminal from the labelled devpts (the one lxcri-init mounted before liblxc)
    const tty = podman(["exec", "-t", "se-p0", "tty"]);
    expect([tty.code, tty.out.trim()]).toEqual([0, "/dev/pts/0"]);
    expect(podman(["rm", "-f", "-t", "0", "se-p0"]).code).toBe(0);
  });

  test("run and exec with podman's labels of one category: the process and /dev carry them", () => {
    const opt = ["--security-opt", "label=level:s0:c7"];
    const d = podman(["run", "-d", "--name", "se-p1", "--network", "none", ...ULIMITS, ...opt, IMAGE, "sleep", "600"]);
    console.log(`[vm] podman run -d: ${d.code} ${d.err}`);
    expect(d.code).toBe(0);
    const cfg = podman(["inspect", "--format", "{{.ProcessLabel}} {{.MountLabel}}", "se-p1"]).out.trim();
    console.log(`[vm] podman's labels: ${cfg}`);
    expect(cfg).toBe("system_u:system_r:container_t:s0:c7 system_u:object_r:container_file_t:s0:c7");
    const ex = podman(["exec", "se-p1", "cat", "/proc/self/attr/current"]);
    expect([ex.code, ex.out.replace(/\0/g, "").trim()]).toEqual([0, "system_u:system_r:container_t:s0:c7"]);
    const pid = Number(podman(["inspect", "--format", "{{.State.Pid}}", "se-p1"]).out.trim());
    expect(label(pid)).toBe("system_u:system_r:container_t:s0:c7");
    for (const p of ["/dev", "/dev/shm", "/dev/mqueue"])
      expect(fileLabel(`/proc/${pid}/root${p}`)).toBe("system_u:object_r:container_file_t:s0:c7");
    expect(podman(["rm", "-f", "-t", "0", "se-p1"]).code).toBe(0);
  });
});
