// The runc command line, honestly (issue 19): each flag of runc 1.2–1.4 that
// lxcri takes does what runc does, through the real CLI on real containers —
// or is refused, naming it, with exit 1. runc 1.1.5 (installed here) is the
// reference where it has the flag; the rest follows runc's source.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setSubreaper } from "../../ffi/libc.ts";
import { bundle, canRunContainers, cleanupRoot, LXCRI, lxcri, state, tempDir, testRoot, waitFor } from "../helpers.ts";

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
    expect(bad.code).toBe(1);
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
