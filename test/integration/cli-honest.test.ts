// The runc command line, honestly: each flag of runc 1.2–1.4 that
// lxcri takes does what runc does, through the real CLI on real containers —
// or is refused, naming it, with exit 1. runc 1.1.5 (installed here) is the
// reference where it has the flag; the rest follows runc's source.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readlinkSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { acceptUnix, listenUnix, receiveFd } from "../../ffi/fd-passing.ts";
import { closeFd, pollReadable } from "../../ffi/fds.ts";
import { reapChild, setSubreaper } from "../../ffi/libc.ts";
import { pidfdSignal } from "../../ffi/pidfd.ts";
import { cgroupDirsOf } from "../../src/cgroups/paths.ts";
import { bundle, canRunContainers, cleanupRoot, LXCRI, lxcri, REPO, state, tempDir, testRoot, waitFor } from "../helpers.ts";

const root = testRoot("cli-honest");
// run -d and exec -d leave processes re-parented to the nearest subreaper: this test process.
if (canRunContainers) setSubreaper(true);
afterAll(() => {
  cleanupRoot(root);
  if (canRunContainers) setSubreaper(false);
});

/** Runs the CLI with `fds` as its fds 3, 4, …; stdout and stderr to files (a container keeps them open). */
function withFds(args: string[], fds: number[], env: Record<string, string> = {}): { code: number; stderr: string } {
  const d = tempDir("fdio");
  const err = openSync(join(d, "err"), "w");
  try {
    const p = Bun.spawnSync({
      cmd: [LXCRI, "--root", root, ...args],
      stdio: ["ignore", "ignore", err, ...fds] as never,
      env: { ...process.env, ...env },
      timeout: 30_000,
    });
    return { code: p.exitCode ?? 137, stderr: readFileSync(join(d, "err"), "utf8") };
  } finally {
    closeSync(err);
    rmSync(d, { recursive: true, force: true });
  }
}

/**
 * `run -d` of `args` as `id` under lxcri (this file's root) and under runc 1.1.5 (a root of its
 * own), then `fn` with a caller of that runc (its exit status); both deleted after.
 */
async function besideRunc(id: string, args: string[], fn: (runc: (argv: string[]) => number) => unknown): Promise<void> {
  const runcRoot = `${root}-runc-${id}`;
  const runc = (argv: string[]) =>
    Bun.spawnSync(["runc", "--root", runcRoot, ...argv], { stdio: ["ignore", "ignore", "ignore"] }).exitCode ?? -1;
  const b = bundle(args);
  expect(lxcri(root, ["run", "-d", "--bundle", b, id]).code).toBe(0);
  expect(runc(["run", "-d", "--bundle", b, id])).toBe(0);
  try {
    await fn(runc);
  } finally {
    lxcri(root, ["delete", "-f", id]);
    runc(["delete", "-f", id]);
    rmSync(runcRoot, { recursive: true, force: true });
  }
}

