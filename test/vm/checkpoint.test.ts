// checkpoint and restore with CRIU (run in the VM: scripts/vm-test.sh; Debian 12's CRIU 3.17
// does not run on the project machine's 6.18 kernel, it does on the guest's 6.1). A busybox
// process counts into a file it keeps open and serves HTTP on a TCP listener:
// lxcri checkpoint (the container is gone; with --leave-running it is not), lxcri restore
// from the image: the counter goes on from where it stopped (a restart would count from 1
// again), the listener still answers. Then the same through podman: container checkpoint /
// restore, and checkpoint --export / restore --import. Where criu is installed but cannot run
// on the kernel (the project machine): test/integration/checkpoint-cli.test.ts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { argv } from "../argv.ts";
import { bundle, canRunContainers, cleanupRoot, LXCRI, leftovers, lxcri, state, tempDir, testRoot, waitFor } from "../helpers.ts";
import { DEFAULT_ULIMITS, importBusybox, podmanIn, podmanLeftovers, ULIMITS, writeContainersConf } from "../podman.ts";

const criu = Bun.which("criu");
const criuRuns = !!criu && Bun.spawnSync([criu, "check"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
const inGuest = canRunContainers && criuRuns && existsSync("/run/systemd/system");
if (!inGuest && process.env.LXCRI_REQUIRE_VM_TESTS === "1")
  throw new Error(
    "test/vm/checkpoint needs root, criu that runs on this kernel (criu check) and systemd as PID 1: run it with scripts/vm-test.sh",
  );
const root = testRoot("vm-checkpoint");
const dir = canRunContainers && criu ? tempDir("vm-checkpoint") : "";

/** Counts into /count.log (an fd it keeps open), 5 a second; busybox httpd answers on 8080. */
const WORKLOAD = [
  "sh",
  "-c",
  "mkdir -p /www && echo served > /www/index.html && httpd -f -p 8080 -h /www & exec 3>>/count.log; i=0; while :; do i=$((i+1)); echo $i >&3; echo $i; sleep 0.2; done",
];

/** A bundle of WORKLOAD with a writable rootfs (the count log is in it). */
const workloadBundle = () =>
  bundle(WORKLOAD, (s) => {
    s.root.readonly = false;
  });

/**
 * The CLI with a pipe for its stdout and stderr, as a caller (conmon, a shim) gives them (Bun's
 * own are socket pairs): the container inherits it (CRIU takes no file or socket of the host's),
 * and restore gives it the new one in its place (descriptors.json). The output is read as it
 * comes; the exit status arrives through a file (the pipe stays open while the container runs).
 */
let calls = 0;
function withPipes(args: string[]): { exited: Promise<number>; out: () => string } {
  const status = join(dir, `status-${++calls}`);
  const p = Bun.spawn(["sh", "-c", '("$0" "$@"; echo $? > "$STATUS_FILE") 2>&1 | cat', LXCRI, "--root", root, ...args], {
    env: { ...process.env, STATUS_FILE: status },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "ignore",
  });
  let out = "";
  void (async () => {
    const d = new TextDecoder();
    for await (const c of p.stdout) out += d.decode(c, { stream: true });
  })();
  const done = () => existsSync(status) && readFileSync(status, "utf8").endsWith("\n");
  const exited = waitFor(done, 240_000, `lxcri ${args[0]}`).then(() => Number(readFileSync(status, "utf8")));
  return { exited, out: () => out };
}

/** The numbers in a count log. */
const counts = (text: string) =>
  text
    .split("\n")
    .filter((l) => /^\d+$/.test(l))
    .map(Number);

/** 1, 2, 3, … with no gap and no restart: the process counted on where it stopped. */
function expectOneRun(values: number[]): void {
  expect(values.length).toBeGreaterThan(0);
  expect(values).toEqual(values.map((_, i) => i + 1));
}

afterAll(() => {
  if (!dir) return;
  cleanupRoot(root);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!inGuest)("lxcri checkpoint / restore with CRIU (VM)", () => {
  test("checkpoint ends the container; restore continues the process: its counter, its open file, its TCP listener", async () => {
    const b = workloadBundle();
    const log = join(b, "rootfs", "count.log");
    const id = "ck1";
    const created = withPipes(["create", "--bundle", b, id]);
    expect({ code: await created.exited, out: created.out() }).toEqual({ code: 0, out: "" });
    expect(lxcri(root, ["start", id]).code).toBe(0);
    await waitFor(() => existsSync(log) && counts(readFileSync(log, "utf8")).length >= 5, 60_000, "the counter");
    const served = lxcri(root, ["exec", id, "wget", "-qO-", "http://127.0.0.1:8080/"]);
    expect(served.stdout).toBe("served\n");

    const images = join(dir, "ck1-image");
    const ck = lxcri(root, ["checkpoint", "--image-path", images, "--work-path", join(dir, "ck1-work"), id]);
    expect(ck.stderr).toBe("");
    expect(ck.code).toBe(0);
    // the container is gone (runc's checkpoint deletes it), its process with it
    expect(lxcri(root, ["state", id]).stderr).toContain("does not exist");
    expect(leftovers(root, id)).toEqual([]);
    expect(JSON.parse(readFileSync(join(images, "descriptors.json"), "utf8"))).toHaveLength(3);
    const atDump = counts(readFileSync(log, "utf8"));
    expectOneRun(atDump);
    await Bun.sleep(1000);
    expect(counts(readFileSync(log, "utf8"))).toEqual(atDump);

    const restored = withPipes(
      argv`restore --detach --bundle ${b} --image-path ${images} --work-path ${join(dir, "ck1-rwork")} --pid-file ${join(dir, "ck1.pid")} ${id}`,
    );
    const code = await restored.exited;
    await Bun.sleep(200); // what it wrote before it exited, read
    expect({ code, out: restored.out().replace(/^\d+\n/gm, "") }).toEqual({ code: 0, out: "" });
    const s = state(root, id);
    expect(s.status).toBe("running");
    expect(Number(readFileSync(join(dir, "ck1.pid"), "utf8"))).toBe(s.pid);
    await waitFor(() => counts(readFileSync(log, "utf8")).length >= atDump.length + 5, 60_000, "the counter after restore");
    expectOneRun(counts(readFileSync(log, "utf8")));
    // its stdout goes on in restore's pipe: create's and restore's together count once
    await waitFor(() => counts(restored.out()).length >= 3, 30_000, "stdout after restore");
    expectOneRun([...counts(created.out()), ...counts(restored.out())]);
    expect(lxcri(root, ["exec", id, "wget", "-qO-", "http://127.0.0.1:8080/"]).stdout).toBe("served\n");
    // its processes are the container's: in its cgroup, and delete ends them
    expect(lxcri(root, ["kill", id, "KILL"]).code).toBe(0);
    await waitFor(() => state(root, id).status === "stopped", 30_000, "stopped");
    expect(lxcri(root, ["delete", id]).code).toBe(0);
    expect(leftovers(root, id)).toEqual([]);
  }, 300_000);

  test("--leave-running: the container keeps running and counting; an unsupported flag is refused by name", async () => {
    const b = workloadBundle();
    const log = join(b, "rootfs", "count.log");
    const id = "ck2";
    expect(await withPipes(["create", "--bundle", b, id]).exited).toBe(0);
    expect(lxcri(root, ["start", id]).code).toBe(0);
    await waitFor(() => existsSync(log) && counts(readFileSync(log, "utf8")).length >= 3, 60_000, "the counter");
    const refused = lxcri(root, ["checkpoint", "--lazy-pages", "--image-path", join(dir, "ck2-x"), id]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("--lazy-pages");
    const ck = lxcri(root, ["checkpoint", "--leave-running", "--image-path", join(dir, "ck2-image"), id]);
    expect(ck.stderr).toBe("");
    expect(ck.code).toBe(0);
    expect(state(root, id).status).toBe("running");
    const n = counts(readFileSync(log, "utf8")).length;
    await waitFor(() => counts(readFileSync(log, "utf8")).length >= n + 3, 60_000, "the counter after --leave-running");
    expectOneRun(counts(readFileSync(log, "utf8")));
    expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
    expect(leftovers(root, id)).toEqual([]);
  }, 300_000);
});

describe.skipIf(!inGuest)("pre-dump, and restore in the foreground (VM)", () => {
  test("--pre-dump then a dump with --parent-path; restore without --detach waits and exits with the container's status", async () => {
    // counts until /stop exists, then exits 7
    const b = bundle(
      ["sh", "-c", "exec 3>>/count.log; i=0; while [ ! -e /stop ]; do i=$((i+1)); echo $i >&3; sleep 0.2; done; exit 7"],
      (s) => {
        s.root.readonly = false;
      },
    );
    const log = join(b, "rootfs", "count.log");
    const id = "ck3";
    expect(await withPipes(["create", "--bundle", b, id]).exited).toBe(0);
    expect(lxcri(root, ["start", id]).code).toBe(0);
    await waitFor(() => existsSync(log) && counts(readFileSync(log, "utf8")).length >= 3, 60_000, "the counter");
    const images = join(dir, "ck3");
    const pre = lxcri(root, ["checkpoint", "--pre-dump", "--image-path", join(images, "pre"), id]);
    expect(pre.stderr).toBe("");
    expect(state(root, id).status).toBe("running");
    const full = lxcri(root, ["checkpoint", "--image-path", join(images, "full"), "--parent-path", "../pre", id]);
    expect(full.stderr).toBe("");
    expect(full.code).toBe(0);
    expect(lxcri(root, ["state", id]).stderr).toContain("does not exist");
    const atDump = counts(readFileSync(log, "utf8")).length;

    const restored = withPipes(["restore", "--bundle", b, "--image-path", join(images, "full"), id]);
    await waitFor(() => counts(readFileSync(log, "utf8")).length >= atDump + 3, 60_000, "the counter after restore");
    expect(state(root, id).status).toBe("running");
    writeFileSync(join(b, "rootfs", "stop"), "");
    expect(await restored.exited).toBe(7);
    expectOneRun(counts(readFileSync(log, "utf8")));
    // deleted once it ended, as runc restore without --detach does
    expect(lxcri(root, ["state", id]).stderr).toContain("does not exist");
    expect(leftovers(root, id)).toEqual([]);
  }, 300_000);
});

describe.skipIf(!inGuest || !Bun.which("podman"))("podman container checkpoint / restore with --runtime lxcri (VM)", () => {
  const IMAGE = "localhost/lxcri-busybox-ck";
  const runtimeRoot = "/run/lxcri";
  const pdir = inGuest ? join(dir, "podman") : "";
  const podman = podmanIn(pdir, "vfs");
  const logged = (name: string) => counts(podman(["logs", name]).stdout);
  const inFile = (name: string) => counts(podman(["exec", name, "cat", "/count.log"]).stdout);
  const idOf = (name: string) => podman(["inspect", "--format", "{{.Id}}", name]).stdout.trim();

  beforeAll(() => {
    if (!inGuest) return;
    mkdirSync(pdir, { recursive: true });
    writeContainersConf(pdir, [DEFAULT_ULIMITS]);
    importBusybox(podman, pdir, IMAGE);
  });
  afterAll(() => {
    if (!inGuest) return;
    podman(["rm", "-af", "-t", "0"]);
    podman(["rmi", "-af"]);
  });

  test("container checkpoint stops it, container restore continues it: its log, its open file, its listener", async () => {
    const started = podman(["run", "-d", "--name", "pc1", ...ULIMITS, IMAGE, ...WORKLOAD]);
    expect(started.stderr).toBe("");
    expect(started.code).toBe(0);
    await waitFor(() => logged("pc1").length >= 5, 60_000, "the counter");
    const ck = podman(["container", "checkpoint", "pc1"], 300_000);
    expect(ck.stderr).toBe("");
    expect(ck.code).toBe(0);
    expect(podman(["inspect", "--format", "{{.State.Status}}", "pc1"]).stdout.trim()).toBe("exited");
    const atDump = logged("pc1");
    const rs = podman(["container", "restore", "pc1"], 300_000);
    expect(rs.stderr).toBe("");
    expect(rs.code).toBe(0);
    expect(podman(["inspect", "--format", "{{.State.Status}}", "pc1"]).stdout.trim()).toBe("running");
    // the log goes on through conmon's new pipe (descriptors.json), from where it stopped
    await waitFor(() => logged("pc1").length >= atDump.length + 5, 60_000, "the counter after restore");
    expectOneRun(logged("pc1"));
    expectOneRun(inFile("pc1"));
    expect(podman(["exec", "pc1", "wget", "-qO-", "http://127.0.0.1:8080/"]).stdout).toBe("served\n");
    const id = idOf("pc1");
    expect(podman(["rm", "-f", "-t", "0", "pc1"]).code).toBe(0);
    expect(podmanLeftovers(runtimeRoot, id, { unit: true })).toEqual([]);
  }, 600_000);

  test("checkpoint --export, rm, restore --import: the container comes back counting on", async () => {
    expect(podman(["run", "-d", "--name", "pc2", ...ULIMITS, IMAGE, ...WORKLOAD]).code).toBe(0);
    await waitFor(() => logged("pc2").length >= 5, 60_000, "the counter");
    const tar = join(pdir, "pc2.tar.gz");
    const ck = podman(["container", "checkpoint", "--export", tar, "pc2"], 300_000);
    expect(ck.stderr).toBe("");
    expect(ck.code).toBe(0);
    const atDump = logged("pc2").length;
    expect(podman(["rm", "-f", "pc2"]).code).toBe(0);
    const rs = podman(["container", "restore", "--import", tar], 300_000);
    expect(rs.stderr).toBe("");
    expect(rs.code).toBe(0);
    expect(podman(["inspect", "--format", "{{.State.Status}}", "pc2"]).stdout.trim()).toBe("running");
    await waitFor(() => inFile("pc2").length >= atDump + 5, 60_000, "the counter after import");
    expectOneRun(inFile("pc2"));
    expect(podman(["exec", "pc2", "wget", "-qO-", "http://127.0.0.1:8080/"]).stdout).toBe("served\n");
    const id = idOf("pc2");
    expect(podman(["rm", "-f", "-t", "0", "pc2"]).code).toBe(0);
    expect(podmanLeftovers(runtimeRoot, id, { unit: true })).toEqual([]);
  }, 600_000);
});
