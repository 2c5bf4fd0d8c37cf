// The OCI lifecycle through the real CLI, on real containers (root, liblxc).
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, leftovers, LXCRI, lxcri, state, tempDir, testRoot, waitFor } from "../helpers.ts";

const root = testRoot("lifecycle");
afterAll(() => cleanupRoot(root));

describe.skipIf(!canRunContainers)("lifecycle (CLI, real containers)", () => {
  test("create → created → start → running → kill → stopped → delete, state checked at each step", async () => {
    const b = bundle(["sleep", "30"]);
    const pidFile = join(b, "pid");
    const c = lxcri(root, ["create", "--bundle", b, "--pid-file", pidFile, "life"]);
    expect(c.stderr).toBe("");
    expect(c.code).toBe(0);
    const created = state(root, "life");
    expect(created.status).toBe("created");
    expect(created.id).toBe("life");
    expect(created.bundle).toBe(b);
    expect(created.pid).toBeGreaterThan(0);
    expect(Date.parse(created.created as string)).toBeGreaterThan(0);
    // The pid-file holds init, as state.pid does (the caller reaps it), without a newline.
    expect(readFileSync(pidFile, "utf8")).toBe(String(created.pid));
    // nothing of lxcri runs beside the container: liblxc's monitor is gone, init is re-parented
    expect(readFileSync(`/proc/${created.pid}/status`, "utf8")).not.toMatch(new RegExp(`PPid:\t(${process.pid}|0)\n`));
    // created: the user process has not run yet.
    expect(readFileSync(`/proc/${created.pid}/cmdline`, "utf8")).toMatch(/^\/proc\/self\/fd\/\d+\0init\0\d+\0$/);

    expect(lxcri(root, ["start", "life"]).code).toBe(0);
    const running = state(root, "life");
    expect(running.status).toBe("running");
    expect(running.pid).toBe(created.pid);
    expect(readFileSync(`/proc/${running.pid}/cmdline`, "utf8")).toBe("sleep\x0030\x00");
    // start twice is an error with no effect
    const again = lxcri(root, ["start", "life"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("not created");
    // /.lxcri is gone from the container's mount namespace
    expect(readFileSync(`/proc/${running.pid}/mountinfo`, "utf8")).not.toContain("/.lxcri");
    // delete of a running container without --force is refused
    expect(lxcri(root, ["delete", "life"]).code).toBe(1);
    expect(state(root, "life").status).toBe("running");

    expect(lxcri(root, ["kill", "life", "KILL"]).code).toBe(0);
    await waitFor(() => state(root, "life").status === "stopped", 5000, "stopped");
    expect(state(root, "life").pid).toBe(0);
    // kill of a stopped container: error, no effect, in the wording every operation's refusal has (container/load.ts)
    const k = lxcri(root, ["kill", "life", "TERM"]);
    expect(k.code).toBe(1);
    expect(k.stderr).toContain("cannot kill container life: container not running: it is stopped, not created or running or paused");
    expect(lxcri(root, ["delete", "life"]).code).toBe(0);
    expect(lxcri(root, ["state", "life"]).stderr).toContain("container life does not exist");
    expect(leftovers(root, "life")).toEqual([]);
  });

  test("run prints the container's output and exits with its status", () => {
    const b = bundle(["sh", "-c", "echo hello from $(hostname) as pid $$; exit 3"]);
    const r = lxcri(root, ["run", "--bundle", b, "run3"]);
    expect(r.stdout).toBe("hello from lxcri as pid 1\n");
    expect(r.code).toBe(3);
    expect(leftovers(root, "run3")).toEqual([]);
  });

  test("run: a container killed by SIGKILL exits 137", async () => {
    const b = bundle(["sleep", "30"]);
    const run = Bun.spawn({ cmd: [LXCRI, "--root", root, "run", "--bundle", b, "run137"], stdio: ["ignore", "ignore", "ignore"] });
    await waitFor(() => lxcri(root, ["state", "run137"]).stdout.includes('"running"'), 5000, "run137 running");
    expect(lxcri(root, ["kill", "run137", "KILL"]).code).toBe(0);
    expect(await run.exited).toBe(137);
    expect(leftovers(root, "run137")).toEqual([]);
  });

  test("the monitor's own exit status mirrors the container's (what conmon and containerd reap)", async () => {
    const { libc, setSubreaper } = await import("../../ffi/libc.ts");
    // A subreaper while create runs, so the monitor is re-parented to this process when create exits
    // (for longer, this test process would adopt later tests' orphans and never reap them).
    setSubreaper(true);
    const b = bundle(["sh", "-c", "exit 7"]);
    const pidFile = join(b, "pid");
    const created = lxcri(root, ["create", "--bundle", b, "--pid-file", pidFile, "mon7"]);
    setSubreaper(false);
    expect(created.code).toBe(0);
    const monitor = Number(readFileSync(pidFile, "utf8"));
    expect(lxcri(root, ["start", "mon7"]).code).toBe(0);
    const st = new Int32Array(1);
    expect(libc.waitpid(monitor, st, 0)).toBe(monitor);
    expect((st[0]! >> 8) & 0xff).toBe(7);
    expect(lxcri(root, ["delete", "mon7"]).code).toBe(0);
    expect(leftovers(root, "mon7")).toEqual([]);
  });

  test("kill of a created container, by number and by name in any case", async () => {
    const b = bundle(["sleep", "30"]);
    expect(lxcri(root, ["create", "--bundle", b, "k1"]).code).toBe(0);
    expect(lxcri(root, ["kill", "k1", "9"]).code).toBe(0);
    await waitFor(() => state(root, "k1").status === "stopped", 5000, "k1 stopped");
    expect(lxcri(root, ["delete", "k1"]).code).toBe(0);

    expect(lxcri(root, ["create", "--bundle", b, "k2"]).code).toBe(0);
    expect(lxcri(root, ["start", "k2"]).code).toBe(0);
    expect(lxcri(root, ["kill", "k2", "sigkill"]).code).toBe(0);
    await waitFor(() => state(root, "k2").status === "stopped", 5000, "k2 stopped");
    expect(lxcri(root, ["kill", "k2", "NOTASIGNAL"]).stderr).toContain('invalid signal "NOTASIGNAL"');
    expect(lxcri(root, ["delete", "k2"]).code).toBe(0);
  });

  test("kill with real-time signals: 37, RTMIN+3, SIGRTMIN+3 (systemd's stop signal, podman stop's) and RTMAX-2", async () => {
    const script = 'for s in 37 62; do trap "echo $s >> /dev/shm/sigs" $s; done; echo ready > /dev/shm/sigs; while :; do sleep 0.05; done';
    const b = bundle(["sh", "-c", script]);
    expect(lxcri(root, ["create", "--bundle", b, "rt1"]).code).toBe(0);
    expect(lxcri(root, ["start", "rt1"]).code).toBe(0);
    const sigs = () => lxcri(root, ["exec", "rt1", "cat", "/dev/shm/sigs"]).stdout;
    await waitFor(() => sigs() === "ready\n", 5000, "the traps");
    const expected = ["ready"];
    for (const [arg, n] of [
      ["37", 37],
      ["RTMIN+3", 37],
      ["SIGRTMIN+3", 37],
      ["sigrtmax-2", 62],
    ] as const) {
      const k = lxcri(root, ["kill", "rt1", arg]);
      expect(k.stderr).toBe("");
      expect(k.code).toBe(0);
      expected.push(String(n));
      await waitFor(() => sigs() === expected.join("\n") + "\n", 5000, `signal ${arg}`);
    }
    for (const bad of ["65", "RTMIN+31", "RTMAX-31", "RTMIN-1"])
      expect(lxcri(root, ["kill", "rt1", bad]).stderr).toContain(`invalid signal ${JSON.stringify(bad)}`);
    expect(lxcri(root, ["kill", "rt1", "KILL"]).code).toBe(0);
    await waitFor(() => state(root, "rt1").status === "stopped", 5000, "rt1 stopped");
    expect(lxcri(root, ["delete", "rt1"]).code).toBe(0);
    expect(leftovers(root, "rt1")).toEqual([]);
  });

  test("kill --all KILL of a container whose processes are gone exits 0, as runc does (containerd's shim sends it)", async () => {
    const b = bundle(
      ["sh", "-c", "sleep 30 & exit 0"],
      (s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "pid")),
    );
    expect(lxcri(root, ["create", "--bundle", b, "ka1"]).code).toBe(0);
    expect(lxcri(root, ["start", "ka1"]).code).toBe(0);
    await waitFor(() => state(root, "ka1").status === "stopped", 5000, "ka1's init to exit");
    // init is gone, its background child is not: --all reaches it
    const all = lxcri(root, ["kill", "--all", "ka1", "KILL"]);
    expect(all.stderr).toBe("");
    expect(all.code).toBe(0);
    // nothing left in the container's cgroups: --all still exits 0, and changes nothing
    await waitFor(() => lxcri(root, ["ps", "--format", "json", "ka1"]).stdout.trim() === "[]", 5000, "no process left");
    const none = lxcri(root, ["kill", "--all", "ka1", "KILL"]);
    expect(none.stderr).toBe("");
    expect(none.code).toBe(0);
    expect(state(root, "ka1").status).toBe("stopped");
    // without --all a stopped container is still an error, and an unknown one always is
    expect(lxcri(root, ["kill", "ka1", "KILL"]).stderr).toContain("container not running");
    const missing = lxcri(root, ["kill", "--all", "nosuchcontainer", "KILL"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("does not exist");
    expect(lxcri(root, ["delete", "ka1"]).code).toBe(0);
    expect(leftovers(root, "ka1")).toEqual([]);
  });

  test("delete of a created container works (runc and containerd rely on it); --force on a missing id exits 0", () => {
    const b = bundle(["sleep", "30"]);
    expect(lxcri(root, ["create", "--bundle", b, "d1"]).code).toBe(0);
    expect(lxcri(root, ["delete", "d1"]).code).toBe(0);
    expect(leftovers(root, "d1")).toEqual([]);
    expect(lxcri(root, ["delete", "--force", "d1"]).code).toBe(0);
    const missing = lxcri(root, ["delete", "d1"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("does not exist");
  });

  test("delete --force of a running container", () => {
    const b = bundle(["sleep", "30"]);
    expect(lxcri(root, ["create", "--bundle", b, "f1"]).code).toBe(0);
    expect(lxcri(root, ["start", "f1"]).code).toBe(0);
    expect(lxcri(root, ["delete", "--force", "f1"]).code).toBe(0);
    expect(leftovers(root, "f1")).toEqual([]);
  });

  test("delete --force without a pid namespace kills every process of the container, not just init", async () => {
    const b = bundle(
      ["sh", "-c", "sleep 31 & sleep 30"],
      (s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "pid")),
    );
    expect(lxcri(root, ["create", "--bundle", b, "nopid"]).code).toBe(0);
    expect(lxcri(root, ["start", "nopid"]).code).toBe(0);
    const init = state(root, "nopid").pid;
    await waitFor(() => readFileSync(`/proc/${init}/task/${init}/children`, "utf8").trim() !== "", 5000, "the background child");
    const child = Number(readFileSync(`/proc/${init}/task/${init}/children`, "utf8").trim().split(" ")[0]);
    expect(lxcri(root, ["delete", "--force", "nopid"]).code).toBe(0);
    await waitFor(
      () => {
        try {
          return readFileSync(`/proc/${child}/stat`, "utf8").split(") ")[1]!.startsWith("Z");
        } catch {
          return true;
        }
      },
      5000,
      "the background child to die",
    );
    expect(leftovers(root, "nopid")).toEqual([]);
  });

  test("cgroupsPath and resources: the limits are in force, and delete removes the cgroup and the parents it made", () => {
    const b = bundle(["sh", "-c", "cat /proc/self/cgroup | grep -E ':(memory|pids):'"], (s) => {
      s.linux!.cgroupsPath = "/lxcri-test-parent/child-x";
      s.linux!.resources = { ...s.linux!.resources, memory: { limit: 64 << 20 }, pids: { limit: 77 }, cpu: { shares: 512 } };
    });
    expect(lxcri(root, ["create", "--bundle", b, "cg1"]).code).toBe(0);
    const mem = "/sys/fs/cgroup/memory/lxcri-test-parent/child-x";
    const v2 = !existsSync("/sys/fs/cgroup/memory");
    if (!v2) {
      expect(readFileSync(`${mem}/memory.limit_in_bytes`, "utf8").trim()).toBe(String(64 << 20));
      expect(readFileSync("/sys/fs/cgroup/pids/lxcri-test-parent/child-x/pids.max", "utf8").trim()).toBe("77");
      expect(readFileSync("/sys/fs/cgroup/cpu/lxcri-test-parent/child-x/cpu.shares", "utf8").trim()).toBe("512");
    }
    expect(lxcri(root, ["delete", "cg1"]).code).toBe(0);
    expect(existsSync(v2 ? "/sys/fs/cgroup/lxcri-test-parent" : "/sys/fs/cgroup/memory/lxcri-test-parent")).toBe(false);
    expect(leftovers(root, "cg1")).toEqual([]);
  });

  test("the container's own cgroup is at /sys/fs/cgroup/<controller> (v1) or /sys/fs/cgroup (v2), as runc puts it", () => {
    const v1 = existsSync("/sys/fs/cgroup/memory");
    const file = v1 ? "/sys/fs/cgroup/memory/memory.limit_in_bytes" : "/sys/fs/cgroup/memory.max";
    const script = `cat ${file}; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max; echo 1 > ${file} || echo read-only`;
    for (const [id, cgroupns, cgroupsPath] of [
      ["cgv1a", true, undefined],
      ["cgv1b", false, undefined],
      ["cgv1c", false, "/lxcri-test-own/cg"],
    ] as const) {
      const b = bundle(["sh", "-c", script], (s) => {
        s.linux!.resources = { ...s.linux!.resources, memory: { limit: 64 << 20 }, pids: { limit: 55 } };
        if (!cgroupns) s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "cgroup");
        if (cgroupsPath) s.linux!.cgroupsPath = cgroupsPath;
      });
      const r = lxcri(root, ["run", "--bundle", b, id]);
      expect(r.stdout.split("\n").slice(0, 2)).toEqual([String(64 << 20), "55"]);
      // the spec's cgroup mount is read-only ("ro")
      expect(r.stderr).toContain("Read-only file system");
      expect(r.stdout).toContain("read-only");
      expect(r.code).toBe(0);
      expect(leftovers(root, id)).toEqual([]);
    }
    expect(existsSync(v1 ? "/sys/fs/cgroup/memory/lxcri-test-own" : "/sys/fs/cgroup/lxcri-test-own")).toBe(false);
  });

  test("when the cgroup name is taken it gets <name>-1, and delete removes its own, not the taken one", () => {
    const base = existsSync("/sys/fs/cgroup/pids") ? "/sys/fs/cgroup/pids" : "/sys/fs/cgroup";
    const id = `sfx${process.pid}`; // cgroup names are host-wide: unique per run
    const taken = join(base, `lxc.payload.${id}`);
    mkdirSync(taken);
    const b = bundle(["sleep", "30"]);
    expect(lxcri(root, ["create", "--bundle", b, id]).code).toBe(0);
    const pid = state(root, id).pid;
    expect(readFileSync(`/proc/${pid}/cgroup`, "utf8")).toContain(`lxc.payload.${id}-1`);
    expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
    // the taken one may be another state root's container of the same id: not this delete's
    expect(leftovers(root, id)).toEqual([`cgroup ${taken}`]);
    rmdirSync(taken);
    expect(leftovers(root, id)).toEqual([]);
  });

  test("two state roots, one id: deleting the second container leaves the first running, in its own cgroup", () => {
    const other = testRoot("lifecycle-other");
    const id = `twin${process.pid}`;
    const b = bundle(["sleep", "60"]);
    try {
      expect(lxcri(root, ["create", "--bundle", b, id]).code).toBe(0);
      expect(lxcri(other, ["create", "--bundle", b, id]).code).toBe(0);
      const first = state(root, id).pid;
      expect(readFileSync(`/proc/${state(other, id).pid}/cgroup`, "utf8")).toContain(`lxc.payload.${id}-1`);
      expect(lxcri(other, ["delete", "--force", id]).code).toBe(0);
      expect(state(root, id).status).toBe("created");
      expect(readFileSync(`/proc/${first}/cgroup`, "utf8")).toContain(`lxc.payload.${id}
`);
      expect(lxcri(root, ["start", id]).code).toBe(0);
      expect(state(root, id).status).toBe("running");
      expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
    } finally {
      cleanupRoot(other);
    }
    expect(leftovers(root, id)).toEqual([]);
  });

  test("stdio: the container writes to the caller's fds, and gets a clean blocking stdout", () => {
    const out = join(tempDir("stdio"), "out");
    const b = bundle(["sh", "-c", "echo to-stdout; echo to-stderr >&2; head -c 300000 /dev/zero | wc -c"]);
    const fd = openSync(out, "w");
    const r = lxcri(root, ["run", "--bundle", b, "io1"], { stdout: fd });
    closeSync(fd);
    expect(r.code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe("to-stdout\n300000\n");
    expect(r.stderr).toBe("to-stderr\n");
  });

  test("the process starts with default signal dispositions and an empty signal mask", () => {
    // Exec'd directly: busybox sh as pid 1 would itself ignore SIGQUIT for its children (as under runc).
    const r = lxcri(root, ["run", "--bundle", bundle(["grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"]), "sig1"]);
    expect(r.stdout).toBe("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
  });

  test("process: cwd, env exactly as given plus HOME, PATH lookup in the container", () => {
    const b = bundle(["env"], (s) => {
      s.process!.env = ["PATH=/bin", "FOO=bar baz"];
      s.process!.cwd = "/tmp";
      s.process!.args = ["sh", "-c", "pwd; env | sort"];
    });
    const r = lxcri(root, ["run", "--bundle", b, "env1"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("/tmp");
    expect(lines.slice(1).filter((l) => !/^(PWD|SHLVL)=/.test(l))).toEqual(["FOO=bar baz", "HOME=/root", "PATH=/bin"]);
  });

  test("a missing executable is a clear create error (as in runc), and leaves nothing", () => {
    const b = bundle(["no-such-binary"]);
    const r = lxcri(root, ["create", "--bundle", b, "nx"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"no-such-binary": executable file not found in $PATH');
    expect(leftovers(root, "nx")).toEqual([]);
    // found through the container's PATH and symlinks, inside the rootfs: busybox applets are links
    expect(lxcri(root, ["run", "--bundle", bundle(["true"]), "nx2"]).code).toBe(0);
  });

  test("an id can be reused after delete, and two containers run at once", () => {
    const b = bundle(["sleep", "30"]);
    for (const id of ["twin-a", "twin-b"]) {
      expect(lxcri(root, ["create", "--bundle", b, id]).code).toBe(0);
      expect(lxcri(root, ["start", id]).code).toBe(0);
    }
    const dup = lxcri(root, ["create", "--bundle", b, "twin-a"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("container twin-a already exists");
    expect(state(root, "twin-a").status).toBe("running");
    expect(state(root, "twin-b").status).toBe("running");
    const list = lxcri(root, ["list"]).stdout;
    expect(list).toMatch(/twin-a\s+\d+\s+running/);
    for (const id of ["twin-a", "twin-b"]) expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
    expect(lxcri(root, ["create", "--bundle", b, "twin-a"]).code).toBe(0);
    expect(lxcri(root, ["delete", "twin-a"]).code).toBe(0);
    expect(leftovers(root, "twin-a")).toEqual([]);
  });

  test("the runtime directory is private and config.json edits after create change nothing", () => {
    const b = bundle(["sh", "-c", "echo original"]);
    expect(lxcri(root, ["create", "--bundle", b, "priv"]).code).toBe(0);
    expect(statSync(join(root, "priv")).mode & 0o777).toBe(0o700);
    writeFileSync(join(b, "config.json"), "{broken");
    const out = join(tempDir("priv"), "out");
    const fd = openSync(out, "w");
    expect(lxcri(root, ["start", "priv"], { stdout: fd }).code).toBe(0);
    closeSync(fd);
    expect(lxcri(root, ["delete", "--force", "priv"]).code).toBe(0);
  });

  test("a spec with no mounts at all runs, and the process sees no /proc (the one liblxc needed to exec init is detached)", () => {
    const b = bundle(["/bin/sh", "-c", "ls /proc | wc -l; echo done"], (s) => {
      s.mounts = [];
      s.linux!.maskedPaths = [];
      s.linux!.readonlyPaths = [];
    });
    const r = lxcri(root, ["run", "--bundle", b, "nomounts"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("0\ndone\n");
    expect(leftovers(root, "nomounts")).toEqual([]);
  });

  test("a rootfs holding only one static binary runs (no shell, no libc in the image)", () => {
    const b = bundle(["/busybox", "echo", "static only"]);
    const rootfs = join(b, "rootfs");
    rmSync(rootfs, { recursive: true });
    Bun.spawnSync(["mkdir", "-p", rootfs]);
    Bun.spawnSync(["cp", "/bin/busybox", join(rootfs, "busybox")]);
    const r = lxcri(root, ["run", "--bundle", b, "static1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("static only\n");
    expect(r.code).toBe(0);
    expect(leftovers(root, "static1")).toEqual([]);
    // The mount points lxcri had to make in the read-only rootfs are gone again.
    expect(readdirSync(rootfs)).toEqual(["busybox"]);
  });
});
