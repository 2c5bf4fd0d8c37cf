// lxcri behind real containerd and its runc shim (containerd-shim-runc-v2),
// as `ctr run --runc-binary` uses it. The test starts its own containerd
// (own root, state and socket; stopped after) and imports the busybox image
// podman built from the local rootfs (podman save → ctr images import). The
// pod test makes the calls Kubernetes' CRI plugin makes for a pod, through ctr:
// a pause container (a static C pause() compiled here, as a one-file rootfs)
// and containers joining its namespaces by path.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeBundle } from "../../scripts/make-bundle.ts";
import { argv } from "../argv.ts";
import { canRunContainers, LXCRI, REPO, tempDir, waitFor } from "../helpers.ts";

const containerdBin = Bun.which("containerd");
const podmanBin = Bun.which("podman");
const enabled = canRunContainers && !!containerdBin && !!Bun.which("ctr") && !!podmanBin;
const dir = enabled ? tempDir("containerd") : "";
const sock = join(dir, "containerd.sock");
const IMAGE = "localhost/lxcri-busybox:latest";
// containerd's runc shim keeps the runtime's state under /run/containerd/runc/<namespace>
const NAMESPACE = `lxcri-test-${process.pid}`;
const shimRoot = `/run/containerd/runc/${NAMESPACE}`;
let daemon: ReturnType<typeof Bun.spawn> | undefined;

function ctr(args: string[], timeout = 60_000) {
  const p = Bun.spawnSync(["ctr", "--address", sock, "--namespace", NAMESPACE, ...args], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    timeout,
  });
  return { code: p.exitCode ?? 137, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

beforeAll(async () => {
  if (!enabled) return;
  writeFileSync(
    join(dir, "config.toml"),
    `version = 2\nroot = "${join(dir, "root")}"\nstate = "${join(dir, "state")}"\n[grpc]\n  address = "${sock}"\n`,
  );
  daemon = Bun.spawn([containerdBin!, "--config", join(dir, "config.toml")], {
    stdout: "ignore",
    stderr: Bun.file(join(dir, "containerd.log")),
  });
  await waitFor(() => existsSync(sock), 20_000, "containerd's socket");
  // The image: busybox-static as one layer, saved by podman in OCI archive form.
  const b = join(dir, "image");
  makeBundle(b, ["sh"]);
  const storage = ["--root", join(dir, "podman"), "--runroot", join(dir, "podman-run"), "--storage-driver", "vfs"];
  const tar = join(dir, "rootfs.tar");
  expect(Bun.spawnSync(["tar", "-C", join(b, "rootfs"), "-cf", tar, "."]).exitCode).toBe(0);
  expect(Bun.spawnSync([podmanBin!, ...storage, "import", tar, IMAGE], { stdout: "ignore", stderr: "pipe" }).exitCode).toBe(0);
  const archive = join(dir, "image.tar");
  const saved = Bun.spawnSync([podmanBin!, ...storage, "save", "--format", "oci-archive", "-o", archive, IMAGE], {
    stdout: "ignore",
    stderr: "pipe",
  });
  if (saved.exitCode !== 0) throw new Error(`podman save: ${saved.stderr}`);
  Bun.spawnSync([podmanBin!, ...storage, "rmi", "-af"], { stdout: "ignore", stderr: "ignore" });
  const imported = ctr(["images", "import", "--base-name", IMAGE.replace(/:latest$/, ""), archive]);
  if (imported.code !== 0) throw new Error(`ctr images import: ${imported.stderr}`);
});

const POD = ["cdpause", "cdpod-a", "cdpod-b"];
const volume = join(dir, "volume");
const hostMounts: string[] = [];

afterAll(async () => {
  if (!enabled) return;
  for (const id of ["cd1", "cd2", "cd3", ...POD.toReversed()]) {
    ctr(["task", "kill", "-s", "KILL", id]);
    ctr(["task", "delete", "-f", id]);
    ctr(["containers", "delete", id]);
  }
  daemon?.kill();
  await daemon?.exited;
  for (const m of hostMounts.toReversed()) Bun.spawnSync(["umount", "-l", m]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(shimRoot, { recursive: true, force: true });
  // ctr's cgroupsPath is /<namespace>/<id>: the namespace's cgroup stays behind empty (with runc too)
  for (const h of readdirSync("/sys/fs/cgroup"))
    try {
      rmdirSync(join("/sys/fs/cgroup", h, NAMESPACE));
    } catch {
      /* not there, or not empty: the test reports what is left */
    }
});

/** What a container of this test left on the host: the shim's runtime dir, its cgroups, a mount naming it. */
function leftovers(id: string): string[] {
  const found: string[] = [];
  if (existsSync(join(shimRoot, id))) found.push(`runtime dir ${join(shimRoot, id)}`);
  for (const h of readdirSync("/sys/fs/cgroup")) {
    const d = join("/sys/fs/cgroup", h, NAMESPACE, id);
    if (existsSync(d)) found.push(`cgroup ${d}`);
  }
  if (readFileSync("/proc/self/mountinfo", "utf8").includes(`/${id}/`)) found.push("a mount naming the container");
  return found;
}

const taskPid = (id: string) => Number(new RegExp(`^${id}\\s+(\\d+)`, "m").exec(ctr(["task", "ls"]).stdout)?.[1]);
const gone = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z");
  } catch {
    return true;
  }
};

