// Real podman for the caller tests (test/integration/podman.test.ts, systemd.test.ts): its
// own storage and a containers.conf under the test's directory, lxcri registered the way the
// README says, and what a podman container can leave behind.
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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

/** podman with its storage (`driver`) and containers.conf in `dir`; a call past `timeout` ms counts as killed. */
export function podmanIn(dir: string, driver: string) {
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
