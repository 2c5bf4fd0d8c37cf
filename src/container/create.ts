// create: validate → runtime directory → LXC config → monitor → wait until the
// launcher is init (OCI "created"). Any failure after the runtime directory
// exists destroys everything made so far (destroy.ts) before the error returns.
import { chmodSync, chownSync, copyFileSync, lstatSync, mkdirSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { errnoMessage, libc, reapChild } from "../../ffi/libc.ts";
import { inheritedFds } from "../host/inherited-fds.ts";
import { LxcContainer } from "../../ffi/lxc-container.ts";
import { startMonitor } from "../../ffi/monitor.ts";
import { closeFd, connectUnix, sendFd } from "../../ffi/fd-passing.ts";
import { getFd, pidfdClose, pidfdOpen, takeFd } from "../../ffi/pidfd.ts";
import { ptyName, setWindowSize } from "../../ffi/pty.ts";
import { cgroupDirsOf, isLxcCgroupName, missingAncestors, removeIfEmpty } from "../cgroups/paths.ts";
import { isMonitorCgroup } from "../cgroups/container.ts";
import { warmCgroupMigration } from "../cgroups/warmup.ts";
import { type Context, containerDir } from "../context.ts";
import { destroy } from "./destroy.ts";
import { configError, LxcriError } from "../errors.ts";
import { writeAtomic, lockFile } from "../host/fsutil.ts";
import { startHookServer, type HookServer } from "../hooks/server.ts";
import { hasHooks, readHooks, writeHooks } from "../hooks/layout.ts";
import { findExecutable } from "../host/lookup.ts";
import { describeFailure, runHooks } from "../hooks/run.ts";
import { appendTrace } from "../hooks/trace.ts";
import { cgroupHierarchies, cgroupLayout } from "../cgroups/host.ts";
import { launcherFiles } from "../host/artefacts.ts";
import { checkNamespacePaths } from "../host/namespaces.ts";
import { hardRlimits } from "../host/rlimits.ts";
import { resolveInRootfs, statKind } from "../host/rootfs.ts";
import { checkId } from "./ids.ts";
import { mark } from "../log.ts";
import { withLxcErrors } from "../host/lxc-log.ts";
import { hostId, INIT_ARGV, LAUNCHER_MOUNT, rootfsPath, translate } from "../lxc/translate.ts";
import { runPoststop } from "../hooks/points.ts";
import { procChildren, procStat } from "../host/proc.ts";
import { HOOK_PATH_VAR, READY_FD, TERMINAL_MASTER_FD, type InitProcess, type MountHookReply } from "../contract/messages.ts";
import { type ContainerRecord, files, writeRecord } from "./record.ts";
import type { Spec, State } from "../spec/types.ts";
import { loadSpec } from "../spec/validate.ts";
import { isLauncher, stateOf } from "./status.ts";

export interface CreateOptions {
  /** Bundle directory (default: the current directory). */
  bundle?: string;
  /** Where to write the pid the caller should wait for (the monitor; see README "The pid contract"). */
  pidFile?: string;
  /** Seconds to wait for the container to reach "created". */
  timeout?: number;
  /** With process.terminal: the AF_UNIX socket that gets the pty master (runc's console-socket protocol). */
  consoleSocket?: string;
  /** Extra fds (3, 4, … after any LISTEN_FDS meant for us) the container process gets. */
  preserveFds?: number;
}

export async function create(ctx: Context, id: string, opts: CreateOptions = {}): Promise<State> {
  checkId(id);
  warmCgroupMigration();
  const bundle = resolve(opts.bundle ?? ".");
  const pidFile = opts.pidFile ? resolve(opts.pidFile) : undefined;
  if (statKind(bundle) !== "dir") throw new LxcriError("invalid-config", `bundle ${bundle} is not a directory`);
  const spec = loadSpec(join(bundle, "config.json"));
  if (!spec.process) throw configError("process", "is required");
  if (spec.process.terminal && !opts.consoleSocket)
    throw new LxcriError("invalid-argument", "process.terminal is set: create needs --console-socket to hand over the terminal");
  if (!spec.process.terminal && opts.consoleSocket)
    throw new LxcriError("invalid-argument", "--console-socket needs process.terminal in config.json");
  checkNamespacePaths(spec.linux?.namespaces ?? [], { setsUtsNames: spec.hostname !== undefined || spec.domainname !== undefined });
  const given = rootfsPath(spec, bundle);
  if (statKind(given) !== "dir") throw configError("root.path", `${given} is not a directory`);
  // liblxc opens the rootfs without following symlinks.
  const rootfs = realpathSync(given);

  const dir = containerDir(ctx, id);
  const f = files(dir);
  const warnings: string[] = [];
  const createHooks = hasHooks(spec.hooks, "prestart", "createRuntime", "createContainer");
  const tr = translate(spec, {
    id,
    bundle,
    rootfs,
    runtimeDir: dir,
    stat: statKind,
    resolve: (p) => resolveInRootfs(rootfs, p),
    launcher: launcherFiles(),
    cgroup: cgroupLayout(),
    cgroupHierarchies: cgroupHierarchies(),
    hardRlimits: hardRlimits(),
    logLevel: ctx.lxcLogLevel,
    hookTimeout: ctx.hookTimeout,
    hasCreateHooks: createHooks,
    hasStartContainerHooks: hasHooks(spec.hooks, "startContainer"),
    systemdCgroup: ctx.systemdCgroup,
    warn: (m) => warnings.push(m),
  });
  for (const w of warnings) ctx.log.warn(w);
  const fds = inheritedFds(tr.init.env, opts.preserveFds ?? 0);
  mark(ctx.log, "create: config validated and translated");

  // With a user namespace liblxc sets up the container as the mapped root, which
  // must reach init/ to bind it: the directories are then traverse-only for others.
  const launcherUid = hostId(spec.linux?.uidMappings, 0);
  const launcherGid = hostId(spec.linux?.gidMappings, 0);
  if (launcherUid === undefined || launcherGid === undefined)
    throw configError("linux.uidMappings", "container uid and gid 0 must be mapped: the launcher runs as the container's root");
  const dirMode = launcherUid === 0 ? 0o700 : 0o711;
  mkdirSync(ctx.root, { recursive: true, mode: 0o700 });
  try {
    mkdirSync(dir, { mode: dirMode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new LxcriError("exists", `container ${id} already exists`);
    throw new LxcriError("runtime", `cannot create ${dir}: ${(e as Error).message}`);
  }
  const lock = lockFile(f.lock);
  const record: ContainerRecord = {
    id,
    bundle,
    rootfs,
    ociVersion: spec.ociVersion,
    annotations: spec.annotations ?? {},
    created: new Date().toISOString(),
  };
  let lxc: LxcContainer | undefined;
  let hookServer: HookServer | undefined;
  let monitor: number | undefined;
  let phase = `writing the runtime directory ${dir}`;
  try {
    if (tr.cgroupDir) record.cgroupParents = missingAncestors(tr.cgroupDir);
    writeRecord(dir, record);
    copyFileSync(join(bundle, "config.json"), f.config);
    writeHooks(f.hooks, spec.hooks);
    prepareInit(dir, tr.init, record, launcherUid, launcherGid);
    if (dirMode !== 0o700) chmodSync(ctx.root, statSync(ctx.root).mode | 0o011);
    record.rootfsMountpoints = precreateMountpoints(rootfs, spec, tr.mountpoints);
    writeRecord(dir, record);

    phase = "configuring liblxc";
    lxc = new LxcContainer(id, ctx.root);
    for (const [key, value] of tr.items)
      if (!lxc.setConfigItem(key, value))
        throw new LxcriError("invalid-config", withLxcErrors(`liblxc rejected ${key} = ${JSON.stringify(value)}`, f.lxcLog));
    lxc.saveConfig(f.lxcConf);
    mark(ctx.log, "create: liblxc configured");

    if (createHooks)
      hookServer = startHookServer(
        f.hookSocket,
        (hello) => runtimeHooks(ctx, dir, record, hello.pid),
        (r) => appendTrace(f.hooksLog, r),
        { uid: launcherUid, gid: launcherGid },
      );

    phase = "starting the container";
    // As root, liblxc writes a user namespace's id maps itself, unless it finds newuidmap on PATH,
    // which then refuses ranges /etc/subuid does not give root: the monitor gets a PATH without it,
    // and the mount hook the real one back for the hooks it runs.
    const monitorEnv = launcherUid !== 0 ? ["PATH=/nonexistent", `${HOOK_PATH_VAR}=${process.env.PATH ?? ""}`] : [];
    // liblxc closes every inherited fd above $LISTEN_FDS: that is how preserved fds reach init
    // (3 … highest are the caller's, so no fd of ours can be among them).
    if (fds.highest > 2) monitorEnv.push(`LISTEN_FDS=${fds.highest}`);
    monitor = startMonitor(lxc, INIT_ARGV, monitorEnv, f.lxcConf);
    record.monitorPid = monitor;
    record.monitorStart = procStat(monitor)?.startTime;
    writeRecord(dir, record);
    mark(ctx.log, `create: monitor ${monitor} started`);

    const init = await waitCreated(monitor, f.lxcLog, hookServer, (opts.timeout ?? 60) * 1000);
    // As runc: a program that is not there fails create, not start (podman maps the text to 127).
    phase = "looking up process.args[0]";
    findExecutable(tr.init.args[0]!, tr.init.env, tr.init.cwd, `/proc/${init}/root`);
    record.initPid = init;
    record.initStart = procStat(init)?.startTime;
    record.cgroups = ownCgroups(id, tr.cgroupDir, [...cgroupDirsOf(init), ...cgroupDirsOf(monitor)]);
    writeRecord(dir, record);
    if (spec.process.terminal) {
      phase = "setting up the terminal";
      await handOverTerminal(init, spec.process.consoleSize, opts.consoleSocket!);
    }
    phase = "handing init to the caller";
    await endMonitor(monitor);
    // The monitor's own cgroups are empty now (delete would retry any left).
    removeIfEmpty((record.cgroups ?? []).filter((d) => isMonitorCgroup(d, id)));
    if (pidFile) writeAtomic(pidFile, String(init), 0o644);
    mark(ctx.log, `create: ${id} created, init ${init}`);
    return stateOf(record, "created");
  } catch (e) {
    // A failed prestart, createRuntime or createContainer hook: destroy, then poststop (runtime.md steps 3–5 → 12 → 13).
    const poststop = e instanceof LxcriError && e.code === "hook-failed" ? readHooks(f.hooks, "poststop") : [];
    await destroy(ctx, dir, record, { ownMonitor: monitor });
    await runPoststop(ctx, record, poststop);
    if (e instanceof LxcriError) throw e;
    throw new LxcriError("runtime", `cannot create container ${id}: ${phase}: ${(e as Error).message}`, { cause: e });
  } finally {
    hookServer?.close();
    lxc?.release();
    lock.release();
  }
}

/**
 * process.terminal: init (the launcher) opened a pty in the container's own
 * devpts (so the process sees /dev/pts/N), made it its stdio and controlling
 * terminal, and parked the master at TERMINAL_MASTER_FD. create takes a copy
 * with pidfd_getfd, sizes it to consoleSize and sends it to the caller's
 * console socket before returning, as runc does.
 */
async function handOverTerminal(init: number, size: { height: number; width: number } | undefined, consoleSocket: string): Promise<void> {
  const master = await takeFd(init, TERMINAL_MASTER_FD, 5000);
  try {
    if (size) setWindowSize(master, size.height, size.width);
    const sock = connectUnix(consoleSocket);
    try {
      sendFd(sock, master, ptyName(master));
    } finally {
      closeFd(sock);
    }
  } finally {
    closeFd(master);
  }
}

/**
 * The cgroups of init and monitor that this container owns and delete removes:
 * liblxc's lxc.payload.<id> and lxc.monitor.<id>, or the configured cgroupsPath.
 * Never the cgroup a caller ran us in.
 */
function ownCgroups(id: string, configured: string | undefined, dirs: string[]): string[] {
  const own = (d: string) =>
    isLxcCgroupName(d.slice(d.lastIndexOf("/") + 1), id) || (configured !== undefined && d.endsWith(`/${configured}`));
  return [...new Set(dirs.filter(own))];
}

/** init/: what the launcher reads at start, bound read-only at /.lxcri/init. */
function prepareInit(dir: string, init: InitProcess, record: ContainerRecord, uid: number, gid: number): void {
  const f = files(dir);
  mkdirSync(f.init, { mode: 0o755 });
  // pid 0: the launcher puts in its own pid (as the container sees it).
  const state: State = { ...stateOf(record, "created"), pid: 0 };
  writeFileSync(f.processJson, JSON.stringify(init), { mode: 0o600 });
  writeFileSync(f.initState, JSON.stringify(state), { mode: 0o600 });
  if (libc.mkfifo(Buffer.from(f.syncFifo + "\0"), 0o600) !== 0) throw new LxcriError("runtime", `mkfifo ${f.syncFifo}: ${errnoMessage()}`);
  // The launcher runs as the container's root, which a user namespace maps to another host uid.
  if (uid !== 0 || gid !== 0) for (const p of [f.processJson, f.initState, f.syncFifo]) chownSync(p, uid, gid);
}

/**
 * Mount points lxcri must make in the rootfs on the host: /.lxcri always, and
 * for a read-only root every mount destination (liblxc cannot create them
 * there). Only plain directories under the rootfs are walked: a symlink on the
 * way is left for liblxc, which refuses symlinked mount targets.
 */
function precreateMountpoints(rootfs: string, spec: Spec, mountpoints: { path: string; kind: "dir" | "file" }[]): string[] {
  const wanted: { path: string; kind: "dir" | "file" }[] = [{ path: LAUNCHER_MOUNT, kind: "dir" }];
  // Paths below /dev, /proc and /sys live on filesystems mounted at start; those three themselves do not.
  if (spec.root?.readonly) for (const m of mountpoints) if (!/^\/(dev|proc|sys)\/./.test(m.path)) wanted.push(m);
  const made: string[] = [];
  for (const { path, kind } of wanted) {
    const parts = path.split("/").filter(Boolean);
    let cur = rootfs;
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      cur = join(cur, parts[i]!);
      const last = i === parts.length - 1;
      let st;
      try {
        st = lstatSync(cur);
      } catch {
        try {
          if (last && kind === "file") writeFileSync(cur, "", { flag: "wx", mode: 0o644 });
          else mkdirSync(cur, { mode: 0o755 });
          made.push(cur);
        } catch {
          ok = false; // a read-only rootfs on the host: liblxc reports what is missing
        }
        continue;
      }
      if (st.isSymbolicLink() || (!last && !st.isDirectory())) ok = false;
    }
  }
  return made;
}

/** The mount hook's request: run prestart and createRuntime here, in the runtime's namespaces. */
async function runtimeHooks(ctx: Context, dir: string, record: ContainerRecord, pid: number): Promise<MountHookReply> {
  const f = files(dir);
  const state: State = { ...stateOf(record, "creating"), pid };
  for (const type of ["prestart", "createRuntime"] as const) {
    const { failure } = await runHooks(readHooks(f.hooks, type), state, {
      defaultTimeout: ctx.hookTimeout,
      cwd: record.bundle,
      onRecord: (r) => appendTrace(f.hooksLog, r),
    });
    if (failure) return { ok: false, error: describeFailure(failure) };
  }
  return { ok: true };
}

/**
 * Waits until the monitor's child is the launcher and the launcher is ready
 * (its eventfd at READY_FD: devices, masks and the terminal are done, and it
 * no longer dies with the monitor). The container is then "created".
 */
async function waitCreated(monitor: number, lxcLog: string, hooks: HookServer | undefined, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let init: number | undefined;
  let pidfd: number | undefined;
  try {
    for (let spin = 0; ; spin++) {
      const code = reapChild(monitor);
      if (code !== null) {
        // A failing hook reported over the socket just before the launcher exited.
        const hookError = hooks && (await Promise.race([hooks.result, Bun.sleep(500).then(() => undefined)]));
        if (hookError) throw new LxcriError("hook-failed", hookError);
        throw new LxcriError("runtime", withLxcErrors(`container failed to start (monitor exit status ${code})`, lxcLog));
      }
      if (init === undefined) {
        init = procChildren(monitor).find(isLauncher);
        if (init !== undefined) {
          pidfd = pidfdOpen(init);
          if (pidfd < 0) throw new LxcriError("runtime", `pidfd_open of init ${init} failed`);
        }
      }
      if (pidfd !== undefined) {
        const ready = getFd(pidfd, READY_FD);
        if (ready !== null) {
          closeFd(ready);
          return init!;
        }
      }
      if (Date.now() > deadline)
        throw new LxcriError("runtime", withLxcErrors(`timed out after ${timeoutMs / 1000} s waiting for the container`, lxcLog));
      await Bun.sleep(spin < 200 ? 1 : 10);
    }
  } finally {
    if (pidfd !== undefined) pidfdClose(pidfd);
  }
}

/**
 * The pid contract (README): liblxc's monitor has set the container up; it
 * goes now, so that init — the process in the pid-file — is re-parented to
 * the caller, which reaps its exit status as it would runc's. Nothing of
 * lxcri keeps running beside the container.
 */
async function endMonitor(monitor: number): Promise<void> {
  process.kill(monitor, "SIGKILL");
  while (reapChild(monitor) === null) await Bun.sleep(1);
}