describe.if(canRunContainers)("--preserve-fds", () => {
  test("create --preserve-fds 3: the caller's fds 3, 4 and 5 reach the container (Bun marks 4 and up close-on-exec at start)", async () => {
    const d = tempDir("pfds");
    const files = [3, 4, 5].map((n) => join(d, `fd${n}`));
    const fds = files.map((f) => openSync(f, "w"));
    const b = bundle(["sh", "-c", "echo three >&3; echo four >&4; echo five >&5"]);
    const r = withFds(["create", "--preserve-fds", "3", "--bundle", b, "pfd1"], fds);
    for (const fd of fds) closeSync(fd);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(lxcri(root, ["start", "pfd1"]).code).toBe(0);
    await waitFor(() => state(root, "pfd1").status === "stopped", 5000);
    expect(files.map((f) => readFileSync(f, "utf8"))).toEqual(["three\n", "four\n", "five\n"]);
    expect(lxcri(root, ["delete", "pfd1"]).code).toBe(0);
  });

  test("exec --preserve-fds 2 passes fds 3 and 4; one the caller did not pass is refused, naming it", () => {
    const b = bundle(["sleep", "1000"]);
    expect(lxcri(root, ["create", "--bundle", b, "pfd2"]).code).toBe(0);
    expect(lxcri(root, ["start", "pfd2"]).code).toBe(0);
    const d = tempDir("pfdx");
    const files = [3, 4].map((n) => join(d, `fd${n}`));
    const fds = files.map((f) => openSync(f, "w"));
    const r = withFds(["exec", "--preserve-fds", "2", "pfd2", "sh", "-c", "echo x3 >&3; echo x4 >&4"], fds);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(files.map((f) => readFileSync(f, "utf8"))).toEqual(["x3\n", "x4\n"]);
    // fd 5 not passed: Bun's own event loop fds sit in that gap, never to be passed on
    const bad = withFds(["exec", "--preserve-fds", "3", "pfd2", "true"], fds);
    for (const fd of fds) closeSync(fd);
    expect(bad.code).toBe(255); // a failed exec, as runc
    expect(bad.stderr).toContain("fd 5 is to be passed");
    expect(lxcri(root, ["delete", "--force", "pfd2"]).code).toBe(0);
  });

  test("LISTEN_FDS=2 with --preserve-fds 1: fds 3, 4 (LISTEN_FDS=2, LISTEN_PID=1) and 5", async () => {
    const d = tempDir("listen");
    const b = bundle(["sh", "-c", "echo $LISTEN_FDS $LISTEN_PID >&3; echo l4 >&4; echo p5 >&5"]);
    const files = [3, 4, 5].map((n) => join(d, `fd${n}`));
    const fds = files.map((f) => openSync(f, "w"));
    // LISTEN_PID must name lxcri itself: a shell that execs it keeps its pid
    const err = join(d, "err");
    const sh = `LISTEN_PID=$$ LISTEN_FDS=2 exec ${LXCRI} --root ${root} create --preserve-fds 1 --bundle ${b} lfd1 2>${err} >/dev/null`;
    const p = Bun.spawnSync({ cmd: ["sh", "-c", sh], stdio: ["ignore", "ignore", "ignore", ...fds] as never });
    for (const fd of fds) closeSync(fd);
    expect(readFileSync(err, "utf8")).toBe("");
    expect(p.exitCode).toBe(0);
    expect(lxcri(root, ["start", "lfd1"]).code).toBe(0);
    await waitFor(() => state(root, "lfd1").status === "stopped", 5000);
    expect(files.map((f) => readFileSync(f, "utf8"))).toEqual(["2 1\n", "l4\n", "p5\n"]);
    expect(lxcri(root, ["delete", "lfd1"]).code).toBe(0);
  });
});

/** The flags runc 1.1.5 (installed here) has for `cmd`, from its --help. */
function runcHas(cmd: string, flag: string): boolean {
  const p = Bun.spawnSync(["runc", cmd, "--help"], { stdout: "pipe", stderr: "pipe" });
  return p.stdout.toString().includes(`--${flag} `) || p.stdout.toString().includes(`--${flag},`);
}

