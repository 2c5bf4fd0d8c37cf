// What the attack tests (this folder, and test/tools/runc-attacks.ts) share
// beyond test/helpers.ts: an installed copy of lxcri to attack instead of
// build/, the attacker's static C programs, real unprivileged users, and
// snapshots of what on the host must not change. Everything here is about
// behaviour, not about today's internals.
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { makeBundle } from "../../../scripts/make-bundle.ts";
import { KNOWN_CAPABILITIES } from "../../../src/lxc/capabilities.ts";
import type { Mount, Spec } from "../../../src/spec/types.ts";
import {
  cgroupDirsWhere,
  LXCRI,
  bundle as makeTestBundle,
  REPO,
  type RunResult,
  runCommand,
  tempDir as untrackedTempDir,
} from "../../helpers.ts";

export type { RunResult };
export { settle } from "../../helpers.ts";

const scratchDirs: string[] = [];

/** A temporary directory that removeScratch() removes (tests must leave nothing behind). */
export function tempDir(prefix: string): string {
  const d = untrackedTempDir(prefix);
  scratchDirs.push(d);
  return d;
}

/** helpers.ts bundle(), removed by removeScratch(). */
export function bundle(args: string[], edit?: (s: Spec) => void): string {
  const d = makeTestBundle(args, edit);
  scratchDirs.push(d);
  return d;
}

/** Removes every directory tempDir(), bundle() and compileTool() made in this process. */
export function removeScratch(): void {
  for (const d of scratchDirs.splice(0)) rmSync(d, { recursive: true, force: true });
  toolCache.clear();
}

const toolCache = new Map<string, string>();

export const NOBODY = 65534;
/** The host uid a user namespace maps the container's root to, in these tests. */
export const MAPPED_ROOT = 100000;
/** Every installed copy lives in a directory whose name has this in it; the exe-overwrite payload writes nowhere else. */
export const PREFIX_TAG = "lxcri-attack-prefix";

const prefixes: string[] = [];

/**
 * The path of an lxcri executable in a fresh temporary prefix, root's and 0755
 * all the way up (under /run, not the world-writable /tmp): `bash
 * scripts/install.sh <prefix>` when that script exists, else today's layout
 * copied from build/ into <prefix>/bin. `layout: "readme"` (only while there
 * is no install script) copies just lxcri and lxcri-launcher, as the README
 * says users may. Attacks on the runtime's binary target this copy, never build/.
 */
