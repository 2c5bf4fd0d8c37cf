// exec: a new process in a running (or created) container. A forked C child
// (ffi/exec.c lxcri_enter_exec) joins the container's cgroups and namespaces,
// as runc's nsenter does — liblxc's attach would need liblxc's monitor, which
// is gone once the container is created — and clones the process, which runs
// the same security context the launcher gives init (seccomp, the five
// capability sets, the user, rlimits, no_new_privs) and execs. It is our
// child, so with --detach it is re-parented to the caller (conmon and
// containerd-shim are subreapers) and its pid goes to the pid-file.
import { openSync, readFileSync, readlinkSync, readSync } from "node:fs";
import { enterExec, execStepName } from "../../ffi/exec.ts";
import { closeFd, connectUnix, sendFd } from "../../ffi/fd-passing.ts";
import { errno, libc, reapChild, sys } from "../../ffi/libc.ts";
import { openPty, setWindowSize } from "../../ffi/pty.ts";
import { prepareSeccomp } from "../../ffi/seccomp.ts";
import { type Context, containerDir } from "../context.ts";
import { LxcriError } from "../errors.ts";
import { writeAtomic } from "../host/fsutil.ts";
import { homeOf, pathCandidates } from "../host/lookup.ts";
import { checkId } from "./ids.ts";
import { inheritedFds } from "../host/inherited-fds.ts";
import { payloadCgroups } from "../cgroups/container.ts";
import { processCapabilities } from "../lxc/capabilities.ts";
import { MAX_NODES, parseList, processAttrs } from "../lxc/process-attrs.ts";
import { seccompPlan } from "../lxc/seccomp.ts";
import { readRecord, readStoredSpec } from "./record.ts";
import { RLIMITS } from "../spec/rlimits.ts";
import type { Process } from "../spec/types.ts";
import { statusOf } from "./status.ts";
import { join } from "node:path";
import { ptr } from "bun:ffi";

export interface ExecOptions {
  /** The process to run (runtime-spec `process`). */
  process: Process;
  /** Return once the process runs instead of waiting for it. */
  detach?: boolean;
  /** Where to write the process's host pid. */
  pidFile?: string;
  /** With process.terminal: where to send the pty master (runc's console-socket protocol). */
  consoleSocket?: string;
  /** Extra fds (3, 4, … after any LISTEN_FDS) the process gets. */
  preserveFds?: number;
  /** Exec into a paused container too. */
  ignorePaused?: boolean;
}

export interface ExecResult {
  /** Host pid of the process. */
  pid: number;
  /** With a foreground exec: the pty master when process.terminal is set and no console socket was given. */
  ptyMaster?: number;
  /** Waits for the process (our child) and gives its exit code (128+n for signal n). */
  wait(): Promise<number>;
}

const ENOENT = 2;
const EACCES = 13;
const SYS_pipe2 = 293;
const O_CLOEXEC = 0o2000000;

