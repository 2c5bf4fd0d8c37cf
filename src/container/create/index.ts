// create: validate → translate and plan → runtime directory → monitor →
// init READY (OCI "created") → hand init to the caller. Any failure after the
// runtime directory exists destroys everything made so far (destroy.ts)
// before the error returns.
//
//   lxcri create ──spawn──▶ lxcri-monitor ──liblxc start()──▶ [mount hook: lxcri-init mount-hook]
//        │                                                  └─exec─▶ lxcri-init init (the plan)
//        ◀──────────────── READY over init's channel (pidfd_getfd CHANNEL_FD) ──┘
//        └─ ends the monitor: init is re-parented to the caller's subreaper
import { exists, readText, lockFile, writeAtomic, realPath } from "../../host/fs.ts";
import { join, resolve } from "../../path.ts";
import { socketPair, closeFd } from "../../../ffi/fds.ts";
import { compileSeccomp } from "../../../ffi/seccomp.ts";
import type { CgroupDriver } from "../../cgroups/driver.ts";
import { cgroupLayout, type HostCgroups, hostCgroups } from "../../cgroups/host.ts";
import { newCgroupDriver, pinCgroups, planCgroups, warmCgroupMigration } from "../../cgroups/plan.ts";
import { type Context, containerDir } from "../../context.ts";
import { encodeInitPlan, type InitPlan } from "../../contract/plan.ts";
import { INHERITED } from "../../contract/layout.ts";
import { STEP } from "../../contract/steps.ts";
import { LxcriError, unsupportedOnHost } from "../../errors.ts";
import { readHooks, hasHooks, writeHooks } from "../../hooks/layout.ts";
import { runPoststop, runtimeHooks, startContainerHooks, stateHalves } from "../../hooks/points.ts";
import { type HookOutput, openHookOutput } from "../../hooks/output.ts";
import { hookServer, type HookServer } from "../../hooks/server.ts";
import { appendTrace, makeTrace } from "../../hooks/trace.ts";
import { checkAppArmorProfile } from "../../host/apparmor.ts";
import { checkSelinuxLabel } from "../../host/selinux.ts";
import { installed } from "../../host/artefacts.ts";
import { rootless } from "../../host/caller-userns.ts";
import { inheritedFds } from "../../host/inherited-fds.ts";
import { sendPidfd } from "../../host/pidfd-socket.ts";
import { capLastCap } from "../../host/kernel.ts";
import { checkNamespacePaths, joinedBeforeUser, MONITOR_JOINS_ENV, monitorJoins, netnsNotOwned } from "../../host/namespaces.ts";
import { adoptJoinedMaps, checkJoinedUserns, readUserNamespaceMaps } from "../../host/userns.ts";
import { procStat } from "../../host/proc.ts";
import { dirMode, statKind } from "../../host/rootfs.ts";
import { mark } from "../../log.ts";
import { processPlan } from "../../lxc/process-plan.ts";
import { netDeviceMoves } from "../../lxc/net-devices.ts";
import { refusedLimit } from "../../lxc/refused-limit.ts";
import { rootfsPath, type Translation } from "../../lxc/translate.ts";
import { HOOK_TYPES, type State } from "../../spec/types.ts";
import { loadConfig } from "../../host/config-file.ts";
import { destroy } from "../destroy.ts";
import { checkId } from "../ids.ts";
import type { ContainerRecord } from "../../contract/record.ts";
import { files, writeRecord } from "../store.ts";
import { stateOf } from "../status.ts";
import { handOverTerminal, takeTerminal } from "./handover.ts";
import { endMonitor, killMonitor, type Monitor, spawnMonitor, waitReady } from "./monitor.ts";
import { stageDir } from "../../lxc/staged-mounts.ts";
import { makeMountpoints, makeRuntimeDir, makeStageDir, rejectedItem, storeSpec, writeLxcConf } from "./prepare.ts";
import { translateHere } from "./translation.ts";

export interface CreateOptions {
  /** Bundle directory (default: the current directory). */
  bundle?: string;
  /** Where to write the pid of the container's init (README "The pid contract"). */
  pidFile?: string;
  /** Seconds to wait for the container to reach "created". */
  timeout?: number;
  /** With process.terminal: the AF_UNIX socket that gets the pty master (runc's console-socket protocol). */
  consoleSocket?: string;
  /** Extra fds (3, 4, … after any LISTEN_FDS meant for us) the container process gets. */
  preserveFds?: number;
  /** The AF_UNIX socket that gets a pidfd of init once it is created (runc's --pidfd-socket). */
  pidfdSocket?: string;
  /** Keep the caller's session keyring: liblxc makes no new one for the container (runc's --no-new-keyring). */
  noNewKeyring?: boolean;
}

