// A process exec'd into a *created* container (before
// `start`, as root in the container with the process's capabilities) must find
// nothing the runtime put there writable, and no way to start the container.
// Found: /.lxcri was a tmpfs writable by the container's root; a file planted
// under /.lxcri/hooks ran with every capability at `start` although the config
// had no such hook, and opening /.lxcri/init/sync from inside started the
// container without `lxcri start`.
//
// Nothing here names today's paths: the runtime's mounts are found from the
// container's mountinfo (whatever is not the root, a spec mount, a masked or
// read-only path, or a kernel filesystem's own), every directory among them
// gets files planted in the shapes a hook runner might read, every file is
// opened for appending, and every FIFO and socket reachable is opened and
// written to (test/attack-tools/tool.c poke).
//
// runc 1.1.5 (runc exec into a created container): nothing of runc's is
// mounted in the container; its exec.fifo lives in /run/runc/<id>, which the
// container cannot reach; the container starts only at `runc start`.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, testRoot } from "../../helpers.ts";
import {
  attackTool,
  bundle,
  cleanupAttackRoot,
  hostMarker,
  installedCopy,
  logLines,
  outDir,
  outMount,
  plant,
  prefixOf,
  removeInstalledCopies,
  removeScratch,
  runtime,
  settle,
} from "./attack-helpers.ts";
import type { Spec } from "../../../src/spec/types.ts";

const root = testRoot("attack-created");
afterAll(() => {
  cleanupAttackRoot(root);
  removeInstalledCopies();
  removeScratch();
}, 60_000);

