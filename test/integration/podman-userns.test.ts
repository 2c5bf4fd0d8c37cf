// User namespaces through real podman with --runtime lxcri, as podman users share them:
// --userns=container:NAME (the second container joins the first's user namespace by path),
// a pod whose containers share the infra container's user namespace, -v DIR:/d:idmap, and
// --userns=auto (a container and a pod). Most maps are given with --uidmap/--gidmap;
// --userns=auto takes its ranges from the subordinate ids of podman's "containers" user,
// which the set-up gives it in /etc/subuid and /etc/subgid (and takes away after).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { argv } from "../argv.ts";
import { canRunContainers, tempDir } from "../helpers.ts";
import {
  DEFAULT_ULIMITS,
  importBusybox,
  mountTablesHolding,
  podmanIn,
  podmanLeftovers,
  removeEverything,
  sharedRootNamespace,
  ULIMITS,
  writeContainersConf,
} from "../podman.ts";

const enabled = canRunContainers && !!Bun.which("podman");
const dir = enabled ? tempDir("podman-userns") : "";
const runtimeRoot = "/run/lxcri";
const IMAGE = "localhost/lxcri-busybox";
const MAPS = ["--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536"];
// every container here maps host root away, so podman runs conmon and its cleanup in a mount
// namespace of their own: podman needs "/" shared for their umount of userdata/shm to reach the
// mount `podman rm` removes (sharedRootNamespace says why; without it, rm fails with EBUSY
// whenever the cleanup wins the race, with runc as with lxcri)
const ns = enabled ? sharedRootNamespace() : undefined;
const podman = podmanIn(dir, "vfs", ns);
const idOf = (name: string) => podman(["inspect", "--format", "{{.Id}}", name]).stdout.trim();
const pidOf = (name: string) => Number(podman(["inspect", "--format", "{{.State.Pid}}", name]).stdout.trim());
const userns = (pid: number) => statSync(`/proc/${pid}/ns/user`).ino;
/** What --userns=auto allocates from: podman's default auto-userns-user, "containers", as podman's docs give it its range. */
const AUTO_START = 2147483647;
const AUTO_LINE = `containers:${AUTO_START}:2147483648`;
const SUBID_FILES = ["/etc/subuid", "/etc/subgid"];
/** The files the set-up added AUTO_LINE to (a host with a "containers" range of its own keeps it, untouched). */
const addedTo: string[] = [];
/** uid_map's lines, each as its three numbers. */
const uidMap = (pid: number) =>
  readFileSync(`/proc/${pid}/uid_map`, "utf8")
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number));

beforeAll(() => {
  if (!enabled) return;
  writeContainersConf(dir, [DEFAULT_ULIMITS]);
  importBusybox(podman, dir, IMAGE);
  for (const f of SUBID_FILES) {
    const text = existsSync(f) ? readFileSync(f, "utf8") : "";
    if (text.split("\n").some((l) => l.startsWith("containers:"))) continue;
    appendFileSync(f, `${text && !text.endsWith("\n") ? "\n" : ""}${AUTO_LINE}\n`);
    addedTo.push(f);
  }
});

afterAll(() => {
  if (!enabled) return;
  removeEverything(podman);
  ns?.stop();
  rmSync(dir, { recursive: true, force: true });
  // only the line the set-up added: other tests add lines of their own meanwhile
  for (const f of addedTo)
    writeFileSync(
      f,
      readFileSync(f, "utf8")
        .split("\n")
        .filter((l) => l !== AUTO_LINE)
        .join("\n"),
    );
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
    for (const id of ids) expect(mountTablesHolding(id)).toEqual([]);
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
    for (const id of ids) expect(mountTablesHolding(id)).toEqual([]);
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

  test("--userns=auto: a container of its own user namespace, mapped into the containers range", () => {
    const r = podman(["run", "-d", "--name", "ua-auto", "--userns", "auto", "--network", "none", ...ULIMITS, IMAGE, "sleep", "1000"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const pid = pidOf("ua-auto");
    expect(userns(pid)).not.toBe(userns(process.pid));
    const map = uidMap(pid);
    expect(map.length).toBe(1);
    const [inside, outside, count] = map[0]!;
    expect(inside).toBe(0);
    expect(outside).toBeGreaterThanOrEqual(AUTO_START);
    expect(count).toBeGreaterThan(0);
    // its root is the range's first uid on the host
    expect(readFileSync(`/proc/${pid}/status`, "utf8")).toMatch(new RegExp(`\\nUid:\\s+${outside}\\s`));
    const e = podman(["exec", "ua-auto", "id", "-u"]);
    expect(e.stdout).toBe("0\n");
    const id = idOf("ua-auto");
    const rm = podman(["rm", "-f", "-t", "0", "ua-auto"]);
    expect(rm.stderr).toBe("");
    expect(rm.code).toBe(0);
    expect(podmanLeftovers(runtimeRoot, id, { unit: true })).toEqual([]);
    expect(mountTablesHolding(id)).toEqual([]);
  });

  test("pod create --userns=auto: two containers share the infra container's user namespace", () => {
    const p = podman(["pod", "create", "--name", "up-auto", "--userns", "auto"]);
    expect(p.stderr).toBe("");
    expect(p.code).toBe(0);
    for (const name of ["upa1", "upa2"]) {
      const r = podman(["run", "-d", "--name", name, "--pod", "up-auto", ...ULIMITS, IMAGE, "sleep", "1000"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
    const infra = podman(["pod", "inspect", "--format", "{{.InfraContainerID}}", "up-auto"]).stdout.trim();
    const ns = userns(pidOf(infra));
    expect(ns).not.toBe(userns(process.pid));
    expect(userns(pidOf("upa1"))).toBe(ns);
    expect(userns(pidOf("upa2"))).toBe(ns);
    expect(uidMap(pidOf("upa1"))[0]![1]).toBeGreaterThanOrEqual(AUTO_START);
    const ids = [idOf("upa1"), idOf("upa2"), infra];
    expect(podman(["pod", "rm", "-f", "-t", "0", "up-auto"]).code).toBe(0);
    for (const id of ids) expect(podmanLeftovers(runtimeRoot, id, { unit: true })).toEqual([]);
    for (const id of ids) expect(mountTablesHolding(id)).toEqual([]);
  });
});
