// What the AppArmor and SELinux guest tests share: a command's output, and podman
// with --runtime lxcri as a root user runs it there (its own storage and
// containers.conf, the cgroupfs manager, busybox imported as IMAGE, all removed after).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeBundle } from "../../scripts/make-bundle.ts";
import { LXCRI } from "../helpers.ts";

export interface ShOut {
  code: number;
  out: string;
  err: string;
}

export function sh(cmd: string[], env?: Record<string, string>): ShOut {
  const p = Bun.spawnSync({ cmd, env: { ...process.env, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: 300_000 });
  return { code: p.exitCode ?? -1, out: p.stdout.toString(), err: p.stderr.toString() };
}

export const IMAGE = "localhost/lxcri-busybox";

/** podman in `dir`: `podman(args)`, `setUp()` (beforeAll: its configuration, the image), `tearDown()` (afterAll). */
export function guestPodman(dir: string) {
  const podman = (args: string[]) =>
    sh(["podman", "--runtime", LXCRI, "--root", join(dir, "storage"), "--runroot", join(dir, "run"), "--storage-driver", "vfs", ...args], {
      CONTAINERS_CONF: join(dir, "containers.conf"),
    });
  const setUp = () => {
    writeFileSync(
      join(dir, "containers.conf"),
      ["[engine]", 'cgroup_manager = "cgroupfs"', 'events_logger = "none"', `runtime_supports_json = ["lxcri"]`, ""].join("\n"),
    );
    const b = join(dir, "image");
    makeBundle(b, ["sh"]);
    const tar = join(dir, "rootfs.tar");
    const packed = sh(["tar", "-C", join(b, "rootfs"), "-cf", tar, "."]);
    if (packed.code !== 0) throw new Error(`tar: ${packed.err}`);
    const imported = podman(["import", tar, IMAGE]);
    if (imported.code !== 0) throw new Error(`podman import: ${imported.err}`);
  };
  const tearDown = () => {
    podman(["rm", "-af", "-t", "0"]);
    podman(["rmi", "-af"]);
  };
  return { podman, setUp, tearDown };
}