/**
 * `stdio`: init's fds 0-2 (default: the caller's own, as runc gives them). `onTerminal`: with
 * process.terminal, gets the pty master (the caller's to close) instead of a console socket.
 */
export async function create(
  ctx: Context,
  id: string,
  opts: CreateOptions = {},
  stdio?: (number | "inherit" | "ignore")[],
  onTerminal?: (master: number) => void,
): Promise<State> {
  checkId(id);
  warmCgroupMigration();
  const bundle = resolve(opts.bundle ?? ".");
  const pidFile = opts.pidFile ? resolve(opts.pidFile) : undefined;
  if (statKind(bundle) !== "dir") throw new LxcriError("invalid-config", `bundle ${bundle} is not a directory`);
  // read once: these bytes are checked, run and stored; the bundle's file is never opened again
  const config = loadConfig(join(bundle, "config.json"), { systemdCgroup: !!ctx.systemdCgroup });
  const spec = config.spec;
  const proc = spec.process;
  if (proc.terminal && !opts.consoleSocket && !onTerminal)
    throw new LxcriError("invalid-argument", "process.terminal is set: create needs --console-socket to hand over the terminal");
  if (!proc.terminal && opts.consoleSocket)
    throw new LxcriError("invalid-argument", "--console-socket needs process.terminal in config.json");
  checkNamespacePaths(spec.linux?.namespaces ?? [], { setsUtsNames: spec.hostname !== undefined || spec.domainname !== undefined });
  const joinedUserns = adoptJoinedMaps(spec, (path, at) => readUserNamespaceMaps(path, installed().init, at));
  const joinFirst = joinedBeforeUser(spec.linux?.namespaces ?? []);
  checkAppArmorProfile(proc.apparmorProfile);
  checkSelinuxLabel(proc.selinuxLabel, "process.selinuxLabel");
  checkSelinuxLabel(spec.linux?.mountLabel, "linux.mountLabel");
  const given = rootfsPath(spec, bundle);
  if (statKind(given) !== "dir") throw unsupportedOnHost("root.path", `${given} is not a directory`);
  // liblxc opens the rootfs without following symlinks.
  const rootfs = realPath(given);

  const dir = containerDir(ctx, id);
  const f = files(dir);
  const parts = installed(ctx.rootless);
  const createHooks = hasHooks(spec.hooks, "prestart", "createRuntime", "createContainer");
  const fds = inheritedFds(proc.env ?? [], opts.preserveFds ?? 0);
  const slot = (k: keyof typeof INHERITED) => fds.highest + INHERITED[k];
  const warnings: string[] = [];
  const isRootless = rootless(ctx.rootless);
  // rootless --systemd-cgroup: the container's scope under the user's own systemd, where they have one
  const inScope =
    isRootless && ctx.systemdCgroup
      ? await import("../../cgroups/user-scope.ts").then(({ userScope }) => userScope(spec.linux?.cgroupsPath, id))
      : undefined;
  // rootless: its own module (node:fs), which root's create does not load
  const rootlessHost = isRootless ? await import("../../cgroups/rootless-host.ts") : undefined;
  const cg: HostCgroups = inScope
    ? { hierarchies: [], v2Base: inScope.dir, cgroupless: false }
    : rootlessHost
      ? rootlessHost.rootlessCgroups()
      : hostCgroups();
  // rtnetlink only for a config that moves devices (most do not)
  const netlink = spec.linux?.netDevices && Object.keys(spec.linux.netDevices).length ? await import("../../../ffi/netlink.ts") : undefined;
  const tr = translateHere(ctx, id, spec, { bundle, rootfs, dir }, cg, {
    dirMode,
    rootless: isRootless,
    mountHook: createHooks ? { exeFd: slot("initExe"), socketFd: slot("hookSocket") } : undefined,
    startHostHook: { exeFd: slot("initExe"), reportFd: slot("report") },
    joinedByMonitor: joinFirst.map((n) => n.type),
    sysfsFromHost: netnsNotOwned(spec.linux?.namespaces ?? []),
    inUserScope: !!inScope,
    netDeviceAddresses: netlink && ((name) => deviceAddresses(netlink, name)),
    warn: (m) => warnings.push(m),
  });
  const process = {
    ...processPlan({ ...proc, env: fds.env }, spec.linux, { lastCap: capLastCap(), warn: (m) => warnings.push(m), debug: ctx.log.debug }),
    // process.execCPUAffinity is for processes exec starts, not the container's init (runtime-spec)
    finalCpus: undefined,
  };
  for (const w of warnings) ctx.log.warn(w);
  const seccomp = process.seccomp && compileSeccomp(process.seccomp);
  mark(ctx.log, "create: config validated, translated and planned");

  makeRuntimeDir(ctx, dir, id, !!spec.linux?.uidMappings?.length);
  if (tr.staged.length) makeStageDir(stageDir(ctx.root));
  const lock = lockFile(f.lock);
  const record: ContainerRecord = {
    id,
    bundle,
    rootfs,
    ociVersion: spec.ociVersion,
    annotations: spec.annotations ?? {},
    created: new Date().toISOString(),
  };
  let monitor: Monitor | undefined;
  let hooks: HookServer | undefined;
  let output: HookOutput | undefined;
  let hookEnd: number | undefined;
  let phase = `writing the runtime directory ${dir}`;
  try {
    record.cgroups = planCgroups(tr.cgroupDir, tr.monitorCgroupDir, cg);
    // in a user's scope, systemd makes (and removes) every parent
    if (inScope) record.cgroups.parents = [];
    writeRecord(dir, record);
    // rootless without a cgroup there is nothing for a scope to hold
    const cgroups = newCgroupDriver(
      record.cgroups,
      id,
      ctx.systemdCgroup && !cg.cgroupless ? spec.linux?.cgroupsPath : undefined,
      inScope?.target,
    );
    // rootless on v2 with a cgroup of the caller's: create leaves it below (once the monitor,
    // which liblxc takes the base from, is spawned there); recorded first: removed (once
    // empty) at delete or by a failed create's cleanup
    const leaveBase = isRootless && !inScope && !cg.cgroupless && cg.v2Base;
    if (leaveBase) {
      record.cgroups.parents!.push(join(leaveBase, `lxcri.create.${globalThis.process.pid}`));
      writeRecord(dir, record);
    }
    storeSpec(dir, config.bytes);
    record.rootfsMountpoints = makeMountpoints(rootfs, tr.mountpoints);
    writeRecord(dir, record);

    phase = "opening the hook output files";
    // as crun: opened (and made) at create when there are hooks; a file that cannot be is an error now
    if (HOOK_TYPES.some((t) => spec.hooks?.[t]?.length)) output = openHookOutput(record.annotations);
    // Into a namespace joined by path, the devices move now (liblxc sets up networks only in one it
    // makes); they stay there whatever happens next, as with runc: that namespace is its owner's.
    for (const m of netDeviceMoves(spec)) {
      if (!m.nsPath || !netlink) continue;
      phase = `moving network device ${m.host} into ${m.nsPath} (linux.netDevices)`;
      const index = deviceIndex(m.host);
      netlink.moveDevice(index, m.name, m.nsPath, netlink.permanentGlobalAddresses(index));
    }
    phase = "writing lxc.conf";
    writeLxcConf(dir, opts.noNewKeyring ? [...tr.items, ["lxc.keyring.session", "0"]] : tr.items);
    const plan: InitPlan = {
      process,
      setup: tr.setup,
      keepFds: fds.highest + 1,
      hooks: startContainerHooks(spec),
      hookTimeout: ctx.hookTimeout,
      state: stateHalves(stateOf(record, "created")),
    };
    mark(ctx.log, "create: runtime directory written");

    if (createHooks) {
      const [ours, theirs] = socketPair();
      hookEnd = theirs;
      hooks = hookServer(
        ours,
        spec.hooks?.createContainer?.length ?? 0,
        async (initPid) => ({
          error: await runtimeHooks(ctx, { ...stateOf(record, "creating"), pid: initPid }, dir, output),
          hooks: readHooks(f.hooks, "createContainer"),
          state: stateOf(record, "creating"),
          timeout: ctx.hookTimeout,
        }),
        (r) => appendTrace(f.hooksLog, r),
        output?.onOutput,
      );
    }

    phase = "starting the container";
    // As root, liblxc writes a user namespace's id maps itself, unless it finds newuidmap on PATH,
    // which then refuses ranges /etc/subuid does not give root: the monitor gets a PATH without it
    // (the mount hook gets create's own environment for the hooks it runs).
    // A user (rootless, not uid 0) needs them: only newuidmap may write maps beyond its own uid.
    const monitorEnv: Record<string, string> =
      spec.linux?.uidMappings?.length && globalThis.process.geteuid!() === 0 ? { PATH: "/nonexistent" } : {};
    // always set: the monitor's environment is the caller's too, and only create says what it joins
    monitorEnv[MONITOR_JOINS_ENV] = monitorJoins(joinFirst.map((n) => n.path));
    monitor = spawnMonitor({
      monitorExe: parts.monitor,
      initExe: parts.init,
      lxcpath: ctx.root,
      name: id,
      lxcConf: f.lxcConf,
      highest: fds.highest,
      plan: encodeInitPlan(plan, seccomp),
      hookSocket: hookEnd,
      env: monitorEnv,
      stdio,
      rootless: isRootless,
    });
    closeFd(hookEnd);
    hookEnd = undefined;
    record.monitorPid = monitor.pid;
    record.monitorStart = procStat(monitor.pid)?.startTime;
    writeRecord(dir, record);
    if (leaveBase) {
      phase = `leaving ${leaveBase} for liblxc`;
      rootlessHost!.leaveRootlessBase(leaveBase, monitor.pid);
    }
    if (inScope) {
      phase = `starting the container's systemd scope ${inScope.unit} under the user's systemd (${inScope.target.path})`;
      // around the monitor, still at its gate: liblxc makes the container's cgroups below it
      await cgroups.apply(monitor.pid, tr.cgroupSettings, cgroupLayout(), () => writeRecord(dir, record));
      const { checkInScope } = await import("../../cgroups/user-scope.ts");
      checkInScope(monitor.pid, inScope);
      mark(ctx.log, `create: systemd scope ${inScope.unit} started under the user's systemd`);
    }
    // only now, with the monitor in the record, may it make anything (its cgroups, the container)
    monitor.release();
    mark(ctx.log, `create: monitor ${monitor.pid} started`);
    // The hooks layout while liblxc sets the container up: nothing reads it before the hook server
    // answers the mount hook, in waitReady (docs/performance.md, "Issue 23, round 8: the hooks' own machinery").
    phase = "writing the hooks layout";
    writeHooks(f.hooks, spec.hooks);
    if (createHooks) makeTrace(f.hooksLog);
    phase = "starting the container";

    const { init, channelInode } = await waitReady(
      monitor,
      f.lxcLog,
      hooks,
      (opts.timeout ?? 60) * 1000,
      () => rejectedItem(ctx, id, tr.items),
      (failure) => {
        if (failure.step === STEP.STAGED_MOUNT) {
          const m = tr.staged.find((s) => failure.what === s.destination);
          return m && (m.index < 0 ? `the cgroup mount's tmpfs at ${m.destination}` : `mounts[${m.index}]`);
        }
        const idmap = failure.step === STEP.IDMAP_SOURCE || failure.step === STEP.IDMAP_USERNS || failure.step === STEP.IDMAP_MOUNT;
        if (failure.step !== STEP.SHARED_SOURCE && failure.step !== STEP.SHARED_MOUNT && !idmap) return undefined;
        const list = idmap ? tr.idmapped : tr.shared;
        const i = list.findIndex((m) => failure.what === m.source || failure.what === m.destination);
        return i < 0 ? undefined : `mounts[${list[i]!.index}]`;
      },
      // init's start time, its cgroups checked and their inodes taken while init sets up, not after
      // READY (~0.4 ms): the same answers then (waitReady holds a pidfd of init; a cgroup with a
      // process in it cannot be removed or replaced)
      (pid) => {
        record.initStart = procStat(pid)?.startTime;
        pinCgroups(record.cgroups!, pid, cg.cgroupless);
      },
    ).catch((e) => {
      // a limit the host refused (liblxc's "Failed to set"): named by its field, as runc's write error names the file
      throw (e instanceof LxcriError && refusedLimit(e.message, spec.linux?.resources, cgroupLayout())) || e;
    });
    record.initPid = init;
    record.channelInode = channelInode;
    writeRecord(dir, record);
    // READY and init recorded: liblxc's part is done, and its teardown runs while the rest of create
    // does. Not before the record names init: a create killed in between would leave init running
    // with neither its pid nor a live monitor (whose children delete kills) on record
    // (faults.test.ts, SIGKILL of create, found it).
    killMonitor(monitor);
    // recorded first: a failure here destroys what is recorded
    if (joinedUserns) checkJoinedUserns(init, joinedUserns, joinedUserns.path);
    // under the user's systemd the scope was started above, around the monitor
    if (cgroups.kind === "systemd" && !inScope) {
      phase = "starting the container's systemd scope";
      await startSystemdScope(ctx, dir, record, cgroups, tr.cgroupSettings);
    }
    if (proc.terminal) {
      phase = "setting up the terminal";
      if (opts.consoleSocket) handOverTerminal(init, proc.consoleSize, opts.consoleSocket);
      else onTerminal!(takeTerminal(init, proc.consoleSize));
    }
    if (opts.pidfdSocket) {
      phase = "sending init's pidfd";
      sendPidfd(resolve(opts.pidfdSocket), "standard", init, record.initStart);
    }
    phase = "handing init to the caller";
    await endMonitor(monitor);
    cgroups.releaseMonitor();
    if (pidFile) writeAtomic(pidFile, String(init), 0o644);
    mark(ctx.log, `create: ${id} created, init ${init}`);
    return stateOf(record, "created");
  } catch (e) {
    // A failed prestart, createRuntime or createContainer hook: destroy, then poststop (runtime.md steps 3–5 → 12 → 13).
    const poststop = e instanceof LxcriError && e.code === "hook-failed" ? readHooks(f.hooks, "poststop") : [];
    // a monitor still at its gate (a user scope or the rootless base failed) is let go without
    // starting anything, so that destroy need not wait for it
    monitor?.closeGate();
    await destroy(ctx, dir, record);
    if (monitor) await endMonitor(monitor).catch(() => {});
    await runPoststop(ctx, stateOf(record, "stopped"), poststop, undefined, output);
    if (e instanceof LxcriError) throw e;
    throw new LxcriError("runtime", `cannot create container ${id}: ${phase}: ${(e as Error).message}`, { cause: e });
  } finally {
    closeFd(hookEnd);
    hooks?.close();
    output?.close();
    lock.release();
  }
}