export function installedCopy(opts: { layout?: "full" | "readme" } = {}): string {
  const prefix = mkdtempSync(`/run/${PREFIX_TAG}-`);
  chmodSync(prefix, 0o755);
  prefixes.push(prefix);
  const script = join(REPO, "scripts", "install.sh");
  let exe: string;
  if (existsSync(script)) {
    const r = Bun.spawnSync(["bash", script, prefix], { cwd: REPO, stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`scripts/install.sh ${prefix} failed: ${r.stderr.toString()}`);
    exe = join(prefix, "bin", "lxcri");
  } else {
    const bin = join(prefix, "bin");
    mkdirSync(bin, { mode: 0o755 });
    const build = dirname(LXCRI);
    const wanted = (f: string) =>
      opts.layout === "readme" ? f === "lxcri" || f === "lxcri-launcher" : /^lxcri(-launcher|-monitor|-.*\.so)?$/.test(f);
    for (const f of readdirSync(build).filter(wanted)) {
      copyFileSync(join(build, f), join(bin, f));
      chmodSync(join(bin, f), 0o755);
    }
    exe = join(bin, "lxcri");
  }
  // The payloads of these tests may write into this file: make sure it is not build/'s or the system's.
  const real = realpathSync(exe);
  if (!real.startsWith(prefix + "/") || real.startsWith(REPO) || statSync(real).ino === statSync(LXCRI).ino)
    throw new Error(`installed copy ${real} is not a copy in ${prefix}`);
  return exe;
}

/** The prefix directory of an installedCopy() executable. */
export function prefixOf(exe: string): string {
  return prefixes.find((p) => exe.startsWith(p + "/")) ?? dirname(dirname(exe));
}

/** Removes every prefix installedCopy() made in this process. */
export function removeInstalledCopies(): void {
  for (const p of prefixes.splice(0)) rmSync(p, { recursive: true, force: true });
}

/** The environment to run an installed copy with: nothing that points lxcri at build/ or another helper. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("LXCRI_")) env[k] = v;
  return { ...env, ...extra };
}

let cwdDir: string | undefined;

/**
 * The working directory commands run in: a scratch directory, never the
 * checkout (a hook an attack injects may write relative paths: liblxc runs
 * hooks with the container's name as an argument, `touch` makes it a file).
 */
export function scratchCwd(): string {
  if (!cwdDir || !existsSync(cwdDir)) cwdDir = tempDir("cwd");
  return cwdDir;
}

/**
 * Runs a command to completion (test/helpers.ts runCommand), killed after
 * `timeoutMs` (30 s unless told), in scratchCwd() with cleanEnv() unless told.
 * `as` runs it as that host uid and gid with no groups (setpriv).
 */
export function run(
  cmd: string[],
  opts: { env?: Record<string, string>; as?: number; timeoutMs?: number; cwd?: string; stdin?: string } = {},
): RunResult {
  const full = opts.as === undefined ? cmd : ["setpriv", `--reuid=${opts.as}`, `--regid=${opts.as}`, "--clear-groups", "--", ...cmd];
  return runCommand(full, {
    cwd: opts.cwd ?? scratchCwd(),
    env: opts.env ?? cleanEnv(),
    stdin: opts.stdin,
    timeoutMs: opts.timeoutMs ?? 30_000,
  });
}

/** An lxcri executable (installed copy or build/'s) with a state root. */
export function runtime(exe: string, root: string) {
  return (args: string[], opts: Parameters<typeof run>[1] = {}) =>
    run([exe, "--root", root, ...args], { ...opts, env: opts.env ?? cleanEnv() });
}

/** Force-deletes every container under `root` (with build/'s lxcri: an attacked copy may be broken) and removes it. */
export function cleanupAttackRoot(root: string): void {
  if (existsSync(root)) {
    for (const id of readdirSync(root)) {
      if (!existsSync(join(root, id)) || !lstatSync(join(root, id)).isDirectory()) continue;
      run([LXCRI, "--root", root, "delete", "--force", id], { env: { ...process.env } as Record<string, string> });
    }
  }
  rmSync(root, { recursive: true, force: true });
}

export function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** sha256 of every file under dir (regular files; links by target). */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isSymbolicLink()) out[p] = `-> ${readlinkSync(p)}`;
      else if (e.isFile()) out[p] = sha256(p);
      else out[p] = "special";
    }
  };
  walk(dir);
  return out;
}

/** Every entry under dir with its type, mode, owner, size and (files) content hash: "this directory is untouched". */
export function snapshotTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      const st = lstatSync(p);
      let what = `${p} ${st.mode.toString(8)} ${st.uid}:${st.gid}`;
      if (e.isSymbolicLink()) what += ` -> ${readlinkSync(p)}`;
      else if (e.isFile()) what += ` ${st.size} ${sha256(p)}`;
      out.push(what);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** The host's mount table as "mountpoint root fstype source" lines (this process's mount namespace = the host's). */
export function hostMounts(): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [pre, post] = l.split(" - ");
      const f = pre!.split(" ");
      const g = post!.split(" ");
      return `${f[4]} ${f[3]} ${g[0]} ${g[1]}`;
    })
    .sort();
}

/**
 * Mounts on the host now that were not in `before`. Other tests on the machine
 * (other worktrees' podman, containerd…) mount things too: with `mentioning`,
 * only new mounts whose mount point, root or source contains one of those
 * strings (the paths the attack aimed at) count.
 */
export function newMounts(before: string[], mentioning?: string[]): string[] {
  const seen = new Map<string, number>();
  for (const m of before) seen.set(m, (seen.get(m) ?? 0) + 1);
  const added: string[] = [];
  for (const m of hostMounts()) {
    const n = seen.get(m) ?? 0;
    if (n > 0) seen.set(m, n - 1);
    else if (!mentioning || mentioning.some((x) => m.includes(x))) added.push(m);
  }
  return added;
}

/** A host directory for a container to write results into (bind-mounted at /out), writable by anyone. */
export function outDir(name: string): string {
  const d = tempDir(name);
  chmodSync(d, 0o777);
  return d;
}

export function outMount(dir: string, destination = "/out"): Mount {
  return { destination, type: "bind", source: dir, options: ["rbind", "rw"] };
}

/** Makes every directory from `dir` up to / traversable by others (bundles are 0700 temp dirs). */
export function openUp(dir: string): void {
  for (let d = dir; d !== "/"; d = dirname(d)) chmodSync(d, statSync(d).mode | 0o055);
}

