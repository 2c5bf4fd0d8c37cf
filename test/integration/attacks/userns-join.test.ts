// Issue 20: joining a container's user namespace by path (a pod's containers share the
// sandbox's). create reads the namespace's maps through a child of lxcri-init that joins it
// (ffi/native/userns.c): a host-root process (uid 0 on the host, its capabilities now only
// the container's) inside a namespace whose root the container is. A container that sees it
// (one without a pid namespace of its own) has CAP_SYS_PTRACE over everything in its user
// namespace: were the child dumpable, the container could read its memory and environment,
// or attach and run code as host uid 0 (reading root's files, which its own uid cannot).
// The child is made non-dumpable before it joins: then the kernel checks ptrace against
// the namespace the child's memory was made in, the host's, where the container has nothing.
//
// The child lives while its parent reads two files; the test holds it there by delaying the
// parent's openat() with strace (the child does none), and tries to read the child's
// /proc/<pid>/environ from inside the container meanwhile. Found: not vulnerable when
// written; removing the prctl(PR_SET_DUMPABLE, 0) makes this test fail.
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, cleanupRoot, lxcri, REPO, state, testRoot } from "../../helpers.ts";
import { bundle, MAPPED_ROOT, removeScratch } from "./attack-helpers.ts";

const root = testRoot("attack-userns-join");
afterAll(() => {
  cleanupRoot(root);
  removeScratch();
}, 60_000);

const strace = Bun.which("strace");
const SECRET = `userns-secret-${process.pid}`;

/** Host pids whose user namespace is `ino` and whose command line names `word`. */
function pidsIn(ino: number, word: string): number[] {
  const found: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (statSync(`/proc/${e}/ns/user`).ino === ino && readFileSync(`/proc/${e}/cmdline`, "utf8").includes(word)) found.push(Number(e));
    } catch {}
  }
  return found;
}

describe.skipIf(!canRunContainers || !strace)("attack: the child that reads a joined user namespace's maps", () => {
  test("the container whose namespace it joins cannot read it through /proc (ptrace access)", async () => {
    const b = bundle(["sleep", "60"], (s) => {
      // no pid namespace: the container sees the host's processes; root there with CAP_SYS_PTRACE
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "pid");
      // a user namespace's root cannot mount a procfs of the host's pid namespace: the host's, bound
      // (what podman does for --pid=host with a user namespace)
      s.mounts = s.mounts!.map((m) =>
        m.destination === "/proc" ? { destination: "/proc", type: "bind", source: "/proc", options: ["rbind"] } : m,
      );
      s.linux!.namespaces!.push({ type: "user" });
      s.linux!.uidMappings = [{ containerID: 0, hostID: MAPPED_ROOT, size: 65536 }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: MAPPED_ROOT, size: 65536 }];
      const caps = ["CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE", "CAP_SYS_ADMIN"];
      s.process!.capabilities = { bounding: caps, effective: caps, permitted: caps };
    });
    Bun.spawnSync(["chmod", "755", b]);
    const created = lxcri(root, ["create", "--bundle", b, "victim-ns"]);
    expect(created.stderr).toBe("");
    expect(lxcri(root, ["start", "victim-ns"]).code).toBe(0);
    const pid = state(root, "victim-ns").pid;
    const ino = statSync(`/proc/${pid}/ns/user`).ino;
    const helper = Bun.spawn(
      [
        strace!,
        "-f",
        "-qq",
        "-o",
        "/dev/null",
        "-e",
        "trace=openat",
        "-e",
        "inject=openat:delay_enter=4000000",
        join(REPO, "build", "lxcri-init"),
        "userns-maps",
        `/proc/${pid}/ns/user`,
      ],
      { stdout: "pipe", stderr: "pipe", env: { HELPER_SECRET: SECRET } },
    );
    let child: number | undefined;
    for (let i = 0; i < 1000 && child === undefined; i++) {
      child = pidsIn(ino, "userns-maps")[0];
      if (child === undefined) await Bun.sleep(10);
    }
    expect(child).toBeDefined();
    const seen = lxcri(root, [
      "exec",
      "victim-ns",
      "sh",
      "-c",
      `cat /proc/${child}/environ; echo; ls /proc/${child}/root/ >/dev/null && echo ROOT-OPEN`,
    ]);
    expect(seen.stdout).not.toContain(SECRET);
    expect(seen.stdout).not.toContain("ROOT-OPEN");
    expect(seen.stderr).toContain("Permission denied");
    // and the helper still did its job
    expect(await helper.exited).toBe(0);
    expect((await new Response(helper.stdout).text()).trim()).toBe(
      `n ${statSync(`/proc/${pid}/ns/user`).dev} ${ino}\nu 0 ${MAPPED_ROOT} 65536\ng 0 ${MAPPED_ROOT} 65536`,
    );
    expect(lxcri(root, ["delete", "--force", "victim-ns"]).code).toBe(0);
  }, 60_000);
});
