// Local user → root through code loading: root runs the
// installed lxcri; any code it loads or runs must come from files only root can
// write. Found: with lxcri and lxcri-launcher copied to a bin directory (as the
// README says), create and exec dlopen $TMPDIR/lib/lxcri-<name>-<hash>.so, or
// compile an existing $TMPDIR/lxcri-<name>-<hash>.c; the hash is computable,
// so files planted by nobody ran as root.
//
// Two tests per installed layout, neither tied to today's file names:
//  - the attack: a lifecycle under strace shows every path the runtime looked
//    for code at or executed; nobody plants, at each such path in a directory it
//    can write, a shared object with a constructor / C source / a script that
//    leaves a marker; then root runs the lifecycle again: no marker;
//  - the class: under strace, no file executed, and no shared object, C source
//    or header opened or looked for, lies where a non-root user could put it
//    (every component of its path is root's and not group/other-writable).
// runc 1.1.5 is one static binary and loads nothing at run time.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { canRunContainers, testRoot } from "../../helpers.ts";
import {
  cleanEnv,
  cleanupAttackRoot,
  CODE_FILE,
  evilCSource,
  evilSharedObject,
  hostMarker,
  installedCopy,
  NOBODY,
  parseStrace,
  removeInstalledCopies,
  removeScratch,
  run,
  safeBundle,
  scratchCwd,
  settle,
  straceCommand,
  tempDir,
  type TracedCall,
  unsafeComponent,
} from "./attack-helpers.ts";

const root = testRoot("attack-code");
afterAll(() => {
  cleanupAttackRoot(root);
  removeInstalledCopies();
  removeScratch();
}, 60_000);

// Without an install script the README's own layout (lxcri and lxcri-launcher alone) is attacked too.
const LAYOUTS = existsSync(join(import.meta.dir, "../../../scripts/install.sh")) ? (["full"] as const) : (["readme", "full"] as const);

/** A world-writable TMPDIR, as /tmp is. */
function worldTmp(): string {
  const t = tempDir("tmpdir");
  chmodSync(t, 0o1777);
  return t;
}

/**
 * create, state, start, exec, ps, kill, delete of one container with `exe`.
 * With `traceDir`, each command runs under strace -f (create's strace follows
 * the container's init until it dies, so create runs in the background until
 * kill); returns every traced call.
 */
async function lifecycle(
  exe: string,
  id: string,
  env: Record<string, string>,
  traceDir?: string,
): Promise<{ calls: TracedCall[]; log: string[] }> {
  const b = safeBundle(["sleep", "60"]);
  const lx = (args: string[], n: string) =>
    run([...(traceDir ? straceCommand(join(traceDir, n)) : []), exe, "--root", root, ...args], { env, timeoutMs: 20_000 });
  const log: string[] = [];
  const note = (what: string, r: { code: number; stderr: string }) => log.push(`${what}: exit ${r.code} ${r.stderr.trim().slice(0, 200)}`);
  let tracedCreate: ReturnType<typeof Bun.spawn> | undefined;
  if (traceDir) {
    const out = openSync(join(traceDir, "create.out"), "w");
    tracedCreate = Bun.spawn([...straceCommand(join(traceDir, "0-create")), exe, "--root", root, "create", "--bundle", b, id], {
      env,
      cwd: scratchCwd(),
      stdin: "ignore",
      stdout: out,
      stderr: out,
    });
    closeSync(out);
    // create itself has exited once strace reports its first process gone
    const file = join(traceDir, "0-create");
    await settle(() => {
      const text = existsSync(file) ? readFileSync(file, "utf8") : "";
      const first = /^(\d+) /.exec(text)?.[1];
      return first !== undefined && new RegExp(`^${first} +\\+\\+\\+ (exited|killed)`, "m").test(text);
    }, 20_000);
    log.push(`create: ${readFileSync(join(traceDir, "create.out"), "utf8").trim().slice(0, 200)}`);
  } else note("create", lx(["create", "--bundle", b, id], "0-create"));
  note("state", lx(["state", id], "1-state"));
  note("start", lx(["start", id], "2-start"));
  note("exec", lx(["exec", id, "true"], "3-exec"));
  note("ps", lx(["ps", id], "4-ps"));
  note("kill", lx(["kill", id, "KILL"], "5-kill"));
  await Bun.sleep(200);
  note("delete", lx(["delete", "--force", id], "6-delete"));
  if (tracedCreate) {
    const exited = await Promise.race([tracedCreate.exited, Bun.sleep(10_000).then(() => null)]);
    if (exited === null) tracedCreate.kill("SIGKILL");
  }
  const calls = traceDir
    ? readdirSync(traceDir)
        .filter((f) => /^\d-/.test(f))
        .flatMap((f) => parseStrace(readFileSync(join(traceDir, f), "utf8")))
    : [];
  return { calls, log };
}

