// create's second phase: the monitor (ffi/native/monitor.c), exec'd from a
// sealed copy of lxcri-monitor, runs liblxc's start(); liblxc execs init
// (sealed lxcri-init) with the plan; create waits until init says READY on
// its channel, serving the mount hook meanwhile, and then ends the monitor
// (README: the pid contract).
//
// The fds the monitor gets (P = the highest fd passed to the container):
//   0-2          /dev/null: liblxc chmods init's stdio, so the caller's travels below
//   3 … P        the caller's preserved fds (LISTEN_FDS, --preserve-fds), kept as they are
//   P+1 … P+8    INHERITED (src/contract/layout.ts): init's executable (also the mount
//                hook's and the start-host hooks'), its plan, the caller's stdio, the host's
//                /dev/null (a detached mount), the hook socket and the report pipe (the
//                monitor's and the start-host hook's ERROR frames, init's HERE); liblxc keeps fds up
//                to $LISTEN_FDS = P+8 for the container and its hooks
//   P+9          the monitor's own executable
//   P+10         the gate: the monitor starts nothing until create, having recorded it, writes a byte
import type { Subprocess } from "bun";
import { callerStdioCopies, closeFd, pipe, pollReadable, setNonBlocking } from "../../../ffi/fds.ts";
import { strerror } from "../../../ffi/libc.ts";
import { fstat, writeAll, openFile } from "../../host/fs.ts";
import { getFd, pidfdClose, pidfdOpen } from "../../../ffi/pidfd.ts";
import { detachedNullOrNone, sealedExe, sealedMemfd } from "../../../ffi/sealed.ts";
import { O_RDWR } from "../../../ffi/syscalls.ts";
import { decodeError, FRAME, type NativeFailure } from "../../contract/frames.ts";
import { describeNative, nativeError } from "../../contract/native-error.ts";
import { CHANNEL_FD, INHERITED, initArgv, isInitArgv } from "../../contract/layout.ts";
import { STEP } from "../../contract/steps.ts";
import { configError, LxcriError } from "../../errors.ts";
import type { HookServer } from "../../hooks/server.ts";
import { FrameChannel } from "../../host/frame-channel.ts";
import { withLxcErrors } from "../../host/lxc-log.ts";
import { procChildren, procCmdline } from "../../host/proc.ts";

export interface MonitorLaunch {
  monitorExe: string;
  initExe: string;
  lxcpath: string;
  name: string;
  lxcConf: string;
  /** P: the highest fd passed to the container (2 when none). */
  highest: number;
  plan: Uint8Array;
  /** The mount hook's end of the hook socket (only with create hooks). */
  hookSocket?: number;
  /** Variables changed for the monitor alone. */
  env: Record<string, string>;
  /** init's stdio: an fd of the caller's (which stays the caller's to close), its own ("inherit"), or /dev/null. */
  stdio?: (number | "inherit" | "ignore")[];
  /** Rootless (src/host/caller-userns.ts): without CAP_SYS_ADMIN, sealed memfd copies of the helpers instead of detached mounts. */
  rootless: boolean;
}

export interface Monitor {
  proc: Subprocess;
  pid: number;
  /** The monitor's report pipe (read end, non-blocking). */
  report: number;
  /** Lets the monitor start the container: call once the record names it. */
  release(): void;
  /** Closes the gate unopened (the monitor then exits having made nothing). */
  closeGate(): void;
}

