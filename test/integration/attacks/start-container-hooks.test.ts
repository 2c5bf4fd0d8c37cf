// A startContainer hook is a program of the image, run
// inside the container: it must run confined exactly as the container's own
// process is (runc runs it after finalizeNamespace and, with no_new_privs,
// after loading seccomp): the same capability sets, seccomp filter and
// no_new_privs. With every capability instead, a hook from the image escapes
// through a cgroup-v1 release_agent: it mounts a fresh v1 hierarchy, points
// its release_agent at a script in the image (by the rootfs's host path, read
// from mountinfo) and empties a cgroup with notify_on_release, and the kernel
// runs the script as root on the host.
//
// runc 1.1.5: the hook has the container's capability sets and filter; the
// mount fails with "Operation not permitted".
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, LXCRI, testRoot } from "../../helpers.ts";
import {
  bundle,
  cleanupAttackRoot,
  destroyNamedHierarchy,
  hostMarker,
  hostMounts,
  logLines,
  newMounts,
  outDir,
  outMount,
  plant,
  removeScratch,
  runtime,
  settle,
  statusFields,
} from "./attack-helpers.ts";
import type { Spec } from "../../../src/spec/types.ts";

const root = testRoot("attack-hooks");
// the fresh cgroup-v1 hierarchy the escape makes (never one of the host's)
const HIERARCHY = `lxcriattack${process.pid}`;
afterAll(() => {
  cleanupAttackRoot(root);
  destroyNamedHierarchy(HIERARCHY);
  removeScratch();
}, 60_000);

// The shell's own status (builtins only: an exec'd grep would have its capabilities recomputed by execve).
const dumpStatus = (file: string) =>
  `while read -r k v; do case "$k" in Cap*|Seccomp:|NoNewPrivs:) echo "$k $v";; esac; done < /proc/self/status > ${file}`;

const CONFINED = ["CapEff", "CapPrm", "CapBnd", "CapAmb", "Seccomp", "NoNewPrivs"];

describe.skipIf(!canRunContainers)("attack: startContainer hooks from the image", () => {
  for (const nnp of [true, false])
    test(`a startContainer hook has exactly the process's capability sets, seccomp filter and no_new_privs (noNewPrivileges: ${nnp})`, () => {
      const lx = runtime(LXCRI, root);
      const out = outDir("hook-ctx");
      const b = bundle(["sh", "-c", dumpStatus("/out/process")], (s) => {
        s.mounts!.push(outMount(out));
        s.process!.noNewPrivileges = nnp;
        s.linux!.seccomp = {
          defaultAction: "SCMP_ACT_ALLOW",
          syscalls: [{ names: ["kexec_load"], action: "SCMP_ACT_ERRNO", errnoRet: 1 }],
        };
        s.hooks = { startContainer: [{ path: "/bin/sh", args: ["sh", "-c", dumpStatus("/out/hook")] }] };
      });
      const r = lx(["run", "--bundle", b, `hookctx${nnp ? 1 : 0}`], { timeoutMs: 20_000 });
      expect(r.stderr).toBe("");
      const pick = (f: string) => {
        const all = statusFields(readFileSync(join(out, f), "utf8"));
        return Object.fromEntries(CONFINED.map((k) => [k, all[k]]));
      };
      const proc = pick("process");
      expect(proc.Seccomp).toBe("2");
      expect(proc.NoNewPrivs).toBe(nnp ? "1" : "0");
      expect(pick("hook")).toEqual(proc);
    }, 30_000);

  for (const cgroupns of [false, true])
    test(`a startContainer hook cannot escape through a cgroup-v1 release_agent (${cgroupns ? "with" : "without"} a cgroup namespace)`, async () => {
      const lx = runtime(LXCRI, root);
      const out = outDir("hook-escape");
      const marker = hostMarker();
      const mountsBefore = hostMounts();
      const b = bundle(["sleep", "30"], (s: Spec) => {
        s.mounts!.push(outMount(out));
        // runc spec (1.1) has no cgroup namespace
        if (!cgroupns) s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "cgroup");
        s.hooks = { startContainer: [{ path: "/escape.sh" }] };
      });
      // run by the kernel on the host, as root, if the escape works
      plant(b, "/payload.sh", { text: `#!/bin/sh\ntouch ${marker}\n` });
      // a fresh named hierarchy: the host's own hierarchies (and their release_agent) are never touched
      plant(b, "/escape.sh", {
        text: `#!/bin/sh
exec >>/out/escape.log 2>&1
echo "hook: $(grep -E '^CapEff' /proc/self/status)"
mkdir -p /dev/cg || exit 0
if ! mount -t cgroup -o none,name=${HIERARCHY} cgroup /dev/cg; then echo "mount failed"; exit 0; fi
echo mounted
host=$(awk '$5 == "/" { print $4 }' /proc/self/mountinfo | tail -1)
echo "rootfs on the host: $host"
mkdir /dev/cg/x && echo 1 > /dev/cg/x/notify_on_release && echo "notify_on_release set"
echo "$host/payload.sh" > /dev/cg/release_agent && echo "release_agent set to $host/payload.sh"
sh -c 'echo $$ > /dev/cg/x/cgroup.procs' && echo "emptied a cgroup"
sleep 1
for i in 1 2 3 4 5; do rmdir /dev/cg/x 2>/dev/null && break; sleep 0.2; done
echo > /dev/cg/release_agent; umount /dev/cg
exit 0
`,
      });
      expect(lx(["create", "--bundle", b, `hookesc${cgroupns ? 1 : 0}`]).code).toBe(0);
      const r = lx(["start", `hookesc${cgroupns ? 1 : 0}`], { timeoutMs: 20_000 });
      // the release agent runs asynchronously
      await settle(() => existsSync(marker), 2000);
      console.log(`start: exit ${r.code} ${r.stderr.trim()}\n  ${logLines(join(out, "escape.log")).join("\n  ")}`);
      const escaped = existsSync(marker);
      const mounted = newMounts(mountsBefore, [" cgroup", b]);
      expect(lx(["delete", "--force", `hookesc${cgroupns ? 1 : 0}`]).code).toBe(0);
      // the hierarchy, if the hook made one, must not outlive the test (its release_agent points into the bundle)
      const cleaned = destroyNamedHierarchy(HIERARCHY);
      expect({ releaseAgentRanOnHost: escaped, newHostMounts: mounted }).toEqual({ releaseAgentRanOnHost: false, newHostMounts: [] });
      expect(cleaned).toBe(true);
    }, 30_000);
});