/** Calls that executed, or opened or looked for code, at a path a non-root user could have put there. */
function unsafeCode(calls: TracedCall[]): string[] {
  const seen = new Set<string>();
  for (const c of calls) {
    if (c.kind !== "exec" && !CODE_FILE.test(c.path)) continue;
    const why = unsafeComponent(c.path);
    if (why) seen.add(`${c.kind} ${c.path} (${c.call}): ${why}`);
  }
  return [...seen].sort();
}

describe.skipIf(!canRunContainers)("attack: a local user plants code the runtime loads", () => {
  for (const layout of LAYOUTS) {
    test(`nobody plants shared objects, C sources and programs where the installed copy (${layout} layout) looks for them; root's lifecycle runs none`, async () => {
      const exe = installedCopy({ layout });
      const T = worldTmp();
      const env = cleanEnv({ TMPDIR: T });
      // 1. where does the runtime look? (an attacker reads the same from the binary)
      const trace = tempDir("trace");
      const seen = await lifecycle(exe, `code-${layout}-a`, env, trace);
      const targets = [
        ...new Set(seen.calls.filter((c) => (c.kind === "exec" || CODE_FILE.test(c.path)) && unsafeComponent(c.path)).map((c) => c.path)),
      ];
      // what the runtime wrote there itself names the functions it will call
      const legit = targets
        .filter((p) => p.endsWith(".c") && existsSync(p))
        .map((p) => readFileSync(p, "utf8"))
        .join("\n");
      for (const e of readdirSync(T)) rmSync(join(T, e), { recursive: true, force: true }); // a fresh TMPDIR, before root ever used it
      // 2. nobody plants
      const marker = hostMarker();
      const staged = tempDir("staged");
      chmodSync(staged, 0o755);
      writeFileSync(join(staged, "evil.c"), evilCSource(marker, legit));
      writeFileSync(join(staged, "evil.sh"), `#!/bin/sh\ntouch ${marker}\n`);
      writeFileSync(join(staged, "evil.so"), readFileSync(evilSharedObject(marker)));
      for (const f of readdirSync(staged)) chmodSync(join(staged, f), 0o755);
      const planted: string[] = [];
      for (const target of targets) {
        const kind = /\.so(\.\d+)*$/.test(target) ? "evil.so" : /\.[ch]$/.test(target) ? "evil.c" : "evil.sh";
        const r = run(["sh", "-c", 'mkdir -p "$(dirname "$1")" && cp "$2" "$1" && chmod 755 "$1"', "-", target, join(staged, kind)], {
          as: NOBODY,
        });
        if (r.code === 0) planted.push(`${target} (${kind})`);
      }
      console.log(
        `${layout} layout: the runtime looked at ${targets.length} places a non-root user can write; nobody planted:\n  ${planted.join("\n  ") || "(nothing)"}`,
      );
      // 3. root runs the lifecycle
      const attacked = await lifecycle(exe, `code-${layout}-b`, env);
      console.log(`  root's lifecycle: ${attacked.log.join("; ")}`);
      expect({ layout, plantedCodeRanAsRoot: existsSync(marker) }).toEqual({ layout, plantedCodeRanAsRoot: false });
    }, 30_000);

    test(`under strace, the installed copy (${layout} layout) executes and loads code only from root-only paths`, async () => {
      const exe = installedCopy({ layout });
      const trace = tempDir("trace");
      const { calls, log } = await lifecycle(exe, `code-${layout}-c`, cleanEnv({ TMPDIR: worldTmp() }), trace);
      const execs = [...new Set(calls.filter((c) => c.kind === "exec").map((c) => c.path))];
      console.log(`${layout} layout: ${log.join("; ")}; ${calls.length} calls traced; executed: ${execs.join(" ")}`);
      expect(calls.filter((c) => c.kind === "exec" && basename(c.path) === "lxcri").length).toBeGreaterThan(0); // the trace worked
      expect(unsafeCode(calls)).toEqual([]);
    }, 30_000);
  }
});
