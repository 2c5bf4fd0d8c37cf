// Real podman for the caller tests (test/integration/podman.test.ts, systemd.test.ts): its
// own storage and a containers.conf under the test's directory, lxcri registered the way the
// README says, and what a podman container can leave behind.
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * podman with its storage (`driver`) and containers.conf in `dir`; a call past `timeout` ms counts as killed.
 * `ns` runs every call in that mount namespace (sharedRootNamespace).
 */
export function podmanIn(dir: string, driver: string, ns?: SharedRoot): Podman {
  const bin = Bun.which("podman");
  return (args: string[], timeout = 60_000): PodmanOut => {
    const p = Bun.spawnSync(
      [...(ns?.enter() ?? []), bin!, "--root", join(dir, "storage"), "--runroot", join(dir, "run"), "--storage-driver", driver, ...args],
      {
        env: { ...process.env, CONTAINERS_CONF: join(dir, "containers.conf") },
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
        timeout,
      },
    );
    return { code: p.exitCode ?? 128 + 9, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
  };
}

/** A mount namespace whose "/" is shared: `enter()` is the command prefix that runs a command in it. */
export interface SharedRoot {
  enter(): string[];
  stop(): void;
}

/** Whether this process's "/" is a shared mount (mountinfo's optional fields name a peer group). */
export function rootIsShared(): boolean {
  const root = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" "))
    .filter((f) => f[4] === "/")
    .at(-1); // the one on top
  return !!root && root.slice(6, root.indexOf("-")).some((f) => f.startsWith("shared:"));
}

/**
 * podman assumes "/" is shared, as systemd makes it: for a container whose user namespace does
 * not map host root (--uidmap, --userns=auto, and a container joining one), podman 4 starts
 * conmon in a mount namespace of its own (unshare(CLONE_NEWNS) in createRootlessContainer,
 * "so that the cleanup process is still able to umount the storage and the changes are
 * propagated to the host"), and conmon's exit command, `podman container cleanup`, inherits it.
 * Where "/" is private, the cleanup's umount of userdata/shm stays in that namespace; when the
 * cleanup gets the container's lock before `podman rm` does, rm finds the container cleaned up,
 * does not unmount, and its rmdir of userdata/shm fails with EBUSY, whatever the OCI runtime
 * (runc fails the same). On a host whose "/" is private this runs podman in a mount namespace
 * whose mounts are shared (the copies are private to it, so the host is untouched), as podman's
 * own CI hosts run it; where "/" is shared already it returns undefined and podman runs as is.
 * The namespace lives while `unshare`'s child (cat) reads its stdin: it ends with stop() or with
 * this process.
 */
export function sharedRootNamespace(): SharedRoot | undefined {
  if (rootIsShared()) return undefined;
  const holder = Bun.spawn(["unshare", "--mount", "--propagation", "shared", "--", "cat"], {
    stdin: "pipe",
    stdout: "ignore",
    stderr: "inherit",
  });
  const own = readlinkSync("/proc/self/ns/mnt");
  const deadline = Date.now() + 10_000;
  // unshare execs cat once the namespace is made and its mounts are shared
  for (;;) {
    let comm = "";
    try {
      comm = readFileSync(`/proc/${holder.pid}/comm`, "utf8").trim();
    } catch {
      /* not yet, or gone: exitCode says which */
    }
    if (comm === "cat" && readlinkSync(`/proc/${holder.pid}/ns/mnt`) !== own) break;
    if (holder.exitCode !== null || Date.now() > deadline)
      throw new Error(
        `unshare --mount --propagation shared: ${holder.exitCode === null ? "not ready in 10 s" : `exit ${holder.exitCode}`}`,
      );
    Bun.sleepSync(5);
  }
  return {
    enter: () => ["nsenter", `--mount=/proc/${holder.pid}/ns/mnt`, "--"],
    stop: () => {
      holder.stdin.end();
      holder.kill();
    },
  };
}

/**
 * The mount tables (one per mount namespace, named by a process in it) that still hold a mount
 * under the container `id`'s storage (podman's userdata/shm among them): after `podman rm`, none
 * should, or something of the container (a process, a namespace held open) outlived it.
 */
export function mountTablesHolding(id: string): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const ns = readlinkSync(`/proc/${pid}/ns/mnt`);
      if (seen.has(ns)) continue;
      seen.add(ns);
      if (readFileSync(`/proc/${pid}/mountinfo`, "utf8").includes(`/${id}/`))
        found.push(`${ns} of pid ${pid} (${readFileSync(`/proc/${pid}/comm`, "utf8").trim()})`);
    } catch {
      /* gone */
    }
  }
  return found;
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
