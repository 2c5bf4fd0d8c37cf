// Issue 11, the runtime's hook channel: during a create with hooks, the mount
// hook (in the container) asks `create` to run prestart and createRuntime
// hooks in the runtime's namespaces, and sends it createContainer trace records
// (today over <root>/<id>/hook.sock, chowned to the mapped root with a user
// namespace). A forged request must not reach it: {"pid":1} would make create
// run the hooks with the host's init as the container (a hook doing
// `nsenter -t $pid` enters the host), a forged trace record would go into
// `lxcri hooks`, {"done":true} or {"error":…} would decide create's outcome.
// Attackers: nobody, and host uid 100000 (what the root of any container with
// that mapping is on the host), connecting to every socket they can find or
// guess under the container's directory for the whole create, again and again.
//
// runc 1.1.5 has no such channel: prestart/createRuntime run in runc itself,
// synchronised over a socketpair it inherits (nothing with a path).
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, LXCRI, testRoot } from "../../helpers.ts";
import {
  attackTool,
  bundle,
  cleanupAttackRoot,
  logLines,
  MAPPED_ROOT,
  NOBODY,
  outDir,
  removeScratch,
  runtime,
  tempDir,
} from "./attack-helpers.ts";
import type { Spec } from "../../../src/spec/types.ts";

const root = testRoot("attack-hookch");
afterAll(() => {
  cleanupAttackRoot(root);
  removeScratch();
}, 60_000);

const forged = (path: string) =>
  [
    { pid: 1 },
    {
      hook: {
        type: "prestart",
        index: 99,
        path,
        start: new Date().toISOString(),
        durationMs: 1,
        exitCode: 0,
        signal: null,
        timedOut: false,
        stdoutTail: "",
        stderrTail: "",
      },
    },
    { done: true },
  ]
    .map((m) => JSON.stringify(m) + "\n")
    .join("");

describe.skipIf(!canRunContainers)("attack: forged requests on the runtime's hook channel during create", () => {
  for (const userns of [false, true])
    test(`nobody and uid ${MAPPED_ROOT} cannot talk to create's hook channel (${userns ? "with" : "without"} a user namespace)`, async () => {
      const lx = runtime(LXCRI, root);
      const states = outDir("hook-states");
      const id = `hookch${userns ? 1 : 0}`;
      // each run of a prestart or createRuntime hook leaves its state (stdin) in a new file, then holds the window open
      const record = (type: string) => ({ path: "/bin/sh", args: ["sh", "-c", `cat > ${states}/${type}-$$.json; sleep 1.5`] });
      const b = bundle(["sleep", "30"], (s: Spec) => {
        s.hooks = { prestart: [record("prestart")], createRuntime: [record("createRuntime")] };
        if (userns) {
          s.linux!.namespaces!.push({ type: "user" });
          s.linux!.uidMappings = [{ containerID: 0, hostID: MAPPED_ROOT, size: 65536 }];
          s.linux!.gidMappings = [{ containerID: 0, hostID: MAPPED_ROOT, size: 65536 }];
        }
      });
      chmodSync(b, 0o755);
      const toolDir = tempDir("attacker");
      chmodSync(toolDir, 0o755);
      const tool = attackTool();
      const dir = join(root, id);
      const attackers = [NOBODY, MAPPED_ROOT].map((uid) => {
        const log = join(toolDir, `${uid}.log`);
        const p = Bun.spawn(
          [
            "setpriv",
            `--reuid=${uid}`,
            `--regid=${uid}`,
            "--clear-groups",
            "--",
            tool,
            "sockscan",
            dir,
            "8",
            forged(`/forged-by-${uid}`),
            log,
            join(dir, "hook.sock"),
          ],
          { stdin: "ignore", stdout: "ignore", stderr: "ignore" },
        );
        return { uid, log, p };
      });
      chmodSync(toolDir, 0o777); // the attackers write their logs there
      await Bun.sleep(100);
      const c = lx(["create", "--bundle", b, id], { timeoutMs: 25_000 });
      await Promise.all(attackers.map((a) => a.p.exited));
      const lines = attackers.flatMap((a) => logLines(a.log).map((l) => `uid ${a.uid}: ${l}`));
      console.log(
        `create: exit ${c.code} ${c.stderr.trim()}\n  ${lines.filter((l) => !/connect .*: (No such file|Permission denied)/.test(l)).join("\n  ")}`,
      );
      expect(c.code).toBe(0);
      const initPid = JSON.parse(lx(["state", id]).stdout).pid as number;
      const runs = readdirSync(states).map((f) => ({ f, pid: JSON.parse(readFileSync(join(states, f), "utf8")).pid as number }));
      const trace = lx(["hooks", id]).stdout;
      lx(["delete", "--force", id]);
      // what a forged request did: hooks run again or for another pid, records in the trace
      expect(runs.map((r) => `${r.f.split("-")[0]} pid ${r.pid === initPid ? "init" : r.pid}`).sort()).toEqual([
        "createRuntime pid init",
        "prestart pid init",
      ]);
      expect(trace.split("\n").filter((l) => l.includes("forged"))).toEqual([]);
      // and that it got through at all
      expect(lines.filter((l) => l.includes("CONNECTED"))).toEqual([]);
    }, 30_000);
});