export async function exec(ctx: Context, id: string, opts: ExecOptions): Promise<ExecResult> {
  checkId(id);
  const dir = containerDir(ctx, id);
  const record = readRecord(dir, id);
  const status = statusOf(record);
  if (status === "paused" && !opts.ignorePaused) throw new LxcriError("bad-state", `cannot exec in container ${id}: it is paused`);
  if (status !== "running" && status !== "created" && status !== "paused")
    throw new LxcriError("bad-state", `cannot exec in container ${id}: container not running (it is ${status})`);
  const proc = opts.process;
  if (!proc.args.length) throw new LxcriError("invalid-argument", "exec: process.args must not be empty");
  if (proc.apparmorProfile) throw new LxcriError("invalid-config", "process.apparmorProfile: AppArmor is not supported by lxcri");
  if (proc.selinuxLabel) throw new LxcriError("invalid-config", "process.selinuxLabel: SELinux is not supported by lxcri");
  if (proc.terminal && opts.detach && !opts.consoleSocket)
    throw new LxcriError("invalid-argument", "cannot allocate a tty for a detached exec without --console-socket");
  if (!proc.terminal && opts.consoleSocket) throw new LxcriError("invalid-argument", "--console-socket needs process.terminal (--tty)");
  const spec = readStoredSpec(dir);
  const warnings: string[] = [];
  const caps = processCapabilities(proc, (m) => warnings.push(m));
  for (const w of warnings) ctx.log.warn(w);

  // Socket activation (runc): LISTEN_FDS meant for us are passed on as the process's 3, 4, …
  const env = [...(proc.env ?? [])];
  const fds = inheritedFds(env, opts.preserveFds ?? 0);
  if (!env.some((e) => e.startsWith("HOME="))) env.push(`HOME=${homeOf(proc.user.uid, `/proc/${record.initPid}/root`)}`);
  // runtime-spec: for processes exec starts, "initial" before joining the container's cgroups, "final" after
  const cpus = (list: string | undefined, at: string) => (list === undefined ? undefined : parseList(list, at, MAX_NODES));
  const affinity = {
    initial: cpus(proc.execCPUAffinity?.initial, "process.execCPUAffinity.initial"),
    final: cpus(proc.execCPUAffinity?.final, "process.execCPUAffinity.final"),
  };
  const seccomp = spec.linux?.seccomp ? prepareSeccomp(seccompPlan(spec.linux.seccomp), "libseccomp.so.2") : undefined;

  let pty: ReturnType<typeof openPty> | undefined;
  const statusPipe = new Int32Array(2);
  const pidPipe = new Int32Array(2);
  // What only the children need (closed once they are forked), and what is ours to read (closed at the end).
  const forChildren: number[] = [];
  const ours: number[] = [];
  const init = record.initPid!;
  try {
    if (proc.terminal) {
      pty = openPty(`/proc/${init}/root/dev/pts/ptmx`);
      forChildren.push(pty.slave);
      // the master: the caller's through the console socket, else ours to proxy (handed out below)
      (opts.consoleSocket ? forChildren : ours).push(pty.master);
      if (proc.consoleSize) setWindowSize(pty.master, proc.consoleSize.height, proc.consoleSize.width);
      if (opts.consoleSocket) {
        const sock = connectUnix(opts.consoleSocket);
        try {
          sendFd(sock, pty.master, pty.name);
        } finally {
          closeFd(sock);
        }
      }
    }
    for (const fds of [statusPipe, pidPipe]) {
      sys("pipe2", SYS_pipe2, ptr(fds), O_CLOEXEC);
      ours.push(fds[0]!);
      forChildren.push(fds[1]!);
    }
    const nsFds = namespacesOf(init).map((path) => openSync(path, "r"));
    forChildren.push(...nsFds);
    const cgroupFds = payloadCgroups(record).map((d) => openSync(join(d, "cgroup.procs"), "w"));
    forChildren.push(...cgroupFds);
    const intermediate = enterExec(
      {
        paths: pathCandidates(proc.args[0]!, env),
        argv: proc.args,
        env,
        user: { uid: proc.user.uid, gid: proc.user.gid, additionalGids: proc.user.additionalGids ?? [] },
        caps,
        lastCap: Number(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8")),
        rlimits: (proc.rlimits ?? []).map((r) => ({ resource: RLIMITS[r.type]!, soft: r.soft, hard: r.hard })),
        // the container's personality and memory policy; this process's scheduler and I/O priority
        attrs: processAttrs({ ...spec, process: proc }),
        seccomp: seccomp && { ...seccomp, first: !proc.noNewPrivileges },
      },
      {
        cwd: proc.cwd,
        umask: proc.user.umask ?? 0o022,
        noNewPrivileges: !!proc.noNewPrivileges,
        keepFds: fds.highest + 1,
        statusFd: statusPipe[1]!,
        ttyFd: pty?.slave,
        finalCpus: affinity.final,
      },
      { nsFds, cgroupFds, pidFd: pidPipe[1]!, initialCpus: affinity.initial },
    );
    if (intermediate < 0) throw new LxcriError("runtime", `exec: fork: errno ${errno()}`);
    // Only the children hold the write ends now: EOF tells what happened.
    for (const fd of forChildren.splice(0)) closeFd(fd);
    const pid = readExactly(pidPipe[0]!, 4)?.readInt32LE(0);
    while (reapChild(intermediate) === null) await Bun.sleep(1);
    const report = readExactly(statusPipe[0]!, 8);
    const failure = report && { step: report.readInt32LE(0), errno: report.readInt32LE(4) };
    if (failure || pid === undefined) {
      // it exits right after reporting: reap it, or its zombie would hold up the container's exit
      if (pid !== undefined) while (reapChild(pid) === null) await Bun.sleep(1);
      throw new LxcriError(
        "runtime",
        failure ? describeFailure(proc.args[0]!, failure.step, failure.errno) : "exec: the process was not started",
      );
    }
    if (opts.pidFile) writeAtomic(opts.pidFile, String(pid), 0o644);
    const master = pty && !opts.consoleSocket ? pty.master : undefined;
    if (master !== undefined) ours.splice(ours.indexOf(master), 1); // the caller's now
    return {
      pid,
      ptyMaster: master,
      async wait() {
        let code: number | null;
        while ((code = reapChild(pid)) === null) await Bun.sleep(5);
        return code;
      },
    };
  } finally {
    for (const fd of [...forChildren, ...ours]) closeFd(fd);
  }
}

/** The namespaces of `pid` this process is not in, as /proc paths; the user namespace last (joining it drops our host privileges). */
function namespacesOf(pid: number): string[] {
  const out: string[] = [];
  for (const type of ["cgroup", "ipc", "uts", "net", "pid", "time", "mnt", "user"]) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/${type}`) !== readlinkSync(`/proc/self/ns/${type}`)) out.push(`/proc/${pid}/ns/${type}`);
    } catch {
      /* a namespace type this kernel does not have */
    }
  }
  return out;
}

/** `n` bytes from a pipe, or undefined when it reaches EOF first. */
function readExactly(fd: number, n: number): Buffer | undefined {
  const buf = Buffer.alloc(n);
  for (let got = 0; got < n; ) {
    const r = readSync(fd, buf, got, n - got, null);
    if (r === 0) return undefined;
    got += r;
  }
  return buf;
}

/** The texts callers match: podman maps "executable file not found" to 127 and "permission denied" to 126. */
function describeFailure(arg0: string, step: number, err: number): string {
  const text =
    err === ENOENT ? "no such file or directory" : err === EACCES ? "permission denied" : String(libc.strerror(err)).toLowerCase();
  if (execStepName(step) === "exec") {
    if (err === ENOENT && !arg0.includes("/")) return `exec: ${JSON.stringify(arg0)}: executable file not found in $PATH`;
    return `exec: ${JSON.stringify(arg0)}: ${text}`;
  }
  return `exec: ${execStepName(step)}: ${text}`;
}