export function spawnMonitor(l: MonitorLaunch): Monitor {
  const P = l.highest;
  const ours: number[] = [];
  const [report, reportEnd] = pipe();
  const [gate, gateEnd] = pipe();
  try {
    const initFd = sealedExe(l.initExe, l.rootless);
    ours.push(initFd);
    const monitorFd = sealedExe(l.monitorExe, l.rootless);
    ours.push(monitorFd);
    const planFd = sealedMemfd("lxcri-plan", l.plan);
    ours.push(planFd);
    const slot = (k: keyof typeof INHERITED) => P + INHERITED[k];
    // The monitor's (so init's first) stdio: an empty sealed memfd of our own, never the host's
    // /dev/null. liblxc fchmods init's stdio to 0700 unless it is the container's /dev/null
    // (fix_stdio_permissions): with an image whose /dev/null is a file and no /dev tmpfs, that was
    // the host's /dev/null. init puts the caller's stdio in place (INHERITED) before anything runs.
    const blank = sealedMemfd("lxcri-no-stdio", new Uint8Array(0));
    ours.push(blank);
    const stdio: (number | "ignore" | null)[] = [blank, blank, blank];
    for (let fd = 3; fd <= P; fd++) stdio[fd] = fd;
    stdio[slot("initExe")] = initFd;
    stdio[slot("plan")] = planFd;
    const copies = callerStdioCopies();
    for (const fd of copies) if (fd !== null && fd !== undefined) ours.push(fd);
    const [stdin, stdout, stderr] = copies.map((own, i) => {
      const want = l.stdio?.[i] ?? "inherit";
      return want === "inherit" ? own : want === "ignore" ? null : want;
    });
    // No slot up to $LISTEN_FDS may stay empty: liblxc would open its own fds there, and
    // they would reach init (/dev/null where the caller gave no stdio, or there are no hooks).
    let devNull: number | undefined;
    const orNull = (fd: number | null | undefined) => fd ?? (devNull ??= (ours.push(openFile("/dev/null", O_RDWR)), ours.at(-1)!));
    stdio[slot("stdin")] = orNull(stdin);
    stdio[slot("stdout")] = orNull(stdout);
    stdio[slot("stderr")] = orNull(stderr);
    const hostNull = detachedNullOrNone(l.rootless); // a detached mount of its own, for init's masks
    if (hostNull !== undefined) ours.push(hostNull);
    stdio[slot("devNull")] = orNull(hostNull);
    stdio[slot("hookSocket")] = orNull(l.hookSocket);
    stdio[slot("report")] = reportEnd;
    const last = P + INHERITED.report;
    stdio[last + 1] = monitorFd;
    stdio[last + 2] = gate;
    const cmd = [
      `/proc/self/fd/${last + 1}`,
      l.lxcpath,
      l.name,
      l.lxcConf,
      String(slot("report")),
      String(last + 2),
      ...initArgv(slot("initExe"), slot("plan")),
    ];
    const proc = Bun.spawn({ cmd, stdio: stdio as never, env: { ...process.env, ...l.env, LISTEN_FDS: String(last) } });
    setNonBlocking(report);
    let open = true;
    const closeGate = (go: boolean) => {
      if (!open) return;
      open = false;
      try {
        if (go) writeAll(gateEnd, new Uint8Array([1]), "write to the monitor's gate");
      } finally {
        closeFd(gateEnd);
      }
    };
    return { proc, pid: proc.pid, report, release: () => closeGate(true), closeGate: () => closeGate(false) };
  } catch (e) {
    closeFd(report);
    closeFd(gateEnd);
    throw e;
  } finally {
    closeFd(reportEnd);
    closeFd(gate);
    for (const fd of ours) closeFd(fd);
  }
}

/** creates in this process now in waitReady (the library may run several at once) */
let waiting = 0;

/** The largest frame the monitor or init sends create (an ERROR, or READY). */
const MAX_FRAME = 1 << 24;

/**
 * Waits until init reports READY on its channel (it then has set up the
 * container, found the program, and waits for start): returns init's pid and
 * the inode of init's end of the channel, the one socket start will take from
 * init. Serves the mount hook meanwhile. A monitor that exits, an init that
 * reports an error or dies, a failed hook or the deadline end it with the
 * clearest error there is.
 */
