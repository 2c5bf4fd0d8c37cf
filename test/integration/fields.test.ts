// Config fields and events lxcri applies as runc does (issue 19, "nothing
// silently ignored"), through the real CLI on real containers:
// memory.checkBeforeUpdate, seccomp's TSYNC flag, oom events, exact counters
// above 2^53 in events --stats.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, LXCRI, lxcri, state, testRoot } from "../helpers.ts";

const root = testRoot("fields");
afterAll(() => cleanupRoot(root));

function memoryCgroupOf(pid: number): string {
  const line = readFileSync(`/proc/${pid}/cgroup`, "utf8")
    .split("\n")
    .find((l) => /^\d+:memory:/.test(l) || l.startsWith("0::"));
  const [, controllers, path] = line!.split(":");
  return controllers === "memory" ? join("/sys/fs/cgroup/memory", path!) : join("/sys/fs/cgroup", path!);
}

describe.skipIf(!canRunContainers)("config fields applied as runc applies them (real containers, real CLI)", () => {
  test("memory.checkBeforeUpdate: an update below the current usage is refused and changes nothing", () => {
    const b = bundle(["sleep", "1000"], (s) => {
      s.linux!.resources = { memory: { limit: 256 << 20, checkBeforeUpdate: true } };
    });
    expect(lxcri(root, ["create", "--bundle", b, "cbu1"]).code).toBe(0);
    expect(lxcri(root, ["start", "cbu1"]).code).toBe(0);
    const cg = memoryCgroupOf(state(root, "cbu1").pid);
    const limitFile = ["memory.limit_in_bytes", "memory.max"]
      .map((f) => join(cg, f))
      .find((f) => {
        try {
          return readFileSync(f) !== undefined;
        } catch {
          return false;
        }
      })!;
    const update = (json: string) =>
      Bun.spawnSync([LXCRI, "--root", root, "update", "--resources", "-", "cbu1"], { stdin: Buffer.from(json), stderr: "pipe" });
    const refused = update('{"memory":{"limit":4096}}');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr.toString()).toContain("memory.limit: rejecting memory limit 4096 <= usage");
    expect(readFileSync(limitFile, "utf8").trim()).toBe(String(256 << 20));
    // the update's own checkBeforeUpdate false wins over config.json's (runc's order)
    const done = update('{"memory":{"limit":134217728,"checkBeforeUpdate":false}}');
    expect(done.stderr.toString()).toBe("");
    expect(readFileSync(limitFile, "utf8").trim()).toBe(String(128 << 20));
    expect(lxcri(root, ["delete", "--force", "cbu1"]).code).toBe(0);
  });

  test("seccomp SECCOMP_FILTER_FLAG_TSYNC is accepted and the filter applies", () => {
    const b = bundle(["sh", "-c", "grep Seccomp: /proc/self/status; mkdir /tmp/x 2>&1; echo rc=$?"], (s) => {
      s.root!.readonly = false;
      s.linux!.seccomp = {
        defaultAction: "SCMP_ACT_ALLOW",
        flags: ["SECCOMP_FILTER_FLAG_TSYNC"],
        syscalls: [{ names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1 }],
      };
    });
    const r = lxcri(root, ["run", "--bundle", b, "tsync1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Seccomp:\t2");
    expect(r.stdout).toContain("rc=1");
    lxcri(root, ["delete", "--force", "tsync1"]);
  });

  test("events: an oom event when the kernel OOM-kills a process of the container; stats go on", async () => {
    const b = bundle(["sh", "-c", "sleep 2; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 1000"], (s) => {
      s.linux!.resources = { memory: { limit: 16 << 20, swap: 16 << 20 } };
    });
    expect(lxcri(root, ["create", "--bundle", b, "oom1"]).code).toBe(0);
    expect(lxcri(root, ["start", "oom1"]).code).toBe(0);
    const ev = Bun.spawn([LXCRI, "--root", root, "events", "--interval", "1s", "oom1"], { stdout: "pipe", stderr: "pipe" });
    let out = "";
    const reader = ev.stdout.getReader();
    const decoder = new TextDecoder();
    const deadline = Date.now() + 15000;
    let pending = reader.read(); // kept across turns: a read given up on would lose its chunk
    while (!out.includes('"oom"') && Date.now() < deadline) {
      const got = await Promise.race([pending, Bun.sleep(500).then(() => undefined)]);
      if (!got) continue;
      if (got.done) break;
      out += decoder.decode(got.value);
      pending = reader.read();
    }
    const events = out
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(events.some((e) => e.type === "stats" && e.id === "oom1")).toBe(true);
    expect(events.filter((e) => e.type === "oom")).toEqual([{ type: "oom", id: "oom1" }]);
    expect(lxcri(root, ["delete", "--force", "oom1"]).code).toBe(0);
    // events ends once the container is gone
    expect(await Promise.race([ev.exited, Bun.sleep(5000).then(() => "running")])).not.toBe("running");
  });

  test("events --stats: counters above 2^53 are exact", () => {
    const b = bundle(["sleep", "1000"]);
    expect(lxcri(root, ["create", "--bundle", b, "big1"]).code).toBe(0);
    const cg = memoryCgroupOf(state(root, "big1").pid);
    const raw = readFileSync(join(cg, "memory.limit_in_bytes"), "utf8").trim(); // no limit: 9223372036854771712 on v1
    expect(BigInt(raw) > 2n ** 53n).toBe(true);
    const out = lxcri(root, ["events", "--stats", "big1"]).stdout;
    expect(out).toContain(`"limit":${raw}`);
    expect(lxcri(root, ["delete", "--force", "big1"]).code).toBe(0);
  });
});
