// Shared by the integration tests: the real CLI as a process, real bundles
// made from busybox-static, and a census of what a container can leave behind.
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeBundle } from "../scripts/make-bundle.ts";
import type { Spec } from "../src/spec/types.ts";

export const REPO = join(import.meta.dir, "..");
export const LXCRI = join(REPO, "build", "lxcri");

/** Container tests need root, liblxc and the built binaries. In CI they must not skip. */
export const canRunContainers = process.getuid?.() === 0 && existsSync("/usr/lib/x86_64-linux-gnu/liblxc.so.1") && existsSync(LXCRI);
if (!canRunContainers && process.env.LXCRI_REQUIRE_CONTAINER_TESTS === "1")
  throw new Error("container tests required (LXCRI_REQUIRE_CONTAINER_TESTS=1) but not runnable: need root, liblxc and `bun run build`");

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `lxcri-test-${prefix}-`));
}

/** A fresh state root per test file, so tests never see each other's containers. */
export function testRoot(name: string): string {
  const root = join("/run", `lxcri-test-${name}-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  return root;
}

/** After a test file: force-delete whatever a failed test left in `root`, then remove it. */
export function cleanupRoot(root: string): void {
  const list = lxcri(root, ["list", "-q"]);
  for (const id of list.stdout.split("\n").filter(Boolean)) lxcri(root, ["delete", "--force", id]);
  rmSync(root, { recursive: true, force: true });
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunResult extends Result {
  /** Killed for running past `timeoutMs`. */
  timedOut: boolean;
  ms: number;
}

/**
 * Runs a command and waits for it to exit (killed with SIGKILL after
 * `timeoutMs`, when given). Output goes through files, not pipes: a container
 * inherits create's stdio, so a pipe would stay open as long as the container
 * runs (the same holds for runc). `stdout`: an fd to give it instead.
 */
export function runCommand(
  cmd: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; stdin?: string; stdout?: number; timeoutMs?: number } = {},
): RunResult {
  const dir = tempDir("io");
  const outFile = join(dir, "stdout");
  const errFile = join(dir, "stderr");
  const out = opts.stdout ?? openSync(outFile, "w");
  const err = openSync(errFile, "w");
  const started = performance.now();
  try {
    const p = Bun.spawnSync({
      cmd,
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdin: opts.stdin === undefined ? "ignore" : new TextEncoder().encode(opts.stdin),
      stdout: out,
      stderr: err,
      ...(opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs, killSignal: "SIGKILL" }),
    });
    return {
      code: p.exitCode ?? 128 + 9,
      stdout: opts.stdout === undefined ? readFileSync(outFile, "utf8") : "",
      stderr: readFileSync(errFile, "utf8"),
      timedOut: p.exitedDueToTimeout === true,
      ms: performance.now() - started,
    };
  } finally {
    if (opts.stdout === undefined) closeSync(out);
    closeSync(err);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the CLI (build/lxcri) with state root `root` and waits for it to exit (runCommand). */
export function lxcri(root: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; stdout?: number } = {}): Result {
  const { code, stdout, stderr } = runCommand([LXCRI, "--root", root, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdout: opts.stdout,
  });
  return { code, stdout, stderr };
}

export function state(root: string, id: string): { status: string; pid: number; bundle: string } & Record<string, unknown> {
  const r = lxcri(root, ["state", id]);
  if (r.code !== 0) throw new Error(`state ${id}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A busybox bundle running `args`, with `edit` applied to its config.json. */
export function bundle(args: string[], edit?: (s: Spec) => void): string {
  const dir = tempDir("bundle");
  makeBundle(dir, args);
  if (edit) {
    const file = join(dir, "config.json");
    const spec = JSON.parse(readFileSync(file, "utf8")) as Spec;
    edit(spec);
    writeFileSync(file, JSON.stringify(spec, null, 2));
  }
  return dir;
}

/** Polls `cond` every `everyMs` until it holds or `ms` pass; whether it held. Never throws. */
export async function settle(cond: () => boolean, ms: number, everyMs = 50): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await Bun.sleep(everyMs);
  }
  return cond();
}

/** Waits until `cond` holds; throws naming `what` when it does not within `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  if (!(await settle(cond, timeoutMs, 10))) throw new Error(`timed out waiting for ${what}`);
}

/**
 * Cgroup directories below /sys/fs/cgroup (any hierarchy) whose name matches, at most
 * `maxDepth` levels below a hierarchy's root; a match is not searched further.
 */
export function cgroupDirsWhere(matches: (name: string) => boolean, maxDepth: number): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries)
      if (e.isDirectory()) {
        const p = join(dir, e.name);
        if (matches(e.name)) found.push(p);
        else if (depth < maxDepth) walk(p, depth + 1);
      }
  };
  walk("/sys/fs/cgroup", 0);
  return found;
}

/**
 * liblxc's names for a container's cgroups, as the census knows them: lxc.payload.<id>
 * and lxc.monitor.<id>, with "-<n>" added when the plain name was taken. Written
 * here, not taken from src/: a bug in the runtime's own naming must not hide a leak.
 */
export function isContainerCgroup(name: string, id: string): boolean {
  return ["payload", "monitor"].some(
    (kind) => name.startsWith(`lxc.${kind}.${id}`) && /^(-\d+)?$/.test(name.slice(`lxc.${kind}.${id}`.length)),
  );
}

/**
 * Everything a container with this id could leave on the host: its runtime
 * directory, its cgroups (isContainerCgroup, at most 3 levels below a
 * hierarchy's root), a mount naming it, a process of it. Empty means clean.
 * It walks /sys/fs/cgroup and /proc itself rather than asking src/, so a bug in
 * the runtime's own search cannot hide a leak from the tests.
 */
export function leftovers(root: string, id: string): string[] {
  const found: string[] = [];
  if (existsSync(join(root, id))) found.push(`runtime dir ${join(root, id)}`);
  for (const d of cgroupDirsWhere((n) => isContainerCgroup(n, id), 3)) found.push(`cgroup ${d}`);
  const mounts = readFileSync("/proc/self/mountinfo", "utf8");
  if (mounts.includes(`/${id}/`)) found.push("a mount naming the container");
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmd.includes(`\0${id}\0`) && cmd.includes(root)) found.push(`process ${pid}: ${cmd.replace(/\0/g, " ")}`);
    } catch {
      /* gone */
    }
  }
  return found;
}