/** Mount points in the container that neither the spec asked for nor the kernel made below one: the runtime's. */
function runtimeMounts(pid: number, spec: Spec): string[] {
  const asked = new Set<string>([
    "/",
    ...(spec.mounts ?? []).map((m) => m.destination),
    ...(spec.linux?.maskedPaths ?? []),
    ...(spec.linux?.readonlyPaths ?? []),
  ]);
  const out: string[] = [];
  for (const line of readFileSync(`/proc/${pid}/mountinfo`, "utf8").split("\n").filter(Boolean)) {
    const f = line.split(" ");
    const mp = f[4]!;
    if (asked.has(mp)) continue;
    if (/^\/(proc|sys)\//.test(mp)) continue; // proc and sysfs submounts (binfmt_misc, the cgroup tree…)
    if (/^\/dev\/(null|zero|full|random|urandom|tty|console|ptmx|pts\/.*)$/.test(mp)) continue; // device nodes
    out.push(mp);
  }
  return [...new Set(out)];
}

const ATTACK = `#!/bin/sh
# run as the container's root in a created container; args: plant|poke, the runtime's mount points
mode=$1; shift
log=/out/attempts.log
if [ "$mode" = poke ]; then
  # every FIFO and socket it can reach, and init's fds
  find / \\( -path /proc -o -path /sys \\) -prune -o \\( -type p -o -type s \\) -print 2>/dev/null > /out/ipc
  /pwn poke /out/poke.log '{"pid":1}' $(cat /out/ipc) /proc/1/fd/* 2>/dev/null
  exit 0
fi
for m in "$@"; do
  files=$m
  if [ -d "$m" ]; then
    for d in $(find "$m" -xdev -maxdepth 3 -type d 2>/dev/null) $(find "$m" -maxdepth 0 -type d); do
      if touch "$d/.attack" 2>/dev/null; then
        echo "WRITABLE dir $d" >> $log
        for sub in hooks/0 hooks/startContainer/0 startContainer/0 0; do
          mkdir -p "$d/$sub" 2>/dev/null && printf %s /out/evil.sh > "$d/$sub/path" && printf '/out/evil.sh\\0' > "$d/$sub/cmdline" && echo "planted $d/$sub" >> $log
        done
      else
        echo "read-only dir $d" >> $log
      fi
    done
    files=$(find "$m" -maxdepth 3 ! -type d 2>/dev/null)
  fi
  for f in $files; do
    [ -c "$f" ] || [ -p "$f" ] || [ -S "$f" ] && continue
    if sh -c ': >> "$1"' - "$f" 2>/dev/null; then echo "WRITABLE file $f" >> $log; else echo "read-only file $f" >> $log; fi
  done
done
exit 0
`;

/** A created container with the attack in its image and /out from the host; returns what the tests need. */
function created(id: string, withHook: boolean) {
  const exe = installedCopy();
  const lx = runtime(exe, root);
  const out = outDir("created");
  const marker = hostMarker();
  const b = bundle(["sh", "-c", "touch /out/started; sleep 60"], (s) => {
    s.mounts!.push(outMount(out));
    if (withHook) s.hooks = { startContainer: [{ path: "/bin/sh", args: ["sh", "-c", "touch /out/legit-hook"] }] };
  });
  plant(b, "/pwn", attackTool());
  plant(b, "/attack.sh", { text: ATTACK });
  // what a planted hook would run: leaves a mark in /out (in the container) and on the host
  writeFileSync(join(out, "evil.sh"), `#!/bin/sh\ntouch /out/PLANTED-RAN ${marker} 2>/dev/null\n`, { mode: 0o755 });
  expect(lx(["create", "--bundle", b, id]).code).toBe(0);
  const spec = JSON.parse(readFileSync(join(b, "config.json"), "utf8")) as Spec;
  const pid = JSON.parse(lx(["state", id]).stdout).pid as number;
  const mounts = runtimeMounts(pid, spec);
  console.log(`runtime mounts in the created container (prefix ${prefixOf(exe)}): ${mounts.join(" ") || "(none)"}`);
  const status = () => JSON.parse(lx(["state", id]).stdout || "{}").status;
  return { lx, out, marker, mounts, status };
}

describe.skipIf(!canRunContainers)("attack: a process exec'd into a created container", () => {
  for (const withHook of [false, true])
    test(`nothing of the runtime's is writable from inside, and nothing planted runs at start (${withHook ? "with" : "without"} a startContainer hook)`, async () => {
      const id = `created${withHook ? 1 : 0}`;
      const { lx, out, marker, mounts, status } = created(id, withHook);
      const r = lx(["exec", id, "/attack.sh", "plant", ...mounts], { timeoutMs: 25_000 });
      const attempts = logLines(join(out, "attempts.log"));
      console.log(`exec /attack.sh plant: exit ${r.code}\n  ${attempts.join("\n  ")}`);
      expect({ startedBeforeStart: existsSync(join(out, "started")), status: status() }).toEqual({
        startedBeforeStart: false,
        status: "created",
      });
      const s = lx(["start", id], { timeoutMs: 20_000 });
      await settle(() => existsSync(join(out, "started")), 3000);
      console.log(`start: exit ${s.code} ${s.stderr.trim()}`);
      expect({ plantedRanInContainer: existsSync(join(out, "PLANTED-RAN")), plantedRanOnHost: existsSync(marker) }).toEqual({
        plantedRanInContainer: false,
        plantedRanOnHost: false,
      });
      expect(attempts.filter((l) => l.startsWith("WRITABLE"))).toEqual([]);
      expect(existsSync(join(out, "started"))).toBe(true);
      expect(lx(["delete", "--force", id]).code).toBe(0);
    }, 30_000);

  test("no FIFO, socket or fd reachable from inside starts (or stops) the container before lxcri start", async () => {
    const id = "created2";
    const { lx, out, status } = created(id, false);
    const r = lx(["exec", id, "/attack.sh", "poke"], { timeoutMs: 25_000 });
    await Bun.sleep(500);
    const pokes = logLines(join(out, "poke.log"));
    console.log(`exec /attack.sh poke: exit ${r.code}\n  ${pokes.join("\n  ")}`);
    expect({ startedBeforeStart: existsSync(join(out, "started")), status: status() }).toEqual({
      startedBeforeStart: false,
      status: "created",
    });
    expect(pokes.filter((l) => /OPENED|CONNECTED/.test(l))).toEqual([]);
    expect(lx(["start", id], { timeoutMs: 20_000 }).code).toBe(0);
    expect(await settle(() => existsSync(join(out, "started")), 3000)).toBe(true);
    expect(lx(["delete", "--force", id]).code).toBe(0);
  }, 30_000);
});
