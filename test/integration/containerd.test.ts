// lxcri behind real containerd and its runc shim (containerd-shim-runc-v2),
// as `ctr run --runc-binary` uses it. The test starts its own containerd
// (own root, state and socket; stopped after) and imports the busybox image
// podman built from the local rootfs (podman save → ctr images import).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeBundle } from "../../scripts/make-bundle.ts";
import { canRunContainers, LXCRI, tempDir, waitFor } from "../helpers.ts";

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

afterAll(async () => {
  if (!enabled) return;
  for (const id of ["cd1", "cd2", "cd3"]) {
    ctr(["task", "kill", "-s", "KILL", id]);
    ctr(["task", "delete", "-f", id]);
    ctr(["containers", "delete", id]);
  }
  daemon?.kill();
  await daemon?.exited;
  rmSync(dir, { recursive: true, force: true });
  rmSync(shimRoot, { recursive: true, force: true });
});

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
});

// Says why in the test report, only where containerd (or podman, which builds the image) is missing.
if (canRunContainers && !enabled) test.skip("containerd with lxcri: containerd, ctr or podman is not installed", () => {});