describe.skipIf(!enabled)("containerd with --runc-binary lxcri (real containerd and runc shim)", () => {
  test("ctr run --rm: output and exit status", () => {
    const r = ctr(["run", "--rm", "--runc-binary", LXCRI, IMAGE, "cd1", "sh", "-c", "echo hello from containerd; exit 3"]);
    expect(r.stdout).toBe("hello from containerd\n");
    expect(r.code).toBe(3);
    expect(existsSync(join(shimRoot, "cd1"))).toBe(false);
  });

  test("ctr run -d, task exec, pause/resume, kill, delete: nothing left", async () => {
    expect(ctr(["run", "-d", "--runc-binary", LXCRI, IMAGE, "cd2", "sleep", "1000"]).code).toBe(0);
    const ex = ctr(["task", "exec", "--exec-id", "e1", "cd2", "sh", "-c", "echo exec ok; exit 4"]);
    expect(ex.stdout).toBe("exec ok\n");
    expect(ex.code).toBe(4);
    expect(ctr(["task", "pause", "cd2"]).code).toBe(0);
    expect(ctr(["task", "ls"]).stdout).toMatch(/cd2\s+\d+\s+PAUSED/);
    expect(ctr(["task", "resume", "cd2"]).code).toBe(0);
    expect(ctr(["task", "ls"]).stdout).toMatch(/cd2\s+\d+\s+RUNNING/);
    // the shim's Pids come from `lxcri ps --format json`
    const ps = ctr(["task", "ps", "cd2"]);
    expect(ps.code).toBe(0);
    expect(ps.stdout.trim().split("\n").length).toBeGreaterThanOrEqual(2); // header + init
    expect(ctr(["task", "kill", "-s", "KILL", "cd2"]).code).toBe(0);
    await waitFor(() => /cd2\s+\d+\s+STOPPED/.test(ctr(["task", "ls"]).stdout), 10_000, "the task to stop");
    expect(ctr(["task", "delete", "cd2"]).code).toBe(0);
    expect(ctr(["containers", "delete", "cd2"]).code).toBe(0);
    expect(existsSync(join(shimRoot, "cd2"))).toBe(false);
  });

  test("a pod as the CRI plugin makes it: pause, two containers joining its net, ipc, uts and pid namespaces, a shared volume", async () => {
    // the sandbox: a static pause() as the only file of a read-only rootfs
    const pauseRoot = join(dir, "pause-rootfs");
    mkdirSync(pauseRoot);
    const cc = Bun.spawnSync(["cc", "-static", "-O2", "-o", join(pauseRoot, "pause"), join(REPO, "test/tools/pause.c")], {
      stderr: "pipe",
    });
    expect(cc.stderr.toString()).toBe("");
    const pause = ctr(["run", "-d", "--runc-binary", LXCRI, "--read-only", "--rootfs", pauseRoot, "cdpause", "/pause"]);
    expect(pause.stderr).toBe("");
    expect(pause.code).toBe(0);
    const sandbox = taskPid("cdpause");
    expect(sandbox).toBeGreaterThan(0);
    const join_ = ["net:network", "ipc:ipc", "uts:uts", "pid:pid"].flatMap((t) => {
      const [file, type] = t.split(":");
      return ["--with-ns", `${type}:/proc/${sandbox}/ns/${file}`];
    });
    // a Bidirectional volume: a host tmpfs made shared, bound [rbind, rshared, rw] into a privileged container
    mkdirSync(volume);
    for (const args of [
      ["-t", "tmpfs", "-o", "size=1m", "podvol", volume],
      ["--make-shared", volume],
    ])
      expect(Bun.spawnSync(["mount", ...args]).exitCode).toBe(0);
    hostMounts.push(volume);
    const a = ctr([
      ...argv`run -d --runc-binary ${LXCRI}`,
      ...join_,
      ...argv`${IMAGE} cdpod-a sh -c ${"mkdir -p /www && echo from a > /www/index.html; sleep 1000 & exec httpd -f -p 8080 -h /www"}`,
    ]);
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    const b = ctr([
      ...argv`run -d --runc-binary ${LXCRI}`,
      ...join_,
      ...argv`--privileged --rootfs-propagation rshared --mount type=bind,src=${volume},dst=/vol,options=rbind:rshared:rw ${IMAGE} cdpod-b sleep 1000`,
    ]);
    expect(b.stderr).toBe("");
    expect(b.code).toBe(0);
    const [pa, pb] = [taskPid("cdpod-a"), taskPid("cdpod-b")];
    const ns = (pid: number, t: string) => readlinkSync(`/proc/${pid}/ns/${t}`);
    for (const t of ["net", "ipc", "uts", "pid"]) {
      expect(ns(pa, t)).toBe(ns(sandbox, t));
      expect(ns(pb, t)).toBe(ns(sandbox, t));
      expect(ns(sandbox, t)).not.toBe(readlinkSync(`/proc/self/ns/${t}`));
    }
    expect(ns(pa, "mnt")).not.toBe(ns(pb, "mnt"));

    // exec into each: b sees the pod's processes (pause is pid 1) and reaches a's server over the pod's loopback
    const inA = ctr(["task", "exec", "--exec-id", "ea", "cdpod-a", "sh", "-c", "echo in a"]);
    expect(inA.stdout).toBe("in a\n");
    expect(inA.code).toBe(0);
    const inB = ctr(
      argv`task exec --exec-id eb cdpod-b sh -c ${"ps -o pid,args; for i in $(seq 50); do wget -qO- http://127.0.0.1:8080/ && break; sleep 0.1; done"}`,
    );
    expect(inB.code).toBe(0);
    expect(inB.stdout).toMatch(/^\s*1 \/pause$/m);
    expect(inB.stdout).toContain("httpd -f -p 8080");
    expect(inB.stdout).toEndWith("from a\n");
    // the volume is in the host's peer group: mounts propagate both ways
    const mount = ctr(
      argv`task exec --exec-id em cdpod-b sh -c ${"mkdir -p /vol/in && mount -t tmpfs -o size=1m inner /vol/in && echo in > /vol/in/f"}`,
    );
    expect(mount.stderr).toBe("");
    expect(mount.code).toBe(0);
    hostMounts.push(join(volume, "in"));
    expect(readFileSync(join(volume, "in", "f"), "utf8")).toBe("in\n");
    mkdirSync(join(volume, "out"));
    expect(Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=1m", "outer", join(volume, "out")]).exitCode).toBe(0);
    hostMounts.push(join(volume, "out"));
    writeFileSync(join(volume, "out", "g"), "out\n");
    expect(ctr(["task", "exec", "--exec-id", "eo", "cdpod-b", "cat", "/vol/out/g"]).stdout).toBe("out\n");

    // stop a: its init goes; the shim then kills the rest of it (`kill --all`: a shares the pod's pid namespace)
    const aPids = ctr(["task", "ps", "cdpod-a"])
      .stdout.trim()
      .split("\n")
      .slice(1)
      .map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(aPids.length).toBe(2); // httpd and sleep
    expect(ctr(["task", "kill", "-s", "TERM", "cdpod-a"]).code).toBe(0);
    await waitFor(() => /cdpod-a\s+\d+\s+STOPPED/.test(ctr(["task", "ls"]).stdout), 10_000, "a to stop");
    await waitFor(() => aPids.every(gone), 10_000, "a's other process to be killed");
    expect(ctr(["task", "delete", "cdpod-a"]).code).toBe(0);
    expect(ctr(["containers", "delete", "cdpod-a"]).code).toBe(0);
    // b: kill --all
    expect(ctr(["task", "kill", "--all", "-s", "KILL", "cdpod-b"]).code).toBe(0);
    await waitFor(() => /cdpod-b\s+\d+\s+STOPPED/.test(ctr(["task", "ls"]).stdout), 10_000, "b to stop");
    expect(ctr(["task", "delete", "cdpod-b"]).code).toBe(0);
    expect(ctr(["containers", "delete", "cdpod-b"]).code).toBe(0);
    // the sandbox last, as the kubelet removes it: pause exits 0 on TERM
    expect(ctr(["task", "kill", "-s", "TERM", "cdpause"]).code).toBe(0);
    await waitFor(() => /cdpause\s+\d+\s+STOPPED/.test(ctr(["task", "ls"]).stdout), 10_000, "the sandbox to stop");
    expect(ctr(["task", "delete", "cdpause"]).code).toBe(0);
    expect(ctr(["containers", "delete", "cdpause"]).code).toBe(0);
    expect([sandbox, pa, pb].every(gone)).toBe(true);
    for (const id of POD) expect(leftovers(id)).toEqual([]);
    // the shim's `kill --all` after a's exit succeeded (it logged each failure: 69 per critest run before)
    const log = readFileSync(join(dir, "containerd.log"), "utf8");
    expect(log).not.toContain("failed to kill init's children");
    expect(log).not.toContain("no process left");
  });
});

// Says why in the test report, only where containerd (or podman, which builds the image) is missing.
if (canRunContainers && !enabled) test.skip("containerd with lxcri: containerd, ctr or podman is not installed", () => {});
