// Issue 11, class of CVE-2025-52881: the runtime writes to /proc (sysctls,
// oom_score_adj, uts names…) in the container. A mount over /proc/… (from the
// config, or one racing in) must not redirect those writes into a host file:
// the write is refused, or lands in procfs, never in the host directory.
// Each case mounts a host directory (with a file where the runtime would
// write) over a /proc path and asks for a write there; the write must be
// refused or go to procfs, with the bind read-write (the runtime must write
// only to procfs, as runc >= 1.2.8 checks) and read-only (the config author,
// in Kubernetes a pod with a read-only hostPath volume, must not get a write
// into the host directory through the runtime).
//
// runc 1.1.5: writes sysctls through /proc/sys after mounting: the config
// that binds a host directory over /proc/sys/net/ipv4 makes it write
// ip_forward into the host directory (the CVE); runc 1.2.8 refuses.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, LXCRI, testRoot } from "../../helpers.ts";
import { bundle, cleanupAttackRoot, hostMounts, newMounts, removeScratch, runtime, snapshotTree, tempDir } from "./attack-helpers.ts";
import type { Spec } from "../../../src/spec/types.ts";

const root = testRoot("attack-proc");
afterAll(() => {
  cleanupAttackRoot(root);
  removeScratch();
}, 60_000);

interface Case {
  /** Where the host directory is mounted in the container. */
  over: string;
  /** Files the host directory has (where a redirected write would land). */
  files: string[];
  edit: (s: Spec) => void;
}

const CASES: Record<string, Case> = {
  "a bind over /proc/sys/net/ipv4 and linux.sysctl net.ipv4.ip_forward": {
    over: "/proc/sys/net/ipv4",
    files: ["ip_forward"],
    edit: (s) => (s.linux!.sysctl = { "net.ipv4.ip_forward": "1" }),
  },
  "a bind over /proc/sys and linux.sysctl kernel.shmmax (ipc) and net.ipv4.ip_forward": {
    over: "/proc/sys",
    files: ["kernel/shmmax", "net/ipv4/ip_forward"],
    edit: (s) => (s.linux!.sysctl = { "kernel.shmmax": "123456789", "net.ipv4.ip_forward": "1" }),
  },
  "a bind over /proc/sys/kernel with hostname and domainname": {
    over: "/proc/sys/kernel",
    files: ["hostname", "domainname"],
    edit: (s) => {
      s.hostname = "attack-host";
      s.domainname = "attack.example";
    },
  },
  "a bind over /proc/1 (init, in the container's pid namespace) with process.oomScoreAdj": {
    over: "/proc/1",
    files: ["oom_score_adj", "attr/current", "setgroups"],
    edit: (s) => (s.process!.oomScoreAdj = 500),
  },
  "a bind over /proc itself, then sysctls": {
    over: "/proc",
    files: ["sys/net/ipv4/ip_forward", "sys/kernel/shmmax"],
    edit: (s) => (s.linux!.sysctl = { "net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789" }),
  },
};

describe.skipIf(!canRunContainers)("attack: writes to /proc redirected by a mount (CVE-2025-52881 class)", () => {
  let n = 0;
  for (const [name, c] of Object.entries(CASES))
    for (const mode of ["rw", "ro"])
      test(`${name} (${mode} bind)`, () => {
        const lx = runtime(LXCRI, root);
        const host = tempDir("procdir");
        for (const f of c.files) {
          mkdirSync(join(host, f, ".."), { recursive: true });
          writeFileSync(join(host, f), "HOST FILE\n");
        }
        const before = { tree: snapshotTree(host), mounts: hostMounts(), forward: readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8") };
        const id = `procw${++n}`;
        const b = bundle(["sleep", "30"], (s) => {
          s.linux!.readonlyPaths = s.linux!.readonlyPaths!.filter((p) => p !== "/proc/sys");
          s.mounts!.push({ destination: c.over, type: "bind", source: host, options: ["rbind", mode] });
          c.edit(s);
        });
        const r = lx(["create", "--bundle", b, id], { timeoutMs: 20_000 });
        if (r.code === 0) lx(["start", id]);
        console.log(`${name}: create exit ${r.code} ${r.stderr.trim().slice(0, 300)}`);
        lx(["delete", "--force", id]);
        expect(snapshotTree(host)).toEqual(before.tree);
        expect(newMounts(before.mounts, [host, "/proc"])).toEqual([]);
        expect(readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8")).toBe(before.forward);
      }, 30_000);
});
