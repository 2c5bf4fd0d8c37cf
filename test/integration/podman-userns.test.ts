// User namespaces through real podman with --runtime lxcri, as podman users share them:
// --userns=container:NAME (the second container joins the first's user namespace by path),
// a pod whose containers share the infra container's user namespace, and -v DIR:/d:idmap.
// Maps are given with --uidmap/--gidmap: --userns=auto needs /etc/subuid ranges for the
// "containers" user, which this host's configuration is left without.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chownSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { argv } from "../argv.ts";
import { canRunContainers, tempDir } from "../helpers.ts";
import { DEFAULT_ULIMITS, importBusybox, podmanIn, podmanLeftovers, removeEverything, ULIMITS, writeContainersConf } from "../podman.ts";

const enabled = canRunContainers && !!Bun.which("podman");
const dir = enabled ? tempDir("podman-userns") : "";
const runtimeRoot = "/run/lxcri";
const IMAGE = "localhost/lxcri-busybox";
const MAPS = ["--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536"];
const podman = podmanIn(dir, "vfs");
const idOf = (name: string) => podman(["inspect", "--format", "{{.Id}}", name]).stdout.trim();
const pidOf = (name: string) => Number(podman(["inspect", "--format", "{{.State.Pid}}", name]).stdout.trim());
const userns = (pid: number) => statSync(`/proc/${pid}/ns/user`).ino;

beforeAll(() => {
  if (!enabled) return;
  writeContainersConf(dir, [DEFAULT_ULIMITS]);
  importBusybox(podman, dir, IMAGE);
});

afterAll(() => {
  if (!enabled) return;
  removeEverything(podman);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!enabled)("podman with --runtime lxcri: shared user namespaces and idmap volumes", () => {
  test("--userns=container:a: b runs in a's user namespace, with its maps", () => {
    const a = podman(["run", "-d", "--name", "ua", "--network", "none", ...ULIMITS, ...MAPS, IMAGE, "sleep", "1000"]);
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    const b = podman([...argv`run -d --name ub --userns container:ua --network container:ua`, ...ULIMITS, ...argv`${IMAGE} sleep 1000`]);
    expect(b.stderr).toBe("");
    expect(b.code).toBe(0);
    expect(userns(pidOf("ub"))).toBe(userns(pidOf("ua")));
    expect(
      readFileSync(`/proc/${pidOf("ub")}/uid_map`, "utf8")
        .trim()
        .split(/\s+/),
    ).toEqual(["0", "100000", "65536"]);
    const ids = [idOf("ua"), idOf("ub")];
    // b depends on a: podman removes it first
    for (const name of ["ub", "ua"]) expect(podman(["rm", "-f", "-t", "0", name]).stderr).toBe("");
    for (const id of ids) expect(podmanLeftovers(runtimeRoot, id, { unit: true })).toEqual([]);
  });

  test("a pod with a user namespace: its containers share the infra container's", () => {
    expect(podman(["pod", "create", "--name", "up", ...MAPS]).code).toBe(0);
    const r = podman(["run", "-d", "--name", "up1", "--pod", "up", ...ULIMITS, IMAGE, "sleep", "1000"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const infra = podman(["pod", "inspect", "--format", "{{.InfraContainerID}}", "up"]).stdout.trim();
    expect(userns(pidOf("up1"))).toBe(userns(pidOf(infra)));
    expect(userns(pidOf("up1"))).not.toBe(userns(process.pid));
    expect(readFileSync(`/proc/${pidOf("up1")}/status`, "utf8")).toMatch(/\nUid:\s+100000\s/);
    const ids = [idOf("up1"), infra];
    expect(podman(["pod", "rm", "-f", "-t", "0", "up"]).code).toBe(0);
    for (const id of ids) expect(podmanLeftovers(runtimeRoot, id, { unit: true })).toEqual([]);
  });

  test("-v DIR:/d:idmap: a file of host uid 1000 is uid 1000 inside the container's user namespace", () => {
    const vol = join(dir, "vol");
    mkdirSync(vol);
    writeFileSync(join(vol, "f"), "x");
    chownSync(join(vol, "f"), 1000, 1000);
    const r = podman([...argv`run --rm --network none`, ...ULIMITS, ...MAPS, ...argv`-v ${vol}:/d:idmap ${IMAGE} stat -c ${"%u %g"} /d/f`]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("1000 1000");
  });
});