/** Compiles test/attack-tools/<name>.c once per process with `flags`; returns the binary's path (root's, 0755). */
export function compileTool(name: string, flags: string[] = ["-static", "-O1"]): string {
  const key = `${name} ${flags.join(" ")}`;
  const cached = toolCache.get(key);
  if (cached && existsSync(cached)) return cached;
  const dir = tempDir("tools");
  chmodSync(dir, 0o755);
  const out = join(dir, name);
  const r = Bun.spawnSync(["gcc", ...flags, "-o", out, join(REPO, "test", "attack-tools", `${name}.c`)], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (r.exitCode !== 0) throw new Error(`gcc ${name}.c: ${r.stderr.toString()}`);
  toolCache.set(key, out);
  return out;
}

/** The attacker's multi-tool (test/attack-tools/tool.c), statically linked. */
export const attackTool = () => compileTool("tool");
/** The fake /lib64/ld-linux-x86-64.so.2 (test/attack-tools/fake-ld.c): freestanding, position-independent, no relocations. */
export const fakeLoader = () => compileTool("fake-ld", ["-O0", "-static-pie", "-nostdlib", "-fPIE", "-fno-stack-protector"]);

/** Copies a host file into a bundle's rootfs at `path` (mode 0755). */
export function plant(bundleDir: string, path: string, from: string | { text: string }, mode = 0o755): void {
  const dest = join(bundleDir, "rootfs", path);
  mkdirSync(dirname(dest), { recursive: true });
  rmSync(dest, { force: true });
  if (typeof from === "string") copyFileSync(from, dest);
  else writeFileSync(dest, from.text);
  chmodSync(dest, mode);
}

/** A host file an attack would create (and nothing else would), in a fresh directory; the test asserts it never appears. */
export function hostMarker(name = "marker"): string {
  const d = tempDir("marker");
  chmodSync(d, 0o777); // anyone, in any namespace, could create it
  return join(d, name);
}

/** "status: value" lines of /proc/<pid>/status (or a dump of one) as a record. */
export function statusFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/**
 * Why `path` (a file the runtime executed or loaded) could be replaced by a
 * user other than root: the first existing component (from / down) that is not
 * root's or is writable by group or others. undefined when none is.
 */
export function unsafeComponent(path: string): string | undefined {
  if (!path.startsWith("/")) return `${path}: relative`;
  const parts = path.split("/").filter(Boolean);
  let cur = "/";
  for (let i = 0; i <= parts.length; i++) {
    let st;
    try {
      st = lstatSync(cur);
    } catch {
      return undefined; // does not exist: its parent, already checked, decides who can create it
    }
    if (st.uid !== 0) return `${cur} is owned by uid ${st.uid}`;
    if (!st.isSymbolicLink() && st.mode & 0o022) return `${cur} is writable by group or others (mode ${(st.mode & 0o7777).toString(8)})`;
    if (st.isSymbolicLink() && i < parts.length) {
      // follow it: what it points to must be safe as well
      const target = readlinkSync(cur);
      const rest = parts.slice(i).join("/");
      const next = target.startsWith("/") ? join(target, rest) : join(dirname(cur), target, rest);
      return unsafeComponent(next);
    }
    if (i < parts.length) cur = join(cur, parts[i]!);
  }
  return undefined;
}

/** Gives a file or directory to a user. */
export function giveTo(path: string, uid: number): void {
  chownSync(path, uid, uid);
}

/** runc, for "what runc does for the same attack" (Debian's 1.1.5). */
export const RUNC = ["/usr/sbin/runc", "/usr/bin/runc"].find((p) => existsSync(p));

/** Lines of a log file, or [] when there is none. */
export function logLines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];
}

export { mkdtempSync };

/** Every Linux capability up to CAP_CHECKPOINT_RESTORE (40): a process given all of them. */
export const ALL_CAPS = KNOWN_CAPABILITIES;

/** ALL_CAPS that this host's bounding set has (root here may lack some, e.g. CAP_SYS_RESOURCE). */
export function hostCaps(): string[] {
  const bnd = BigInt("0x" + statusFields(readFileSync("/proc/self/status", "utf8")).CapBnd);
  return ALL_CAPS.filter((_, i) => (bnd >> BigInt(i)) & 1n);
}

/**
 * A process.json for `exec --process`: the container's own process from its
 * bundle's config.json with `args`, and all of hostCaps() when `allCaps`.
 */