/**
 * --systemd-cgroup where systemd runs: the scope unit around the cgroup liblxc made, with
 * init as its process (systemd finds it there already). systemd then writes the files of the
 * controllers it enables for the unit: the limits go as its properties, and all are written
 * again after it (what it has no property for, it may have reset). Recorded only once
 * systemd has run our start job, with its invocation id: a unit of that name that exists
 * already is someone else's, and no cleanup may stop it. If create dies between the start
 * and the record, the unrecorded scope holds nothing but our init: delete (or this create's
 * cleanup) kills init from the record, and systemd stops a scope whose processes are gone.
 */
export async function startSystemdScope(
  ctx: Context,
  dir: string,
  record: ContainerRecord,
  cgroups: CgroupDriver,
  settings: Translation["cgroupSettings"],
): Promise<void> {
  await cgroups.apply(record.initPid!, settings, cgroupLayout(), () => writeRecord(dir, record));
  if (record.cgroups!.systemdUnit) mark(ctx.log, `create: systemd scope ${record.cgroups!.systemdUnit} started`);
  else ctx.log.debug(`--systemd-cgroup: systemd does not run here; ${record.cgroups!.dirs.join(", ")} is a cgroup path only`);
}

/** A host network device's index, from sysfs (no such device: an error naming it). */
function deviceIndex(name: string): number {
  const text = exists(`/sys/class/net/${name}/ifindex`) ? readText(`/sys/class/net/${name}/ifindex`).trim() : "";
  if (!/^\d+$/.test(text)) throw unsupportedOnHost(`linux.netDevices[${JSON.stringify(name)}]`, "no such network device on the host");
  return Number(text);
}

/** A host device's permanent global addresses as liblxc takes them, or undefined when there is no such device. */
function deviceAddresses(netlink: typeof import("../../../ffi/netlink.ts"), name: string): string[] | undefined {
  if (!exists(`/sys/class/net/${name}/ifindex`)) return undefined;
  return netlink.permanentGlobalAddresses(deviceIndex(name)).map(netlink.addressText);
}
