// systemd as the container's init under real podman (`podman run --systemd=always IMAGE
// /sbin/init`), the system container runc and crun run: it must boot to "running" (or
// "degraded"), take `podman exec`, and stop with `podman stop`, which sends systemd's stop
// signal SIGRTMIN+3 (37). The image is a minimal Debian 12 with systemd, debootstrapped once
// and cached (test/tools/systemd-image.sh: about 1.5 minutes the first time). podman has its own storage here, as in podman.test.ts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, REPO, tempDir } from "../helpers.ts";
import { podmanIn, podmanLeftovers, writeContainersConf } from "../podman.ts";

const podmanBin = Bun.which("podman");
// without debootstrap and without a cached image, systemdImage() fails the file, saying so
const enabled = canRunContainers && !!podmanBin;
const dir = enabled ? tempDir("systemd") : "";
const runtimeRoot = "/run/lxcri";
const IMAGE = "localhost/lxcri-systemd";
// vfs works anywhere (this host's own root is an overlay); the VM job asks for overlay: vfs copies
// the whole image for each container, minutes under emulation
const STORAGE_DRIVER = process.env.LXCRI_PODMAN_STORAGE_DRIVER ?? "vfs";

const podman = podmanIn(dir, STORAGE_DRIVER);

/** The image's tarball, built (once: about 1.5 minutes) while the file loads, where no test or hook timeout can cut debootstrap short. */
function systemdImage(): string {
  const built = Bun.spawnSync(["bash", join(REPO, "test/tools/systemd-image.sh")], { stdout: "pipe", stderr: "pipe" });
  if (built.exitCode !== 0) throw new Error(`systemd image: ${built.stderr.toString()}`);
  return built.stdout.toString().trim();
}
const imageTar = enabled ? systemdImage() : "";

/** What a podman container left behind: lxcri's runtime dir and its cgroups. */
const leftovers = (id: string) => podmanLeftovers(runtimeRoot, id, { unit: false });

beforeAll(() => {
  if (!enabled) return;
  writeContainersConf(dir, [
    // podman's default RLIMIT_NOFILE exceeds the hard limit root has on this kind of machine
    'default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]',
  ]);
  const imported = podman(["import", imageTar, IMAGE], 600_000);
  if (imported.code !== 0) throw new Error(`podman import: ${imported.stderr}`);
});

afterAll(() => {
  if (!enabled) return;
  podman(["rm", "-af", "-t", "0"]);
  podman(["rmi", "-af"]);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!enabled)("systemd as the container's init (real podman, --systemd=always)", () => {
  test("boots to running, takes podman exec, stops with podman stop (SIGRTMIN+3), leaves nothing", async () => {
    const started = podman(["run", "-d", "--name", "sd1", "--systemd=always", IMAGE, "/sbin/init"]);
    expect(started.stderr).toBe("");
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    let state = "";
    for (let i = 0; i < 120 && !/^(running|degraded)$/.test(state); i++) {
      state = podman(["exec", "sd1", "systemctl", "is-system-running"]).stdout.trim();
      if (!/^(running|degraded)$/.test(state)) await Bun.sleep(250);
    }
    expect(state).toMatch(/^(running|degraded)$/);
    // systemd is pid 1 and manages its own cgroups below the container's
    const pid1 = podman(["exec", "sd1", "cat", "/proc/1/comm"]);
    expect(pid1.stdout.trim()).toBe("systemd");
    expect(podman(["exec", "sd1", "sh", "-c", "echo in $(hostname)"]).stdout).toBe(`in ${id.slice(0, 12)}\n`);
    // podman stop sends the image's stop signal, 37; systemd halts and exits 0 (podman's SIGKILL
    // after its timeout would make the exit status 137)
    const stopped = podman(["stop", "-t", "60", "sd1"], 90_000);
    expect(stopped.stderr).toBe("");
    expect(stopped.code).toBe(0);
    expect(podman(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "sd1"]).stdout.trim()).toBe("exited 0");
    expect(podman(["rm", "sd1"]).code).toBe(0);
    expect(leftovers(id)).toEqual([]);
  });
});

// Says why in the test report, only where podman is missing (CI installs it).
if (canRunContainers && !enabled) test.skip("systemd under podman: podman is not installed", () => {});