export function processFile(bundleDir: string, args: string[], opts: { allCaps?: boolean; env?: string[]; cwd?: string } = {}): string {
  const proc = JSON.parse(readFileSync(join(bundleDir, "config.json"), "utf8")).process;
  proc.args = args;
  if (opts.allCaps) {
    const caps = hostCaps();
    proc.capabilities = { bounding: caps, effective: caps, permitted: caps };
  }
  if (opts.env) proc.env = opts.env;
  if (opts.cwd) proc.cwd = opts.cwd;
  const file = join(tempDir("process"), "process.json");
  writeFileSync(file, JSON.stringify(proc));
  return file;
}

/** Cgroup directories (any hierarchy, any depth ≤ 6) whose path contains `tag`. */
export function cgroupsNamed(tag: string): string[] {
  return cgroupDirsWhere((name) => name.includes(tag), 6);
}

/** Removes (deepest first) the cgroup directories cgroupsNamed(tag) finds: a test's own, left by a failed create. */
export function removeCgroupsNamed(tag: string): void {
  const all: string[] = [];
  const collect = (d: string) => {
    all.push(d);
    try {
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) collect(join(d, e.name));
    } catch {
      /* gone */
    }
  };
  for (const d of cgroupsNamed(tag)) collect(d);
  for (const d of all.sort((a, b) => b.length - a.length))
    try {
      rmdirSync(d);
    } catch {
      /* not empty (a process in it) or gone */
    }
}

/** A root-owned 0755 directory outside the world-writable /tmp (removed by removeScratch()). */
export function safeDir(name: string): string {
  const d = mkdtempSync(`/run/lxcri-attack-${name}-`);
  chmodSync(d, 0o755);
  scratchDirs.push(d);
  return d;
}

/** A busybox bundle in a safeDir(): nothing on its host path is writable by anyone but root. */
export function safeBundle(args: string[]): string {
  const d = safeDir("bundle");
  makeBundle(d, args);
  return d;
}

