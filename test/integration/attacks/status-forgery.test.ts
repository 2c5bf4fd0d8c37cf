// A process in a running container must not make `state` say "created" again, nor
// get `start` to run a second time. The container's pid 1 re-execs itself with the
// argv lxcri's own init has ("/proc/self/fd/5 init 7": same pid, same start time)
// after putting /dev/zero where init parks its channel (fd 1001). When the status
// was read from pid 1's argv, `state` said "created", `start` was allowed again,
// took fd 1001 from the container and read /dev/zero without end (2 GiB in 3 s),
// and a socket there made the poststart hooks run a second time on the host.
//
// runc 1.1.5: the status comes from its exec FIFO and state.json in /run/runc,
// which the container cannot reach; a second `runc start` is refused.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, testRoot } from "../../helpers.ts";
import { attackTool, bundle, cleanupAttackRoot, hostMarker, plant, removeScratch, runtime, settle } from "./attack-helpers.ts";
import { LXCRI } from "../../helpers.ts";

const root = testRoot("attack-status");
afterAll(() => {
  cleanupAttackRoot(root);
  removeScratch();
}, 60_000);

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
};

describe.skipIf(!canRunContainers)("status from the runtime alone", () => {
  test("pid 1 re-exec'd with init's argv and /dev/zero at init's channel fd: still running, start refused, poststart ran once", async () => {
    const marker = hostMarker("poststart");
    const b = bundle(["/pwn", "masquerade", "/pwn", "zero"], (s) => {
      s.hooks = { poststart: [{ path: "/bin/sh", args: ["sh", "-c", `echo ran >> ${marker}`] }] };
    });
    plant(b, "/pwn", attackTool());
    const lxcri = runtime(LXCRI, root);
    expect(lxcri(["create", "--bundle", b, "forged"]).code).toBe(0);
    const state = () => JSON.parse(lxcri(["state", "forged"]).stdout) as { status: string; pid: number };
    const pid = state().pid;
    expect(lxcri(["start", "forged"]).code).toBe(0);
    // the container's pid 1 now looks exactly like lxcri's waiting init
    expect(await settle(() => cmdline(pid)[1] === "init", 10_000)).toBe(true);
    expect(cmdline(pid)).toEqual(["/proc/self/fd/5", "init", "7"]);
    expect(state()).toMatchObject({ status: "running", pid });

    const hooksLog = join(root, "forged", "hooks.log");
    const logSize = existsSync(hooksLog) ? statSync(hooksLog).size : 0;
    const again = lxcri(["start", "forged"], { timeoutMs: 20_000 });
    expect(again.timedOut).toBe(false);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("running, not created");
    expect(readFileSync(marker, "utf8")).toBe("ran\n"); // poststart ran once, at the real start
    expect(existsSync(hooksLog) ? statSync(hooksLog).size : 0).toBe(logSize);

    // and the container can be paused and resumed, as a running one
    expect(lxcri(["pause", "forged"]).code).toBe(0);
    expect(state().status).toBe("paused");
    expect(lxcri(["resume", "forged"]).code).toBe(0);
    expect(lxcri(["delete", "--force", "forged"]).code).toBe(0);
  }, 60_000);
});
