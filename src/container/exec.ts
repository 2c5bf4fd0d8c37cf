// exec: a new process in a running (or created) container, made from the
// same process plan as init's (src/lxc/process-plan.ts). The helper
// (lxcri-init exec, ffi/native/enter.c), exec'd from a sealed copy so that no
// writable host file is ever its /proc/self/exe inside the container, joins
// the container's cgroups and namespaces as runc's nsenter does — liblxc's
// attach would need liblxc's monitor, which is gone once the container is
// created — and clones the process, which confines itself and execs. It is
// our child, so with --detach it is re-parented to the caller (conmon and
// containerd-shim are subreapers) and its pid goes to the pid-file. HOME and
// the PATH search happen inside the container, never through host paths.
// Without a profile of its own the process gets the container's AppArmor
// profile (as with runc), which it sets through the host's /proc.
import { join } from "node:path";
import { connectUnix, sendFd } from "../../ffi/fd-passing.ts";
import { callerStdio, closeFd, socketPair } from "../../ffi/fds.ts";
import { reapChild, strerror } from "../../ffi/libc.ts";
import { pidfdClose, pidfdWait } from "../../ffi/pidfd.ts";
import { openPtyIn, setWindowSize } from "../../ffi/pty.ts";
import { sealedExe, sealedMemfd } from "../../ffi/sealed.ts";
import { rootless } from "../host/caller-userns.ts";
import { compileSeccomp } from "../../ffi/seccomp.ts";
import { driverOf } from "../cgroups/driver.ts";
import { parseSubCgroups } from "../cgroups/sub-cgroups.ts";
import type { Context } from "../context.ts";
import { decodeError, decodePid, FRAME, type NativeFailure } from "../contract/frames.ts";
import { nativeError } from "../contract/native-error.ts";
import { FrameChannel } from "../host/frame-channel.ts";
import { encodeExecPlan } from "../contract/plan.ts";
import { checkedFrom, LxcriError, type Source } from "../errors.ts";
import { checkAppArmorProfile } from "../host/apparmor.ts";
import { checkSelinuxLabel } from "../host/selinux.ts";
import { installed } from "../host/artefacts.ts";
import { openRecorded } from "../host/pidfds.ts";
import { sendPidfd } from "../host/pidfd-socket.ts";
import { writeAtomic, openPath, readLink } from "../host/fs.ts";
import { inheritedFds } from "../host/inherited-fds.ts";
import { capLastCap } from "../host/kernel.ts";
import { initialCpus, processPlan } from "../lxc/process-plan.ts";
import type { Process } from "../spec/types.ts";
import { validateProcess, validateSpec } from "../spec/validate.ts";
import { allow, load } from "./load.ts";
import { files, readStoredSpec } from "./store.ts";
import { stateOf } from "./status.ts";

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
  /** The AF_UNIX socket that gets a pidfd of the process once it runs (runc's --pidfd-socket). */
  pidfdSocket?: string;
  /** Existing sub-cgroups of the container's to run the process in, as runc's --cgroup takes them (src/cgroups/sub-cgroups.ts). */
  cgroup?: readonly string[];
}

export interface ExecResult {
  /** Host pid of the process. */
  pid: number;
  /** With a foreground exec: the pty master when process.terminal is set and no console socket was given. */
  ptyMaster?: number;
  /**
   * Waits for the process (our child) and gives its exit code (128+n for signal n).
   * @deprecated Use `exited` (Runtime.exec's result), as with Bun.spawn.
   */
  wait(): Promise<number>;
}

/** What errors in ExecOptions.process name (the CLI checks an --process file under its own name first). */
const EXEC: Source = { label: "exec", code: "invalid-argument" };

/** What fds 0-2 of the process are: an fd of the caller's, its own stdio ("inherit"), or /dev/null. */
export type ExecStdio = [number | "inherit" | "ignore", number | "inherit" | "ignore", number | "inherit" | "ignore"];