/** A shared object whose constructor appends to `marker` (test/attack-tools/evil-so.c). */
export function evilSharedObject(marker: string): string {
  const out = join(tempDir("evil-so"), "evil.so");
  const r = Bun.spawnSync(["gcc", "-shared", "-fPIC", `-DMARKER="${marker}"`, "-o", out, join(REPO, "test", "attack-tools", "evil-so.c")], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (r.exitCode !== 0) throw new Error(`gcc evil-so.c: ${r.stderr.toString()}`);
  chmodSync(dirname(out), 0o755);
  chmodSync(out, 0o755);
  return out;
}

/**
 * C source for a root process that compiles and runs what it finds (TinyCC: no
 * headers, no libc): a constructor and every function `legit` (the source the
 * runtime itself wrote there) exports, each appending to `marker` with a raw
 * creat(2) before anything else.
 */
export function evilCSource(marker: string, legit = ""): string {
  const exported = new Set<string>();
  for (const m of legit.matchAll(/^(?!static\b|typedef\b|struct\b[^(]*;|#)[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)\s*\([^;{]*\)\s*\{/gm))
    exported.add(m[1]!);
  const pwn = `static void planted(void) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(85L), "D"(${JSON.stringify(marker)}), "S"(438L) : "rcx", "r11", "memory");
}
__attribute__((constructor)) static void planted_ctor(void) { planted(); }
`;
  return `/* planted by an unprivileged user */\n${pwn}${[...exported].map((f) => `long ${f}(long a, long b, long c, long d) { planted(); return -1; }\n`).join("")}`;
}

export interface TracedCall {
  pid: number;
  call: string;
  /** The path as the process gave it, resolved against the directory fd strace decoded (-y) when relative. */
  path: string;
  /** "exec", "read" (opened without write access), "write" (opened for writing or created), "probe" (stat/access) */
  kind: "exec" | "read" | "write" | "probe";
  line: string;
}

/** The strace(1) command that traces a process tree's file and exec calls into `out`. */
export function straceCommand(out: string): string[] {
  return [
    "strace",
    "-f",
    "-q",
    "-y",
    "-s",
    "4096",
    "-o",
    out,
    "-e",
    "trace=execve,execveat,open,openat,openat2,stat,lstat,newfstatat,statx,access,faccessat,faccessat2",
  ];
}

/** The calls in strace -f -y output (unfinished calls count: what matters is what was attempted). */
export function parseStrace(text: string): TracedCall[] {
  const calls: TracedCall[] = [];
  const unq = (s: string) => s.replace(/\\x([0-9a-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))).replace(/\\(["\\])/g, "$1");
  for (const line of text.split("\n")) {
    const m = /^(\d+) +(\w+)\((.*)$/.exec(line);
    if (!m) continue;
    const [, pid, call, rest] = m as unknown as [string, string, string, string];
    let dir: string | undefined;
    let path: string | undefined;
    let tail = "";
    const withFd = /^(?:AT_FDCWD|-?\d+)(?:<([^>]*)>)?, "((?:[^"\\]|\\.)*)"(.*)$/.exec(rest);
    const plain = /^"((?:[^"\\]|\\.)*)"(.*)$/.exec(rest);
    if (["openat", "openat2", "newfstatat", "statx", "faccessat", "faccessat2", "execveat"].includes(call) && withFd) {
      dir = withFd[1];
      path = unq(withFd[2]!);
      tail = withFd[3]!;
    } else if (["open", "stat", "lstat", "access", "execve"].includes(call) && plain) {
      path = unq(plain[1]!);
      tail = plain[2]!;
    }
    if (path === undefined || path === "") continue;
    const resolved = path.startsWith("/") || dir === undefined ? path : join(dir, path);
    const kind = call.startsWith("exec")
      ? "exec"
      : call.startsWith("open")
        ? /O_WRONLY|O_RDWR|O_CREAT/.test(tail)
          ? "write"
          : "read"
        : "probe";
    calls.push({ pid: Number(pid), call, path: resolved, kind, line });
  }
  return calls;
}

/** Code a process could load: shared objects, C sources and headers (compiled at run time). */
export const CODE_FILE = /\.(so(\.\d+)*|c|h)$/;

/** pid and all its descendants (by /proc ppid links). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(p)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/**
 * Runs a command while watching its peak resident memory (VmHWM): it and its
 * descendants are killed when it runs longer than `timeoutMs` or grows past
 * `killAboveKb`, so a test of a memory bomb cannot hurt the machine.
 */
export async function measure(
  cmd: string[],
  opts: { env?: Record<string, string>; timeoutMs: number; killAboveKb: number },
): Promise<RunResult & { rssKb: number; killedFor?: "time" | "memory" }> {
  const dir = tempDir("measure");
  const outFd = openSync(join(dir, "out"), "w");
  const errFd = openSync(join(dir, "err"), "w");
  const started = performance.now();
  const p = Bun.spawn(cmd, { env: opts.env ?? cleanEnv(), cwd: scratchCwd(), stdin: "ignore", stdout: outFd, stderr: errFd });
  closeSync(outFd);
  closeSync(errFd);
  let rssKb = 0;
  let killedFor: "time" | "memory" | undefined;
  let done = false;
  void p.exited.then(() => (done = true));
  while (!done) {
    try {
      const hwm = Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync(`/proc/${p.pid}/status`, "utf8"))?.[1] ?? 0);
      rssKb = Math.max(rssKb, hwm);
    } catch {
      /* exiting */
    }
    const over = rssKb > opts.killAboveKb ? "memory" : performance.now() - started > opts.timeoutMs ? "time" : undefined;
    if (over && !killedFor) {
      killedFor = over;
      for (const pid of descendants(p.pid).reverse())
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* gone */
        }
    }
    await Bun.sleep(10);
  }
  const code = await p.exited;
  return {
    code,
    stdout: readFileSync(join(dir, "out"), "utf8"),
    stderr: readFileSync(join(dir, "err"), "utf8"),
    timedOut: killedFor === "time",
    ms: performance.now() - started,
    rssKb,
    killedFor,
  };
}

/**
 * Destroys a cgroup-v1 named hierarchy an attack made (it outlives the
 * container's mount when a cgroup was left in it): mounted in a private mount
 * namespace, emptied of child cgroups, its release_agent cleared, unmounted.
 * The host's mount table never sees it. Returns whether it is gone.
 */
export function destroyNamedHierarchy(name: string): boolean {
  const present = () => readFileSync("/proc/self/cgroup", "utf8").includes(`:name=${name}:`);
  if (!present()) return true;
  const d = tempDir("cg");
  // a cgroup whose last process is still exiting cannot be removed yet: a few tries
  for (let i = 0; i < 10 && present(); i++) {
    run([
      "unshare",
      "-m",
      "--propagation",
      "private",
      "sh",
      "-c",
      `mount -t cgroup -o none,name=${name} cgroup "$1" && { find "$1" -mindepth 1 -depth -type d -exec rmdir {} \\; ; echo > "$1/release_agent"; umount "$1"; }`,
      "-",
      d,
    ]);
    if (present()) Bun.sleepSync(300);
  }
  return !present();
}
