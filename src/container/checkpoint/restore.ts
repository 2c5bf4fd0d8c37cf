// restore: makes the container `id` again from a bundle and a checkpoint's
// image directory. CRIU makes the namespaces, the mounts (the rootfs bound
// at --root, the config's bind mounts and the host's devices from their
// sources) and the process tree, in the container's cgroup; the restored
// init is recorded as create records one, with the container running.
//
//   lxcri restore ── criu restore --restore-detached ──▶ the process tree (its init re-parented
//        │                                               to the caller's subreaper, or to us)
//        └ record: initPid (CRIU's pidfile), cgroups, started; --systemd-cgroup's scope; --pid-file
// Without --detach it waits for init and deletes the container, as runc does.
import { join, resolve } from "node:path";
import { closeFd } from "../../../ffi/fds.ts";
import { openFile, readText, lockFile, writeAtomic, makeDir, makeDirs, realPath, tryRemoveDir } from "../../host/fs.ts";
import { reapChild, setSubreaper } from "../../../ffi/libc.ts";
import { bindMount, detachMount } from "../../../ffi/mounts.ts";
import { O_RDONLY } from "../../../ffi/syscalls.ts";
import { newCgroupDriver, pinCgroups, planCgroups } from "../../cgroups/plan.ts";
import { cgroupDirsFor, cgroupHierarchies, hostCgroups } from "../../cgroups/host.ts";
import { type Context, containerDir } from "../../context.ts";
import { LxcriError, unsupportedOnHost } from "../../errors.ts";
import { loadConfig } from "../../host/config-file.ts";
import { checkNamespacePaths } from "../../host/namespaces.ts";
import { procStat } from "../../host/proc.ts";
import { statKind } from "../../host/rootfs.ts";
import { writeHooks } from "../../hooks/layout.ts";
import { mark } from "../../log.ts";
import { rootfsPath } from "../../lxc/translate.ts";
import type { State } from "../../spec/types.ts";
import { startSystemdScope } from "../create/index.ts";
import { makeMountpoints, makeRuntimeDir, storeSpec } from "../create/prepare.ts";
import { translateHere } from "../create/translation.ts";
import { deleteContainer } from "../delete.ts";
import { destroy } from "../destroy.ts";
import { checkId } from "../ids.ts";
import type { ContainerRecord } from "../../contract/record.ts";
import { files, writeRecord } from "../store.ts";
import { stateOf } from "../status.ts";
import {
  DESCRIPTORS_FILE,
  type ExternalNs,
  EXTERNAL_NS_KEY,
  inheritKey,
  RESTORE_LOG,
  type RestoreFlags,
  restoreArgs,
} from "./criu-args.ts";
import { criuHas, runCriu } from "./criu.ts";
import { externalMounts } from "./mounts.ts";
import { checkSpec } from "./support.ts";