export async function exec(
  ctx: Context,
  id: string,
  opts: ExecOptions,
  io: ExecStdio = ["inherit", "inherit", "inherit"],
): Promise<ExecResult> {
  const container = load(ctx, id);
  allow(container, "exec", opts.ignorePaused ? ["paused"] : []);
  const { dir, record } = container;
  const given = validateProcess(opts.process, EXEC, "process");
  if (given.terminal && opts.detach && !opts.consoleSocket)
    throw new LxcriError("invalid-argument", "cannot allocate a tty for a detached exec without --console-socket");
  if (!given.terminal && opts.consoleSocket) throw new LxcriError("invalid-argument", "--console-socket needs process.terminal (--tty)");
  const subs = parseSubCgroups(opts.cgroup ?? []);
  // The copy create checked; checked again into typed values (nulls dropped), named as the copy.
  const spec = validateSpec(readStoredSpec(dir), { source: { label: files(dir).config, code: "invalid-config" }, systemdCgroup: "either" });
  // As runc: a process without an AppArmor profile of its own is confined by the container's.
  // So is its SELinux label (runc: process.Label, else the container's).
  const proc = {
    ...given,
    apparmorProfile: given.apparmorProfile || spec.process.apparmorProfile,
    selinuxLabel: given.selinuxLabel || spec.process.selinuxLabel,
  };
  checkedFrom(EXEC, () => checkAppArmorProfile(proc.apparmorProfile));
  checkedFrom(EXEC, () => checkSelinuxLabel(proc.selinuxLabel, "process.selinuxLabel"));
  // Socket activation (runc): LISTEN_FDS meant for us are passed on as the process's 3, 4, …
  const fds = inheritedFds(proc.env ?? [], opts.preserveFds ?? 0);
  const warnings: string[] = [];
  const plan = processPlan({ ...proc, env: fds.env }, spec.linux, {
    lastCap: capLastCap(),
    warn: (m) => warnings.push(m),
    debug: ctx.log.debug,
  });
  for (const w of warnings) ctx.log.warn(w);
  const seccomp = plan.seccomp && compileSeccomp(plan.seccomp);
  const init = record.initPid!;
  // init pinned by a pidfd (checked against its recorded start time) while its /proc files are
  // opened, and checked alive after: the namespaces, root and cgroups are then init's, never
  // those of a process that got its pid after it exited.
  const initFd = openRecorded(init, record.initStart);
  if (initFd === undefined)
    throw new LxcriError("bad-state", `cannot exec in container ${id}: container not running (init ${init} has exited)`);

  // What the helper gets (its fd numbers: 3 … P are the passed ones), what is ours to read.
  const forHelper: number[] = [];
  const ours: number[] = [];
  let pty: ReturnType<typeof openPtyIn> | undefined;
  try {
    if (proc.terminal) {
      pty = openPtyIn(`/proc/${init}/root`);
      forHelper.push(pty.slave);
      // the master: the caller's through the console socket, else ours to proxy (handed out below)
      (opts.consoleSocket ? forHelper : ours).push(pty.master);
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
    // a socket: the process passes its seccomp notify fd over it (SCMP_ACT_NOTIFY rules)
    const [statusRead, statusWrite] = socketPair();
    ours.push(statusRead);
    forHelper.push(statusWrite);
    const nsFds = namespacesOf(init).map((p) => openFd(p, "r"));
    forHelper.push(...nsFds);
    const cgroupFds = driverOf(record)
      .joinDirs(init, subs)
      .map((d) => openCgroupProcs(d, subs !== undefined));
    forHelper.push(...cgroupFds);
    if (pidfdWait(initFd, 0)) throw new LxcriError("bad-state", `cannot exec in container ${id}: container not running (init exited)`);

    // The helper's fd layout: after the passed fds, the namespaces, the cgroups, the status
    // pipe, the pty slave, the plan, the helper itself.
    // "inherit" only where the caller has the fd: one it closed must not reach the process (callerStdio)
    const stdio: (number | "inherit" | "ignore" | null)[] = callerStdio().map((own, i) => (io[i] === "inherit" ? own : io[i]!));
    for (let fd = 3; fd <= fds.highest; fd++) stdio[fd] = fd;
    const place = (fd: number) => stdio.push(fd) - 1;
    const nsSlots = nsFds.map(place);
    const cgSlots = cgroupFds.map(place);
    const statusSlot = place(statusWrite);
    const ttySlot = pty ? place(pty.slave) : -1;
    const planFd = sealedMemfd(
      "lxcri-exec-plan",
      encodeExecPlan(
        {
          process: plan,
          keepFds: fds.highest + 1,
          nsFds: nsSlots,
          cgroupFds: cgSlots,
          statusFd: statusSlot,
          ttyFd: ttySlot,
          initialCpus: initialCpus(proc),
        },
        seccomp,
      ),
    );
    forHelper.push(planFd);
    const planSlot = place(planFd);
    const exeFd = sealedExe(installed(ctx.rootless).init, rootless(ctx.rootless));
    forHelper.push(exeFd);
    const exeSlot = place(exeFd);
    const helper = Bun.spawn({ cmd: [`/proc/self/fd/${exeSlot}`, "exec", String(planSlot)], stdio: stdio as never });
    // Only the helper and the process hold the write end now: EOF tells what happened.
    for (const fd of forHelper.splice(0)) closeFd(fd);
    let agentError: string | undefined;
    const { pid, failure } = await readStatus(statusRead, async (fd, pid) => {
      const { sendToAgent } = await import("./seccomp-agent.ts");
      try {
        sendToAgent(spec.linux?.seccomp, { ...stateOf(record, "running") }, pid, fd);
      } catch (e) {
        // it would wait for ever in its first notified syscall
        agentError = `exec: seccomp agent: ${(e as Error).message}`;
        process.kill(pid, "SIGKILL");
      }
    });
    await helper.exited;
    if (agentError) {
      if (pid !== undefined) while (reapChild(pid) === null) await Bun.sleep(1);
      throw new LxcriError("runtime", agentError);
    }
    if (failure || pid === undefined) {
      // it exits right after reporting: reap it, or its zombie would hold up the container's exit
      if (pid !== undefined) while (reapChild(pid) === null) await Bun.sleep(1);
      throw failure
        ? nativeError(failure, "exec", strerror, { id, arg0: proc.args[0] })
        : new LxcriError("runtime", `exec: the process was not started (helper exit status ${helper.exitCode})`);
    }
    if (opts.pidfdSocket) {
      try {
        sendPidfd(opts.pidfdSocket, "setns", pid);
      } catch (e) {
        // as runc, whose process fails before it execs: the caller never gets a process it cannot watch
        process.kill(pid, "SIGKILL");
        while (reapChild(pid) === null) await Bun.sleep(1);
        throw e;
      }
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
    for (const fd of [...forHelper, ...ours]) closeFd(fd);
    pidfdClose(initFd);
  }
}

function openFd(path: string, mode: "r" | "w"): number {
  return openPath(path, mode);
}

/** A cgroup's cgroup.procs, for writing; one of --cgroup's sub-cgroups that is not there is named. */
function openCgroupProcs(dir: string, asked: boolean): number {
  try {
    return openFd(join(dir, "cgroup.procs"), "w");
  } catch (e) {
    if (asked && (e as NodeJS.ErrnoException).code === "ENOENT")
      throw new LxcriError("invalid-argument", `--cgroup: no cgroup ${dir}: the sub-cgroup must exist`);
    throw e;
  }
}

/**
 * The namespaces of `pid` this process is not in, as /proc paths; the user namespace last
 * (joining it drops our host privileges) — first for a user on the host (rootless): only in
 * it does the helper have the capabilities joining the others needs.
 */
function namespacesOf(pid: number): string[] {
  const out: string[] = [];
  const order = ["cgroup", "ipc", "uts", "net", "pid", "time", "mnt"];
  for (const type of process.geteuid!() === 0 ? [...order, "user"] : ["user", ...order]) {
    try {
      if (readLink(`/proc/${pid}/ns/${type}`) !== readLink(`/proc/self/ns/${type}`)) out.push(`/proc/${pid}/ns/${type}`);
    } catch {
      /* a namespace type this kernel does not have */
    }
  }
  return out;
}

/**
 * The status socket until EOF: the process's pid, and a failure if there was one. A seccomp
 * notify fd the process passes goes to `onListener` with its pid as soon as both are here:
 * the process may wait in a notified syscall before it execs (and EOF comes).
 */
async function readStatus(
  fd: number,
  onListener: (fd: number, pid: number) => Promise<void>,
): Promise<{ pid?: number; failure?: NativeFailure }> {
  // The helper sends a PID, at most one ERROR and one LISTENER, each well under 8 KiB: anything more is refused.
  const passed: number[] = [];
  const channel = new FrameChannel(fd, 8 << 10, passed);
  let pid: number | undefined;
  let failure: NativeFailure | undefined;
  let listener: number | undefined;
  try {
    for (let frames = 0; ; ) {
      const f = channel.next();
      if (f && ++frames > 3) throw new Error("exec: the helper sent more than a PID, an ERROR and a LISTENER");
      if (f?.kind === FRAME.PID) pid = decodePid(f.payload);
      else if (f?.kind === FRAME.ERROR) failure ??= decodeError(f.payload);
      else if (f?.kind === FRAME.LISTENER && listener === undefined) listener = passed.shift() ?? -1;
      if (listener !== undefined && listener >= 0 && pid !== undefined) {
        const l = listener;
        listener = -1; // handed on, once
        await onListener(l, pid);
      }
      if (f === null) return { pid, failure };
    }
  } finally {
    if (listener !== undefined && listener >= 0) closeFd(listener);
    for (const f of passed) closeFd(f);
  }
}
