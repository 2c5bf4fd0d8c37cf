// Config fields and events lxcri applies as runc does (nothing silently
// ignored), through the real CLI on real containers:
// memory.checkBeforeUpdate, seccomp's TSYNC flag, oom events, exact counters
// above 2^53 in events --stats.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, LXCRI, lxcri, state, tempDir, testRoot } from "../helpers.ts";

const root = testRoot("fields");
afterAll(() => cleanupRoot(root));

/** Waits until the kernel has the device gone (namespace cleanup is asynchronous); `remove`: deletes it first. */
function deviceGone(name: string, remove = true): boolean {
  if (remove) Bun.spawnSync(["ip", "link", "del", name]);
  const deadline = Date.now() + 10000;
  while (existsSync(`/sys/class/net/${name}`)) {
    if (Date.now() > deadline) return false;
    Bun.sleepSync(50);
  }
  return true;
}

function waitForText(file: string, text: string): void {
  const deadline = Date.now() + 10000;
  while (!readFileSync(file, "utf8").includes(text)) {
    if (Date.now() > deadline) throw new Error(`${file}: no ${JSON.stringify(text)} in ${JSON.stringify(readFileSync(file, "utf8"))}`);
    Bun.sleepSync(50);
  }
}

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
    // and is kept for the next update (runc keeps it in its state): no check now
    expect(update('{"memory":{"limit":4096}}').stderr.toString()).not.toContain("checkBeforeUpdate");
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

  // runc 1.4's semantics (runtime-spec "namespace lifecycle"): the device lives in the container's network
  // namespace; when a new one ends, the kernel returns a physical device to the host and destroys a virtual one.
  test("netDevices: a host device is moved into a new network namespace under its new name, up; it ends with the namespace", () => {
    // no dummy driver on every host: one end of a veth pair (its peer stays on the host and keeps the pair alive)
    expect(deviceGone("lxcri-t0") && deviceGone("lxcri-t1")).toBe(true);
    expect(Bun.spawnSync(["ip", "link", "add", "lxcri-t0", "type", "veth", "peer", "name", "lxcri-t1"]).exitCode).toBe(0);
    try {
      const b = bundle(
        ["sh", "-c", "cat /sys/class/net/ctr0/operstate /sys/class/net/ctr0/ifindex; ls /sys/class/net; sleep 1000"],
        (s) => {
          s.linux!.netDevices = { "lxcri-t0": { name: "ctr0" } };
        },
      );
      const ifindex = readFileSync("/sys/class/net/lxcri-t0/ifindex", "utf8").trim();
      const dir = tempDir("netdev");
      const out = join(dir, "out");
      const fd = openSync(out, "w");
      expect(lxcri(root, ["create", "--bundle", b, "nd1"], { stdout: fd }).stderr).toBe("");
      closeSync(fd);
      expect(existsSync("/sys/class/net/lxcri-t0")).toBe(false); // gone from the host
      expect(lxcri(root, ["start", "nd1"]).code).toBe(0);
      waitForText(out, "ctr0\n");
      const [operstate, index, ...names] = readFileSync(out, "utf8").trim().split("\n");
      expect(operstate).toMatch(/^(up|lowerlayerdown)$/); // its peer on the host is down: "lowerlayerdown" once up
      expect(index).toBe(ifindex); // the same device
      expect(names.sort()).toEqual(["ctr0", "lo"]);
      expect(lxcri(root, ["delete", "--force", "nd1"]).code).toBe(0);
      // a veth is virtual: gone with the namespace (the kernel cleans namespaces up a little later), and its peer with it
      expect(deviceGone("lxcri-t0", false)).toBe(true);
      expect(deviceGone("lxcri-t1", false)).toBe(true);
    } finally {
      Bun.spawnSync(["ip", "link", "del", "lxcri-t0"]);
    }
  });

  test("netDevices: the device's permanent global address goes with it (runc 1.4)", () => {
    expect(deviceGone("lxcri-t0") && deviceGone("lxcri-t1")).toBe(true);
    expect(Bun.spawnSync(["ip", "link", "add", "lxcri-t0", "type", "veth", "peer", "name", "lxcri-t1"]).exitCode).toBe(0);
    try {
      expect(Bun.spawnSync(["ip", "addr", "add", "10.199.0.2/24", "dev", "lxcri-t0"]).exitCode).toBe(0);
      const v6 = Bun.spawnSync(["ip", "-6", "addr", "add", "fd00:199::2/64", "dev", "lxcri-t0"]).exitCode === 0; // where IPv6 is on
      const b = bundle(["ip", "addr", "show", "dev", "ctr0"], (s) => {
        s.linux!.netDevices = { "lxcri-t0": { name: "ctr0" } };
      });
      const r = lxcri(root, ["run", "--bundle", b, "nd2"]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("inet 10.199.0.2/24");
      if (v6) expect(r.stdout).toContain("inet6 fd00:199::2/64");
      lxcri(root, ["delete", "--force", "nd2"]);
    } finally {
      Bun.spawnSync(["ip", "link", "del", "lxcri-t0"]);
    }
  });

  test("netDevices into a network namespace joined by path: moved, renamed, addressed, up; it stays there after the container", () => {
    Bun.spawnSync(["ip", "netns", "del", "lxcri-tns"]);
    expect(deviceGone("lxcri-t0") && deviceGone("lxcri-t1")).toBe(true);
    expect(Bun.spawnSync(["ip", "netns", "add", "lxcri-tns"]).exitCode).toBe(0);
    expect(Bun.spawnSync(["ip", "link", "add", "lxcri-t0", "type", "veth", "peer", "name", "lxcri-t1"]).exitCode).toBe(0);
    try {
      expect(Bun.spawnSync(["ip", "addr", "add", "10.199.1.2/24", "dev", "lxcri-t0"]).exitCode).toBe(0);
      const b = bundle(["ip", "-4", "addr", "show", "dev", "ctr1"], (s) => {
        s.linux!.namespaces = s.linux!.namespaces!.map((n) =>
          n.type === "network" ? { type: "network", path: "/run/netns/lxcri-tns" } : n,
        );
        s.linux!.netDevices = { "lxcri-t0": { name: "ctr1" } };
      });
      const r = lxcri(root, ["run", "--bundle", b, "nd3"]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("inet 10.199.1.2/24");
      expect(r.stdout).toMatch(/<[^>]*\bUP\b/);
      expect(existsSync("/sys/class/net/lxcri-t0")).toBe(false);
      lxcri(root, ["delete", "--force", "nd3"]);
      const still = Bun.spawnSync(["ip", "netns", "exec", "lxcri-tns", "ip", "-o", "link", "show", "ctr1"], { stdout: "pipe" });
      expect(still.exitCode).toBe(0);
    } finally {
      Bun.spawnSync(["ip", "link", "del", "lxcri-t0"]);
      Bun.spawnSync(["ip", "link", "del", "lxcri-t1"]);
      Bun.spawnSync(["ip", "netns", "del", "lxcri-tns"]);
    }
  });

  test("netDevices: a device the host does not have is refused at create naming it", () => {
    const b = bundle(["true"], (s) => {
      s.linux!.netDevices = { "lxcri-none9": {} };
    });
    const r = lxcri(root, ["create", "--bundle", b, "nd4"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('linux.netDevices["lxcri-none9"]: no such network device on the host');
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