/** The restored container's state (--detach), or its exit status once it ended (without). */
export async function restore(ctx: Context, id: string, flags: RestoreFlags): Promise<State | number> {
  checkId(id);
  const bundle = resolve(flags.bundle || ".");
  if (statKind(bundle) !== "dir") throw new LxcriError("invalid-config", `bundle ${bundle} is not a directory`);
  const config = loadConfig(join(bundle, "config.json"), { systemdCgroup: !!ctx.systemdCgroup });
  const spec = config.spec;
  checkSpec(spec);
  checkNamespacePaths(spec.linux?.namespaces ?? [], { setsUtsNames: spec.hostname !== undefined || spec.domainname !== undefined });
  const given = rootfsPath(spec, bundle);
  if (statKind(given) !== "dir") throw unsupportedOnHost("root.path", `${given} is not a directory`);
  const rootfs = realPath(given);
  const imagePath = resolve(flags.imagePath || "checkpoint");
  const workPath = resolve(flags.workPath || imagePath);
  const descriptors = readDescriptors(imagePath);
  makeDirs(workPath, 0o700);

  const dir = containerDir(ctx, id);
  const f = files(dir);
  // restore is root's (CRIU needs it): the host's cgroups, as create finds them
  const cg = hostCgroups();
  // the same translation create makes: the container's cgroup and the mount points it needs in the rootfs
  const tr = translateHere(ctx, id, spec, { bundle, rootfs, dir }, cg, {
    // liblxc's items are not used (no monitor runs): the hook's fds are never looked at
    startHostHook: { exeFd: 0, reportFd: 0 },
    warn: (m) => ctx.log.warn(m),
  });
  if ((["prestart", "createRuntime", "createContainer", "startContainer"] as const).some((t) => spec.hooks?.[t]?.length))
    ctx.log.warn(
      "restore: the config's prestart, createRuntime, createContainer and startContainer hooks are not run (poststop hooks run at delete)",
    );

  makeRuntimeDir(ctx, dir, id, !!spec.linux?.uidMappings?.length);
  const lock = lockFile(f.lock);
  const record: ContainerRecord = {
    id,
    bundle,
    rootfs,
    ociVersion: spec.ociVersion,
    annotations: spec.annotations ?? {},
    created: new Date().toISOString(),
  };
  const criuRoot = join(dir, "criu-root");
  let bound = false;
  const nsFds: number[] = [];
  const subreaper = !flags.detach && !setSubreaper(true);
  const unbind = () => {
    if (!bound) return;
    bound = !detachMount(criuRoot);
    tryRemoveDir(criuRoot); // fails while still mounted: then delete fails on it, naming it
  };
  try {
    // none may exist yet (as at create); only the container's are made (no monitor runs)
    record.cgroups = planCgroups(tr.cgroupDir, tr.monitorCgroupDir, cg, false);
    writeRecord(dir, record);
    storeSpec(dir, config.bytes);
    writeHooks(f.hooks, spec.hooks);
    record.rootfsMountpoints = makeMountpoints(rootfs, tr.mountpoints);
    writeRecord(dir, record);

    // CRIU takes the root only from a mount point whose parent is not overmounted (as runc does)
    makeDir(criuRoot, 0o700);
    bindMount(rootfs, criuRoot);
    bound = true;
    const externalNs: Partial<Record<ExternalNs, number>> = {};
    for (const ns of spec.linux?.namespaces ?? []) {
      if (!ns.path || !(ns.type in EXTERNAL_NS_KEY)) continue;
      nsFds.push(openFile(ns.path, O_RDONLY));
      externalNs[ns.type as ExternalNs] = 2 + nsFds.length;
    }
    const pidFile = join(dir, "criu.pid");
    const args = restoreArgs(flags, {
      imagePath,
      workPath,
      root: criuRoot,
      pidFile,
      cgroupRoot: cgroupRoot(cgroupDirsFor(tr.cgroupDir)[0]!),
      externalMounts: externalMounts(spec, bundle),
      externalNs,
      inherit: descriptors.map(inheritKey),
      mntnsCompat: criuHas("--mntns-compat-mode", flags.criu),
    });
    ctx.log.debug(`restore: criu ${args.join(" ")}`);
    await runCriu(args, join(workPath, RESTORE_LOG), nsFds, flags.criu);

    const init = Number(readText(pidFile).trim());
    if (!Number.isInteger(init) || init <= 0) throw new Error(`CRIU's pidfile ${pidFile} holds no pid`);
    record.initPid = init;
    record.initStart = procStat(init)?.startTime;
    record.started = new Date().toISOString();
    writeRecord(dir, record);
    pinCgroups(record.cgroups, init, false);
    writeRecord(dir, record);
    const cgroups = newCgroupDriver(record.cgroups, id, ctx.systemdCgroup ? spec.linux?.cgroupsPath : undefined);
    if (cgroups.kind === "systemd") await startSystemdScope(ctx, dir, record, cgroups, tr.cgroupSettings);
    if (flags.pidFile) writeAtomic(resolve(flags.pidFile), String(init), 0o644);
    mark(ctx.log, `restore: ${id} restored, init ${init}`);
  } catch (e) {
    unbind(); // before the runtime directory goes
    await destroy(ctx, dir, record);
    if (subreaper) setSubreaper(false);
    if (e instanceof LxcriError) throw e;
    throw new LxcriError("runtime", `cannot restore container ${id}: ${(e as Error).message}`, { cause: e });
  } finally {
    unbind();
    for (const fd of nsFds) closeFd(fd);
    lock.release();
  }
  if (flags.detach) return stateOf(record, "running");
  // as runc restore without --detach: the container runs in the foreground (init re-parented to
  // us when CRIU exited), its exit status is ours, then it is deleted
  try {
    let code: number | null;
    for (let polls = 0; (code = reapChild(record.initPid!)) === null; polls++) await Bun.sleep(polls < 100 ? 1 : 5);
    return code;
  } finally {
    if (subreaper) setSubreaper(false);
    await deleteContainer(ctx, id, { force: true });
  }
}

/** runc's descriptors.json of the image: what the process's fds 0-2 were. */
function readDescriptors(imagePath: string): unknown[] {
  const file = join(imagePath, DESCRIPTORS_FILE);
  let text: string;
  try {
    text = readText(file);
  } catch (e) {
    throw new LxcriError(
      "invalid-argument",
      `--image-path ${imagePath}: no checkpoint there (${DESCRIPTORS_FILE}: ${(e as Error).message})`,
    );
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new LxcriError("invalid-argument", `${file}: ${(e as Error).message}`);
  }
  if (!Array.isArray(v)) throw new LxcriError("invalid-argument", `${file}: not a JSON array`);
  return v.slice(0, 3);
}

/** CRIU's --cgroup-root: the container's cgroup directory below its hierarchy's mount point. */
function cgroupRoot(dir: string): string {
  const h = cgroupHierarchies();
  const mount = h.length ? `/sys/fs/cgroup/${h[0]!.name}` : "/sys/fs/cgroup";
  return dir.slice(mount.length) || "/";
}