describe("unknown flags", () => {
  const COMMANDS = [
    "create",
    "start",
    "state",
    "kill",
    "delete",
    "exec",
    "pause",
    "resume",
    "ps",
    "update",
    "events",
    "run",
    "list",
    "spec",
    "features",
  ];
  test("every command refuses --bogus as runc does: 'flag provided but not defined: -bogus', exit 1", () => {
    for (const cmd of COMMANDS) {
      const r = lxcri(root, [cmd, "--bogus", "c1"]);
      expect({ cmd, code: r.code, stderr: r.stderr.trim() }).toEqual({
        cmd,
        code: 1,
        stderr: "lxcri: flag provided but not defined: -bogus",
      });
      const runc = Bun.spawnSync(["runc", "--root", `${root}-runc`, cmd, "--bogus", "c1"], { stdout: "pipe", stderr: "pipe" });
      expect({ cmd, runc: runc.exitCode }).toEqual({ cmd, runc: 1 });
      expect(runc.stderr.toString()).toContain("flag provided but not defined: -bogus");
    }
    expect(lxcri(root, ["--bogus", "list"]).stderr).toBe("lxcri: flag provided but not defined: -bogus\n");
  });

  test("--version and -v among the global flags print the version, whatever follows; after the command they are refused (as runc 1.1.5)", () => {
    const runc = (args: string[]) => {
      const p = Bun.spawnSync(["runc", ...args], { stdout: "pipe", stderr: "pipe" });
      return { code: p.exitCode, version: p.stdout.toString().startsWith("runc version ") };
    };
    const ours = (args: string[]) => {
      const p = Bun.spawnSync([LXCRI, ...args], { stdout: "pipe", stderr: "pipe" });
      return { code: p.exitCode, version: p.stdout.toString().startsWith("lxcri version ") };
    };
    for (const args of [
      ["--root", `${root}-v`, "--version"],
      ["--debug", "-v"],
      ["-v", "state", "c1"],
      ["--version=true", "--log-format", "json"],
    ])
      expect({ args, ...ours(args) }).toEqual({ args, ...runc(args), code: 0, version: true });
    // after the command it is the command's flag, which none has; an unknown flag after --version is still refused
    for (const args of [
      ["state", "--version", "c1"],
      ["--version", "--bogus"],
    ])
      expect({ args, ...ours(args) }).toEqual({ args, ...runc(args), code: 1, version: false });
    // --version=false asks for nothing: the command runs
    expect(ours(["--root", `${root}-v`, "--version=false", "state", "nosuch"])).toEqual({ code: 1, version: false });
  });

  test("checkpoint and restore are commands (test/integration/checkpoint-cli.test.ts): a missing container is named", () => {
    for (const cmd of ["checkpoint", "restore"]) {
      const r = lxcri(root, [cmd, "--image-path", `${root}-none`, "c1"]);
      expect(r.code).toBe(1);
      expect(r.stderr).not.toContain("not supported");
    }
  });

  test("--help lists exactly the flags that work: hidden and refused ones (kernel-memory, RDT, CRIU's --lazy-pages) left out, new ones in", () => {
    const help = (args: string[]) => Bun.spawnSync([LXCRI, ...args, "--help"], { stdout: "pipe" }).stdout.toString();
    expect(help(["update"])).not.toContain("kernel-memory");
    for (const f of ["cpu-idle", "cpu-burst", "cpu-share"]) expect(help(["update"])).toContain(`--${f}`);
    // refused flags are taken (to be refused by name) but not offered
    expect(help(["update"])).not.toContain("l3-cache-schema");
    expect(help([])).toContain("--criu");
    expect(help(["checkpoint"])).not.toContain("--lazy-pages");
    for (const f of ["detach", "keep", "console-socket", "pidfd-socket", "preserve-fds"]) expect(help(["run"])).toContain(`--${f}`);
    expect(help(["exec"])).toContain("--cgroup");
    // runc's `help COMMAND` (and `h`) gives that command's usage
    const helpOf = Bun.spawnSync([LXCRI, "help", "exec"], { stdout: "pipe" });
    expect(helpOf.exitCode).toBe(0);
    expect(helpOf.stdout.toString()).toContain("USAGE lxcri exec");
    // what runc 1.1.5 has on run, lxcri has too
    for (const f of ["detach", "keep", "console-socket", "preserve-fds", "no-subreaper", "no-pivot", "no-new-keyring"])
      expect(runcHas("run", f)).toBe(true);
  });
});

/** Listens at a fresh socket; `take()` waits (up to 20 s) for one connection and the fd it sends. */
function fdReceiver(): { path: string; take(): { fd: number; data: string } } {
  const path = join(tempDir("fdsock"), "s.sock");
  const server = listenUnix(path);
  return {
    path,
    take() {
      try {
        if (!pollReadable([server], 20_000).length) throw new Error("nothing connected to the socket");
        const conn = acceptUnix(server);
        try {
          return receiveFd(conn);
        } finally {
          closeFd(conn);
        }
      } finally {
        closeFd(server);
      }
    },
  };
}

