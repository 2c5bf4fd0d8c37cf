// Real podman for the caller tests (test/integration/podman.test.ts, systemd.test.ts): its
// own storage and a containers.conf under the test's directory, lxcri registered the way the
// README says, and what a podman container can leave behind.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeBundle } from "../scripts/make-bundle.ts";
import { LXCRI } from "./helpers.ts";

export interface PodmanOut {
  code: number;
  stdout: string;
  stderr: string;
}

// podman's own default: the systemd cgroup manager where systemd runs (a scope per container in
// machine.slice, made by the runtime), else cgroupfs (libpod_parent/libpod-<id>)
export const systemdRuns = existsSync("/run/systemd/system");
export const cgroupManager = systemdRuns ? "systemd" : "cgroupfs";

/**
 * podman asks for RLIMIT_NOFILE 1048576 and RLIMIT_NPROC 32768 by default; raising a hard
 * limit needs CAP_SYS_RESOURCE, which root lacks on this kind of machine (runc fails the same):
 * `podman run` flags that ask for less, and the containers.conf line that does the same for
 * what podman starts itself (a pod's infra container).
 */
export const ULIMITS = ["--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096"];
export const DEFAULT_ULIMITS = 'default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]';

export type Podman = (args: string[], timeout?: number) => PodmanOut;

/** podman with its storage (`driver`) and containers.conf in `dir`; a call past `timeout` ms counts as killed. */
export function podmanIn(dir: string, driver: string): Podman {
  const bin = Bun.which("podman");
  return (args: string[], timeout = 60_000): PodmanOut => {
    const p = Bun.spawnSync([bin!, "--root", join(dir, "storage"), "--runroot", join(dir, "run"), "--storage-driver", driver, ...args], {
      env: { ...process.env, CONTAINERS_CONF: join(dir, "containers.conf") },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      timeout,
    });
    return { code: p.exitCode ?? 128 + 9, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
  };
}

/** dir/containers.conf naming lxcri as podman's runtime (README), with `containers` lines for its [containers] table. */
export function writeContainersConf(dir: string, containers: string[]): void {
  writeFileSync(
    join(dir, "containers.conf"),
    [
      "[engine]",
      'runtime = "lxcri"',
      'runtime_supports_json = ["lxcri"]',
      `cgroup_manager = "${cgroupManager}"`,
      'events_logger = "none"',
      "[engine.runtimes]",
      `lxcri = ["${LXCRI}"]`,
      "[containers]",
      ...containers,
      "",
    ].join("\n"),
  );
}

/**
 * What a podman container left behind: lxcri's runtime directory under `runtimeRoot`, its
 * cgroups (by podman's cgroup names, and liblxc's monitor cgroup), with `unit` its systemd scope.
 */
export function podmanLeftovers(runtimeRoot: string, id: string, opts: { unit: boolean }): string[] {
  const found: string[] = [];
  if (existsSync(join(runtimeRoot, id))) found.push(`runtime dir ${join(runtimeRoot, id)}`);
  const hierarchies = existsSync("/sys/fs/cgroup/cgroup.controllers") ? [""] : readdirSync("/sys/fs/cgroup");
  for (const h of hierarchies)
    for (const d of [
      join("/sys/fs/cgroup", h, "libpod_parent", `libpod-${id}`),
      join("/sys/fs/cgroup", h, "machine.slice", `libpod-${id}.scope`),
      join("/sys/fs/cgroup", h, `lxc.monitor.${id}`),
    ])
      if (existsSync(d)) found.push(`cgroup ${d}`);
  if (opts.unit && systemdRuns && Bun.spawnSync(["systemctl", "is-active", `libpod-${id}.scope`]).exitCode === 0)
    found.push(`unit libpod-${id}.scope`);
  return found;
}

/** busybox-static's rootfs (scripts/make-bundle.ts) as a tarball at `tar`, for `podman import`: no registry. */
export function busyboxTarball(tar: string): string {
  const work = mkdtempSync(join(tmpdir(), "lxcri-test-image-"));
  try {
    makeBundle(work, ["sh"]);
    const r = Bun.spawnSync(["tar", "-C", join(work, "rootfs"), "-cf", tar, "."], { stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`tar of busybox's rootfs into ${tar}: ${r.stderr.toString()}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return tar;
}

/** Imports busybox-static as `image` into `podman` (the tarball in `dir`); throws with podman's words when it cannot. */
export function importBusybox(podman: Podman, dir: string, image: string): void {
  const imported = podman(["import", busyboxTarball(join(dir, "rootfs.tar")), image]);
  if (imported.code !== 0) throw new Error(`podman import: ${imported.stderr}`);
}

/** Removes every pod, container and image `podman` has. */
export function removeEverything(podman: Podman): void {
  podman(["pod", "rm", "-af", "-t", "0"]);
  podman(["rm", "-af", "-t", "0"]);
  podman(["rmi", "-af"]);
}