export async function waitReady(
  m: Monitor,
  lxcLog: string,
  hooks: HookServer | undefined,
  timeoutMs: number,
  rejected: () => string | undefined,
  /** The config.json field a failure of the start-host hook concerns (it reports a mount's destination). */
  fieldOf: (f: NativeFailure) => string | undefined = () => undefined,
  /**
   * Runs once init is found (it runs, in its cgroups), while it sets the container up: create's
   * work that needs init but not READY, off the path from READY to the record. An error ends the wait.
   */
  onInit?: (init: number) => void,
): Promise<{ init: number; channelInode: string }> {
  const deadline = Date.now() + timeoutMs;
  const report = new FrameChannel(m.report, MAX_FRAME);
  let channel: FrameChannel | undefined;
  let init: number | undefined;
  let pidfd = -1;
  let chan = -1;
  let hookOutcome: string | null | undefined;
  // init's HERE on the report pipe: it runs, so look for it among the monitor's children now
  let here = false;
  // the monitor's pidfd is readable once it exits: poll(2) wakes for that too, and need not come
  // back every 1 ms to let the event loop see the exit (-1: gone already; the loop sees it)
  const monitorFd = pidfdOpen(m.pid);
  const fail = (message: string, code: "runtime" | "hook-failed" | "invalid-config" = "runtime") =>
    new LxcriError(code, code === "runtime" ? withLxcErrors(message, lxcLog) : message);
  waiting++;
  try {
    for (let spin = 0; ; spin++) {
      for (let f = report.take(); f; f = report.take())
        if (f.kind === FRAME.HERE) here = true;
        else if (f.kind === FRAME.ERROR) {
          const failure = decodeError(f.payload);
          const field = fieldOf(failure);
          if (field) throw configError(field, describeNative(failure, strerror));
          // liblxc did not load lxc.conf: which item it refuses, asked of liblxc in this process
          const item = failure.step === STEP.CONFIG ? rejected() : undefined;
          if (item) throw fail(item, "invalid-config");
          throw fail(nativeError(failure, "monitor", strerror).message);
        }
      if (hooks) {
        hookOutcome = hooks.pump();
        if (typeof hookOutcome === "string") throw fail(hookOutcome, "hook-failed");
      }
      // Each look reads the monitor's children and their command lines: only once init said HERE
      // (a wake-up, never trusted: init is found and checked as before), and every 8th turn
      // whatever was said, should no HERE come.
      if (init === undefined && (here || spin % 8 === 7)) {
        init = procChildren(m.pid).find((c) => isInitArgv(procCmdline(c)));
        if (init !== undefined) {
          pidfd = pidfdOpen(init);
          if (pidfd < 0) throw fail(`pidfd_open of init ${init} failed`);
          onInit?.(init);
        }
      }
      if (pidfd >= 0 && chan < 0) {
        const fd = getFd(pidfd, CHANNEL_FD);
        if (fd !== null) channel = new FrameChannel((chan = fd), MAX_FRAME);
      }
      for (let f = channel?.take(); f !== undefined; f = channel?.take()) {
        if (f === null) throw fail("the container's init exited before it was ready");
        if (f.kind === FRAME.READY) return { init: init!, channelInode: fstat(chan, "init's channel").inode };
        if (f.kind === FRAME.ERROR) {
          const e = nativeError(decodeError(f.payload), "create", strerror);
          throw e.code === "runtime" ? fail(e.message) : e;
        }
      }
      if (m.proc.exitCode !== null || m.proc.signalCode !== null) {
        // A failing hook reported over the socket just before the mount hook exited.
        if (hooks && hookOutcome === undefined) {
          await Bun.sleep(20);
          const late = hooks.pump();
          if (typeof late === "string") throw fail(late, "hook-failed");
        }
        throw fail(`container failed to start (monitor exit status ${m.proc.exitCode ?? m.proc.signalCode})`);
      }
      if (Date.now() > deadline) throw fail(`timed out after ${timeoutMs / 1000} s waiting for the container`);
      // the hook socket only until the mount hook's outcome: once it has exited, its end reads EOF at once
      const hookFd = hookOutcome === undefined ? hooks?.fd : undefined;
      const waitOn = [m.report, hookFd, chan, monitorFd].filter((fd): fd is number => fd !== undefined && fd >= 0);
      const running = hooks?.running;
      if (running) {
        // create runs prestart and createRuntime on the event loop: on as soon as they have run
        // (and the answer is on its way to the mount hook), or every 10 ms to look at the rest;
        // the 200 quick rounds below count from when they have run, however long they took
        await Promise.race([running, Bun.sleep(10)]);
        spin = -1;
      } else if (waiting === 1 && spin < 200) {
        // Wait in poll(2), not in 1 ms sleeps: init's HERE on the report pipe (it runs: look for
        // it now), the mount hook's frames, init's READY on the channel and the monitor's exit (its
        // pidfd) are seen as they come. Up to 5 ms at a time while one of those is what comes next;
        // 1 ms while init is found but its channel not yet taken (nothing wakes that). Then the
        // event loop runs (the monitor's exit is seen there); never while create's own hooks (which
        // run on the event loop) or another create of this process wait (docs/performance.md,
        // "Issue 23, round 6").
        pollReadable(waitOn, monitorFd >= 0 && (init === undefined || chan >= 0) ? 5 : 1);
        await Bun.sleep(0);
      } else if (spin < 200 || init === undefined) await Bun.sleep(spin < 200 ? 1 : 5);
      else if (!pollReadable(waitOn, 10).length) await Bun.sleep(0);
    }
  } finally {
    waiting--;
    closeFd(chan);
    if (pidfd >= 0) pidfdClose(pidfd);
    if (monitorFd >= 0) pidfdClose(monitorFd);
  }
}

/**
 * Starts ending the monitor (init, re-parented once it is gone, lives on): create does this as
 * soon as init is READY and recorded, so that the kernel's teardown of liblxc's process overlaps create's last
 * steps; endMonitor then waits (docs/performance.md, "Issue 23, round 5").
 */
export function killMonitor(m: Monitor): void {
  m.closeGate();
  m.proc.kill("SIGKILL");
}

/** Ends the monitor (init, re-parented, lives on) and waits until it is gone. */
export async function endMonitor(m: Monitor): Promise<void> {
  killMonitor(m);
  await m.proc.exited;
  closeFd(m.report);
}