/** The pid a pidfd refers to (its fdinfo's Pid line), and that the fd is a pidfd. */
function pidOfPidfd(fd: number): number {
  expect(readlinkSync(`/proc/self/fd/${fd}`)).toBe("anon_inode:[pidfd]");
  return Number(/^Pid:\s*(-?\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"))![1]);
}

/** Spawns the CLI without waiting (a socket peer in this process must answer it). */
function spawnLxcri(args: string[]) {
  const d = tempDir("spawn");
  const err = join(d, "err");
  const p = Bun.spawn({ cmd: [LXCRI, "--root", root, ...args], stdio: ["ignore", "ignore", Bun.file(err)] });
  return { p, stderr: () => readFileSync(err, "utf8") };
}

describe.if(canRunContainers)("run", () => {
  test("run -d returns once the container runs; it keeps running, --pid-file names its init (as runc run -d)", async () => {
    const d = tempDir("rund");
    const b = bundle(["sleep", "1000"]);
    const started = Date.now();
    const r = lxcri(root, ["run", "-d", "--pid-file", join(d, "pid"), "--bundle", b, "rd1"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const st = state(root, "rd1");
    expect(st.status).toBe("running");
    expect(Number(readFileSync(join(d, "pid"), "utf8"))).toBe(st.pid);
    expect(existsSync(`/proc/${st.pid}`)).toBe(true);
    expect(lxcri(root, ["delete", "--force", "rd1"]).code).toBe(0);
    // reap the init run -d left to this process (the subreaper)
    await waitFor(() => reapChild(st.pid) !== null || !existsSync(`/proc/${st.pid}`), 5000);
  });

  test("run --keep: exits with the container's status and leaves it, stopped, for delete", () => {
    const b = bundle(["sh", "-c", "exit 3"]);
    expect(lxcri(root, ["run", "--keep", "--bundle", b, "rk1"]).code).toBe(3);
    expect(state(root, "rk1").status).toBe("stopped");
    expect(lxcri(root, ["delete", "rk1"]).code).toBe(0);
    // without --keep it is gone
    expect(lxcri(root, ["run", "--bundle", b, "rk2"]).code).toBe(3);
    expect(lxcri(root, ["state", "rk2"]).code).toBe(1);
  });

  test("run --console-socket: the caller's socket gets the pty master, run exits with the status", async () => {
    const d = tempDir("console");
    const socket = join(d, "console.sock");
    const out = join(d, "tty");
    const recv = Bun.spawn(["bun", join(REPO, "test/tools/console-receiver.ts"), socket, out, ""], { stdout: "pipe", stderr: "inherit" });
    const reader = recv.stdout.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("listening");
    reader.releaseLock();
    const b = bundle(["sh", "-c", "tty; exit 4"], (s) => (s.process!.terminal = true));
    const r = lxcri(root, ["run", "--console-socket", socket, "--bundle", b, "rc1"]);
    if (r.code !== 4) recv.kill(); // it would wait for a connection forever
    expect(r.stderr).toBe("");
    expect(r.code).toBe(4);
    await recv.exited;
    expect(readFileSync(out, "utf8")).toMatch(/^\/dev\/pts\/\d+\r?\n/);
  });

  test("beside runc 1.1.5, same bundle: run -d (status, pid file) and run --keep (exit status, then stopped)", async () => {
    const runcRoot = `/run/runc-test-cli-honest-${process.pid}`;
    // a container keeps run's stdio: a pipe there would not see EOF until it exits
    const runc = (args: string[]) => {
      const out = args[0] === "run" ? "ignore" : "pipe";
      const p = Bun.spawnSync(["runc", "--root", runcRoot, ...args], { stdin: "ignore", stdout: out, stderr: out, timeout: 30_000 });
      return { code: p.exitCode, stdout: p.stdout?.toString() ?? "" };
    };
    const observe = (tool: "lxcri" | "runc", id: string, b: string, pidFile: string) => {
      const code =
        tool === "lxcri"
          ? lxcri(root, ["run", "-d", "--pid-file", pidFile, "--bundle", b, id]).code
          : runc(["run", "-d", "--pid-file", pidFile, "--bundle", b, id]).code;
      const st = tool === "lxcri" ? state(root, id) : JSON.parse(runc(["state", id]).stdout);
      return {
        code,
        status: st.status,
        pidFileIsInit: Number(readFileSync(pidFile, "utf8")) === st.pid,
        alive: existsSync(`/proc/${st.pid}`),
        pid: st.pid as number,
      };
    };
    const d = tempDir("vsrunc");
    const sleeper = bundle(["sleep", "1000"]);
    try {
      const ours = observe("lxcri", "vs1", sleeper, join(d, "ours"));
      const theirs = observe("runc", "vs1", sleeper, join(d, "theirs"));
      const { pid: p1, ...a } = ours;
      const { pid: p2, ...b } = theirs;
      expect(a).toEqual(b);
      expect(a).toEqual({ code: 0, status: "running", pidFileIsInit: true, alive: true });
      expect(lxcri(root, ["delete", "--force", "vs1"]).code).toBe(0);
      expect(runc(["delete", "--force", "vs1"]).code).toBe(0);
      for (const p of [p1, p2]) await waitFor(() => reapChild(p) !== null || !existsSync(`/proc/${p}`), 5000);
      const exit3 = bundle(["sh", "-c", "exit 3"]);
      expect(lxcri(root, ["run", "--keep", "--bundle", exit3, "vs2"]).code).toBe(3);
      expect(runc(["run", "--keep", "--bundle", exit3, "vs2"]).code).toBe(3);
      expect(state(root, "vs2").status).toBe("stopped");
      expect(JSON.parse(runc(["state", "vs2"]).stdout).status).toBe("stopped");
    } finally {
      lxcri(root, ["delete", "--force", "vs2"]);
      runc(["delete", "--force", "vs1"]);
      runc(["delete", "--force", "vs2"]);
      rmSync(runcRoot, { recursive: true, force: true });
    }
  });

  test("run in the foreground with process.terminal and no --console-socket: its own terminal, sized like it, as runc", () => {
    const b = bundle(["sh", "-c", "tty; stty size; exit 5"], (s) => (s.process!.terminal = true));
    const runcRoot = `/run/runc-test-cli-honest-tty-${process.pid}`;
    // script(1) gives the runtime a terminal of its own, 22 rows by 77 columns
    // Under heavy load script(1)'s own terminal set-up was seen to race (a NUL, then "stty: standard
    // input: No child processes" inside, for runc as for lxcri): up to three tries, the first that
    // shows the size counts; a runtime that never sizes its terminal still fails all three.
    const inScript = (cmd: string) => {
      let last = { out: "", code: null as number | null };
      for (let i = 0; i < 3; i++) {
        const p = Bun.spawnSync(["script", "-qec", `stty rows 22 cols 77; ${cmd}`, "/dev/null"], {
          stdin: "ignore",
          stdout: "pipe",
          stderr: "pipe",
          timeout: 30_000,
        });
        last = { out: p.stdout.toString().replace(/\r/g, ""), code: p.exitCode };
        if (last.out.includes("22 77")) break;
      }
      return last;
    };
    try {
      const ours = inScript(`${LXCRI} --root ${root} run --bundle ${b} tt1`);
      const theirs = inScript(`runc --root ${runcRoot} run --bundle ${b} tt1`);
      for (const r of [ours, theirs]) {
        expect(r.out).toMatch(/\/dev\/pts\/\d+$/m); // script(1) may show a NUL as ^@ before it
        expect(r.out).toContain("22 77");
        expect(r.code).toBe(5);
      }
      expect(lxcri(root, ["state", "tt1"]).code).toBe(1);
    } finally {
      rmSync(runcRoot, { recursive: true, force: true });
    }
  });

  test("run --no-subreaper without -d is refused, naming it", () => {
    const r = lxcri(root, ["run", "--no-subreaper", "--bundle", bundle(["true"]), "rs1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--no-subreaper");
    expect(lxcri(root, ["state", "rs1"]).code).toBe(1);
  });
});

describe.if(canRunContainers)("--pidfd-socket", () => {
  test("create sends a pidfd of init ('standard'); it signals that very process", async () => {
    const recv = fdReceiver();
    const { p, stderr } = spawnLxcri(["create", "--pidfd-socket", recv.path, "--bundle", bundle(["sleep", "1000"]), "pf1"]);
    const { fd, data } = recv.take();
    expect(await p.exited).toBe(0);
    expect(stderr()).toBe("");
    expect(data).toBe("standard");
    const init = state(root, "pf1").pid;
    expect(pidOfPidfd(fd)).toBe(init);
    expect(lxcri(root, ["start", "pf1"]).code).toBe(0);
    expect(pidfdSignal(fd, 9)).toBe(true);
    await waitFor(() => state(root, "pf1").status === "stopped", 5000);
    closeFd(fd);
    expect(lxcri(root, ["delete", "pf1"]).code).toBe(0);
  });

  test("exec -d sends a pidfd of the exec'd process ('setns'); run -d one of init", async () => {
    const recv = fdReceiver();
    const d = tempDir("pfx");
    const { p, stderr } = spawnLxcri(["run", "-d", "--pidfd-socket", recv.path, "--bundle", bundle(["sleep", "1000"]), "pf2"]);
    const init = recv.take();
    expect(await p.exited).toBe(0);
    expect(stderr()).toBe("");
    expect(init.data).toBe("standard");
    expect(pidOfPidfd(init.fd)).toBe(state(root, "pf2").pid);
    const recv2 = fdReceiver();
    const e = spawnLxcri(["exec", "-d", "--pid-file", join(d, "pid"), "--pidfd-socket", recv2.path, "pf2", "sleep", "1000"]);
    const x = recv2.take();
    expect(await e.p.exited).toBe(0);
    expect(e.stderr()).toBe("");
    expect(x.data).toBe("setns");
    const pid = Number(readFileSync(join(d, "pid"), "utf8"));
    expect(pidOfPidfd(x.fd)).toBe(pid);
    expect(pidfdSignal(x.fd, 9)).toBe(true);
    await waitFor(() => reapChild(pid) !== null, 5000);
    for (const f of [init.fd, x.fd]) closeFd(f);
    expect(lxcri(root, ["delete", "--force", "pf2"]).code).toBe(0);
  });

  test("run in the foreground: --pidfd-socket gets init's pidfd before it runs; --preserve-fds 2 passes fds 3 and 4", async () => {
    const d = tempDir("pfrun");
    const files = [3, 4].map((n) => join(d, `fd${n}`));
    const fds = files.map((f) => openSync(f, "w"));
    const recv = fdReceiver();
    const err = join(d, "err");
    const p = Bun.spawn({
      cmd: [
        LXCRI,
        "--root",
        root,
        "run",
        "--preserve-fds",
        "2",
        "--pidfd-socket",
        recv.path,
        "--bundle",
        bundle(["sh", "-c", "echo r3 >&3; echo r4 >&4; sleep 0.2; exit 6"]),
        "pf4",
      ],
      stdio: ["ignore", "ignore", Bun.file(err), ...fds] as never,
    });
    for (const fd of fds) closeSync(fd);
    const init = recv.take();
    expect(init.data).toBe("standard");
    expect(pidOfPidfd(init.fd)).toBeGreaterThan(0);
    closeFd(init.fd);
    expect(await p.exited).toBe(6);
    expect(readFileSync(err, "utf8")).toBe("");
    expect(files.map((f) => readFileSync(f, "utf8"))).toEqual(["r3\n", "r4\n"]);
    expect(lxcri(root, ["state", "pf4"]).code).toBe(1);
  });

  test("a socket nobody listens on: create fails naming --pidfd-socket and leaves nothing", () => {
    const r = lxcri(root, ["create", "--pidfd-socket", join(tempDir("nosock"), "none.sock"), "--bundle", bundle(["sleep", "1000"]), "pf3"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--pidfd-socket");
    expect(lxcri(root, ["state", "pf3"]).code).toBe(1);
  });
});

describe.if(canRunContainers)("list", () => {
  test("beside runc 1.1.5: the table's columns (ID PID STATUS BUNDLE CREATED OWNER, tabwriter widths), --quiet, and --format json's fields", () => {
    const lroot = `${root}-list`;
    const rroot = `${root}-list-runc`;
    const b = bundle(["sleep", "600"]);
    expect(lxcri(lroot, ["create", "--bundle", b, "ls1"]).code).toBe(0);
    const made = Bun.spawnSync(["runc", "--root", rroot, "create", "--bundle", b, "ls1"], { stdio: ["ignore", "ignore", "ignore"] });
    expect(made.exitCode).toBe(0);
    try {
      const runc = (args: string[]) => Bun.spawnSync(["runc", "--root", rroot, ...args], { stdout: "pipe" }).stdout.toString();
      const ours = (args: string[]) => lxcri(lroot, args).stdout;
      const table = (out: string) => out.trimEnd().split("\n");
      const [rHead, rRow] = table(runc(["list"]));
      const [oHead, oRow] = table(ours(["list"]));
      expect(oHead!.split(/ +/)).toEqual(rHead!.split(/ +/));
      // Go's tabwriter, minimum width 12, padding 3: the columns start where runc's do up to CREATED (whose width is the time's precision)
      for (const col of ["PID", "STATUS", "BUNDLE", "CREATED"])
        expect({ col, at: oHead!.indexOf(col) }).toEqual({ col, at: rHead!.indexOf(col) });
      const rCells = rRow!.split(/ +/);
      const oCells = oRow!.split(/ +/);
      expect(oCells.length).toBe(6);
      expect([oCells[0], oCells[2], oCells[3], oCells[5]]).toEqual([rCells[0], rCells[2], rCells[3], rCells[5]]);
      expect(ours(["list", "-q"])).toBe(runc(["list", "-q"]));
      const [r] = JSON.parse(runc(["list", "--format", "json"])) as Record<string, unknown>[];
      const [o] = JSON.parse(ours(["list", "--format", "json"])) as Record<string, unknown>[];
      for (const key of Object.keys(r!)) expect({ key, has: key in o! }).toEqual({ key, has: true });
      expect({ owner: o!.owner, status: o!.status, rootfs: o!.rootfs }).toEqual({ owner: r!.owner, status: r!.status, rootfs: r!.rootfs });
      expect(Number.isNaN(Date.parse(String(o!.created)))).toBe(false);
    } finally {
      lxcri(lroot, ["delete", "-f", "ls1"]);
      Bun.spawnSync(["runc", "--root", rroot, "delete", "-f", "ls1"]);
      rmSync(rroot, { recursive: true, force: true });
      cleanupRoot(lroot);
    }
  });
});

describe.if(canRunContainers)("kill", () => {
  test("kill ID 0 is runc's liveness check: exit 0 while init lives and nothing is sent; refused once it is gone, as runc", () =>
    besideRunc("k0", ["sleep", "600"], async (runc) => {
      expect([lxcri(root, ["kill", "k0", "0"]).code, runc(["kill", "k0", "0"])]).toEqual([0, 0]);
      expect(state(root, "k0").status).toBe("running");
      expect([lxcri(root, ["kill", "--all", "k0", "0"]).code, runc(["kill", "--all", "k0", "0"])]).toEqual([0, 0]);
      expect(state(root, "k0").status).toBe("running");
      expect(lxcri(root, ["kill", "k0", "KILL"]).code).toBe(0);
      expect(runc(["kill", "k0", "KILL"])).toBe(0);
      await waitFor(() => state(root, "k0").status === "stopped");
      const gone = lxcri(root, ["kill", "k0", "0"]);
      expect({ code: gone.code, stderr: gone.stderr }).toMatchObject({ code: 1, stderr: expect.stringContaining("not running") });
    }));
});

describe.if(canRunContainers)("exec's failures", () => {
  test("a failed exec exits 255, as runc's (a missing container, a program that is not there); the process's own status otherwise", () =>
    besideRunc("ex255", ["sleep", "600"], (runc) => {
      for (const args of [
        ["nosuch", "true"],
        ["ex255", "no-such-program"],
        ["ex255", "/etc/passwd"],
        ["ex255", "sh", "-c", "exit 7"],
      ]) {
        const ours = lxcri(root, ["exec", ...args]);
        expect({ args, code: ours.code }).toEqual({ args, code: runc(["exec", ...args]) });
        expect({ args, code: ours.code }).toEqual({ args, code: args[1] === "sh" ? 7 : 255 });
      }
      expect(lxcri(root, ["exec", "ex255", "no-such-program"]).stderr).toContain(
        'exec: "no-such-program": executable file not found in $PATH',
      );
    }));
});

describe.if(canRunContainers)("exec --cgroup", () => {
  test("the process joins the sub-cgroup of the container's (every hierarchy); '..' and a missing one are refused; --cgroup X ID keeps ID", () => {
    const b = bundle(["sleep", "1000"]);
    expect(lxcri(root, ["run", "-d", "--bundle", b, "cg1"]).code).toBe(0);
    const init = state(root, "cg1").pid;
    const dirs = cgroupDirsOf(init).map((d) => join(d, "sub"));
    for (const d of dirs) mkdirSync(d);
    try {
      const d = tempDir("cgout");
      const out = openSync(join(d, "out"), "w");
      const r = lxcri(root, ["exec", "--cgroup", "sub", "cg1", "cat", "/proc/self/cgroup"], { stdout: out });
      closeSync(out);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const lines = readFileSync(join(d, "out"), "utf8").trim().split("\n");
      // the container's cgroup namespace: its own cgroup is "/"
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(l).toMatch(/:\/sub$/);
      const up = lxcri(root, ["exec", "--cgroup", "../..", "cg1", "true"]);
      expect(up.code).toBe(255);
      expect(up.stderr).toContain("invalid --cgroup argument: ../..");
      const missing = lxcri(root, ["exec", "--cgroup=nothere", "cg1", "true"]);
      expect(missing.code).toBe(255);
      expect(missing.stderr).toContain("--cgroup: no cgroup");
    } finally {
      expect(lxcri(root, ["delete", "--force", "cg1"]).code).toBe(0);
      for (const d of dirs) if (existsSync(d)) rmdirSync(d);
      reapChild(init);
    }
  });
});

describe.if(canRunContainers)("update", () => {
  test("--cpu-idle, --cpu-burst and --cpu-share reach the container's cpu cgroup files; RDT flags are refused", () => {
    const b = bundle(["sleep", "1000"]);
    expect(lxcri(root, ["run", "-d", "--bundle", b, "up1"]).code).toBe(0);
    const init = state(root, "up1").pid;
    try {
      const cpu = cgroupDirsOf(init).find((d) => existsSync(join(d, "cpu.idle")));
      if (!cpu) throw new Error("no cpu.idle on this host");
      const burst = existsSync(join(cpu, "cpu.cfs_burst_us")) ? "cpu.cfs_burst_us" : "cpu.max.burst";
      const r = lxcri(root, ["update", "--cpu-idle", "1", "--cpu-burst", "1000", "--cpu-share", "512", "up1"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(readFileSync(join(cpu, "cpu.idle"), "utf8").trim()).toBe("1");
      expect(readFileSync(join(cpu, burst), "utf8").trim()).toBe("1000");
      const rdt = lxcri(root, ["update", "--l3-cache-schema", "L3:0=f", "up1"]);
      expect(rdt.code).toBe(1);
      expect(rdt.stderr).toContain("--l3-cache-schema: not supported");
    } finally {
      expect(lxcri(root, ["delete", "--force", "up1"]).code).toBe(0);
      reapChild(init);
    }
  });
});

describe("spec", () => {
  test("spec --rootless --bundle DIR writes DIR/config.json as runc's: a user namespace, the current user mapped, no network namespace", () => {
    const ours = tempDir("spec");
    const theirs = tempDir("specrunc");
    const cwd = tempDir("speccwd");
    expect(lxcri(root, ["spec", "--rootless", "--bundle", ours], { cwd }).code).toBe(0);
    expect(existsSync(join(cwd, "config.json"))).toBe(false);
    expect(Bun.spawnSync(["runc", "spec", "--rootless", "--bundle", theirs], { cwd }).exitCode).toBe(0);
    const a = JSON.parse(readFileSync(join(ours, "config.json"), "utf8"));
    const b = JSON.parse(readFileSync(join(theirs, "config.json"), "utf8"));
    const types = (s: { linux: { namespaces: { type: string }[] } }) => s.linux.namespaces.map((n) => n.type).sort();
    // runc's default has no cgroup namespace; lxcri's adds it
    expect(types(a).filter((t) => t !== "cgroup")).toEqual(types(b));
    expect(a.linux.uidMappings).toEqual(b.linux.uidMappings);
    expect(a.linux.gidMappings).toEqual(b.linux.gidMappings);
    expect(a.linux.resources).toEqual(b.linux.resources);
    const sys = (s: { mounts: { destination: string }[] }) => s.mounts.find((m) => m.destination === "/sys");
    expect(sys(a)).toEqual(sys(b));
    // an existing file is kept, as runc keeps it
    const again = lxcri(root, ["spec", "--bundle", ours]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("exists");
  });
});

describe.if(canRunContainers)("--no-new-keyring", () => {
  test("create --no-new-keyring tells liblxc to make no session keyring (lxc.keyring.session = 0); without it, liblxc's default", () => {
    const b = bundle(["sleep", "1000"]);
    expect(lxcri(root, ["create", "--no-new-keyring", "--bundle", b, "kr1"]).code).toBe(0);
    expect(lxcri(root, ["create", "--bundle", b, "kr2"]).code).toBe(0);
    expect(readFileSync(join(root, "kr1", "lxc.conf"), "utf8")).toMatch(/^lxc\.keyring\.session = 0$/m);
    expect(readFileSync(join(root, "kr2", "lxc.conf"), "utf8")).not.toContain("lxc.keyring.session");
    for (const id of ["kr1", "kr2"]) expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
  });
});
