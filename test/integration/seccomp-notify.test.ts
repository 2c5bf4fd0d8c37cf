// Seccomp notify (SCMP_ACT_NOTIFY with linux.seccomp.listenerPath), as runc
// does it: the notify fd of the container's process, and of each exec'd one,
// reaches the seccomp agent with the container process state; the agent's
// answers are what the process sees; the process never holds the fd itself
// (it could answer its own notifications).
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, lxcri, REPO, state, tempDir, testRoot } from "../helpers.ts";

const root = testRoot("seccomp-notify");
afterAll(() => cleanupRoot(root));

async function agent(): Promise<{ socket: string; log: string; stop(): void }> {
  const d = tempDir("agent");
  const socket = join(d, "agent.sock");
  const log = join(d, "log");
  const p = Bun.spawn(["bun", join(REPO, "test/tools/seccomp-agent.ts"), socket, log], { stdout: "pipe", stderr: "inherit" });
  const reader = p.stdout.getReader();
  const { value } = await reader.read();
  expect(new TextDecoder().decode(value)).toContain("listening");
  reader.releaseLock();
  return { socket, log, stop: () => p.kill() };
}

const messages = (log: string) =>
  readFileSync(log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

const profile = (socket: string) => ({
  defaultAction: "SCMP_ACT_ALLOW" as const,
  listenerPath: socket,
  listenerMetadata: "from-the-config",
  syscalls: [{ names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY" as const }],
});

describe.skipIf(!canRunContainers)("seccomp notify (real containers, a real agent)", () => {
  test("the container's process: the agent gets the fd and the state, and answers mkdir; the process holds no notify fd", async () => {
    const a = await agent();
    try {
      const b = bundle(["sh", "-c", "mkdir /tmp/x; echo rc=$?; for f in /proc/self/fd/*; do readlink $f; done"], (s) => {
        s.root!.readonly = false;
        s.linux!.seccomp = profile(a.socket);
        // a startContainer hook runs confined too, without a listener of its own: the kernel's ENOSYS
        s.hooks = {
          startContainer: [{ path: "/bin/sh", args: ["sh", "-c", 'mkdir /tmp/h 2>&1 | grep -q "Function not implemented" || exit 3'] }],
        };
      });
      const r = lxcri(root, ["run", "--bundle", b, "sn1"]);
      expect(r.stdout).toContain("rc=1");
      expect(r.stderr + r.stdout).toContain("Numerical argument out of domain"); // EDOM: the agent's answer
      expect(r.stdout).not.toContain("seccomp notify");
      const [m] = messages(a.log);
      expect(m.fds).toEqual(["seccompFd"]);
      expect(m.metadata).toBe("from-the-config");
      expect(m.state.id).toBe("sn1");
      expect(m.pid).toBeGreaterThan(1);
      lxcri(root, ["delete", "--force", "sn1"]);
    } finally {
      a.stop();
    }
  });

  test("an exec'd process: its own fd reaches the agent with its pid", async () => {
    const a = await agent();
    try {
      const b = bundle(["sleep", "1000"], (s) => {
        s.root!.readonly = false;
        // with TSYNC (the kernel takes it with a listener only with TSYNC_ESRCH) and WAIT_KILLABLE_RECV
        s.linux!.seccomp = { ...profile(a.socket), flags: ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"] };
      });
      expect(lxcri(root, ["create", "--bundle", b, "sn2"]).code).toBe(0);
      expect(lxcri(root, ["start", "sn2"]).code).toBe(0);
      const init = state(root, "sn2").pid;
      const r = lxcri(root, ["exec", "sn2", "mkdir", "/tmp/y"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("Numerical argument out of domain");
      const all = messages(a.log);
      expect(all).toHaveLength(2);
      expect(all[0].pid).toBe(init);
      expect(all[1].pid).not.toBe(init);
      expect(all[1].state.id).toBe("sn2");
      expect(lxcri(root, ["delete", "--force", "sn2"]).code).toBe(0);
    } finally {
      a.stop();
    }
  });

  test("no agent listening: start fails and the container is stopped, not left waiting", () => {
    const b = bundle(["sh", "-c", "mkdir /tmp/z"], (s) => {
      s.root!.readonly = false;
      s.linux!.seccomp = profile(join(tempDir("agent"), "nobody.sock"));
    });
    expect(lxcri(root, ["create", "--bundle", b, "sn3"]).code).toBe(0);
    const r = lxcri(root, ["start", "sn3"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("linux.seccomp.listenerPath");
    expect(state(root, "sn3").status).toBe("stopped");
    expect(lxcri(root, ["delete", "sn3"]).code).toBe(0);
  });
});
