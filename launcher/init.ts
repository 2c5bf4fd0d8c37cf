// `lxcri-launcher init`: the container's init until `start`. While it waits
// for start on init/sync it compiles its exec step and the seccomp filter;
// then it runs the startContainer hooks inside the container, prepares the
// process, unmounts /.lxcri (it still has every capability: the process's
// are applied in the exec step) and execs the user process. Its fds are
// O_CLOEXEC: the exec itself closes sync, which is how start learns it happened.
import { constants, existsSync, lstatSync, openSync, readFileSync, symlinkSync, writeSync } from "node:fs";
import { readHooksIn } from "../src/hooks/layout.ts";
import { describeFailure, envObject, runHooks } from "../src/hooks/run.ts";
import type { InitMessage, InitProcess } from "../src/contract/messages.ts";
import type { State } from "../src/spec/types.ts";
import { errnoMessage, libc, MNT_DETACH, O_CLOEXEC } from "../ffi/libc.ts";
import { compileExec } from "../ffi/exec.ts";
import { openTerminal } from "./terminal.ts";
import { outliveMonitor, signalReady } from "./ready.ts";
import { makeDevices } from "./devices.ts";
import { setDomainname, setHostname } from "./uts.ts";
import { maskAndProtect, setRecursiveAttrs, setRootPropagation } from "./mounts.ts";
import { lastCap, resetInherited, setUmask } from "./exec.ts";
import { prepareSeccomp } from "../ffi/seccomp.ts";
import { envValue, findExecutable, homeOf } from "../src/host/lookup.ts";

const LAUNCHER = "/.lxcri";
const INIT = `${LAUNCHER}/init`;
const HOOKS = `${LAUNCHER}/hooks`;

export async function init(): Promise<number> {
  ptmxLink();
  outliveMonitor();
  const proc = JSON.parse(readFileSync(`${INIT}/process.json`, "utf8")) as InitProcess;
  // First, so that create, which waits for it, finds the master soon.
  if (proc.terminal) openTerminal();
  makeDevices(proc.devices);
  if (proc.hostname !== undefined) setHostname(proc.hostname);
  if (proc.domainname !== undefined) setDomainname(proc.domainname);
  maskAndProtect(proc.mask, proc.readonly);
  setRecursiveAttrs(proc.recursive);
  if (proc.rootPropagation !== undefined) setRootPropagation(proc.rootPropagation);
  const state = JSON.parse(readFileSync(`${INIT}/state.json`, "utf8")) as State;
  // Work that needs /.lxcri (libseccomp, a writable place for exec.c) is done before start comes.
  const seccomp = proc.seccomp && prepareSeccomp(proc.seccomp);
  const exec = compileExec(LAUNCHER);
  const caps = lastCap();
  void libc.umount2; // libc is dlopened on first use (ffi/libc.ts): here, not after start comes
  signalReady();
  // Blocks until `lxcri start` opens the other end.
  const sync = openSync(`${INIT}/sync`, constants.O_WRONLY | O_CLOEXEC);
  const send = (m: InitMessage) => writeSync(sync, JSON.stringify(m) + "\n");
  try {
    state.pid = process.pid;
    const hooks = readHooksIn(HOOKS, "startContainer");
    if (hooks.length) {
      const { failure } = await runHooks(hooks, state, {
        defaultTimeout: proc.hookTimeout,
        cwd: "/",
        env: envObject(proc.env), // hooks without env get the container's, as in runc
        onRecord: (r) => send({ hook: r }),
      });
      if (failure) {
        send({ error: describeFailure(failure), hookFailed: true });
        return 1;
      }
    }
    const env = [...proc.env];
    if (envValue(env, "HOME") === undefined) env.push(`HOME=${homeOf(proc.user.uid)}`);
    const path = findExecutable(proc.args[0]!, env, proc.cwd);
    try {
      process.chdir(proc.cwd);
    } catch (e) {
      throw new Error(`chdir to process.cwd ${proc.cwd}: ${(e as NodeJS.ErrnoException).code}`);
    }
    // The runtime's files, and what only the launcher needed, must not stay visible to the process.
    for (const target of [...proc.detach, LAUNCHER])
      if (libc.umount2(target, MNT_DETACH) !== 0) throw new Error(`unmounting ${target}: ${errnoMessage()}`);
    setUmask(proc.umask ?? 0o022); // runc's default when process.user.umask is unset
    resetInherited();
    send({ exec: true });
    const reason = exec({
      paths: [path],
      argv: proc.args,
      env,
      user: proc.user,
      caps: proc.capabilities,
      lastCap: caps,
      rlimits: proc.rlimits,
      attrs: proc.attrs,
      // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: before the capabilities go.
      seccomp: seccomp ? { ...seccomp, first: !proc.noNewPrivileges } : undefined,
    });
    send({ error: `${path}: ${reason}` });
    return 127;
  } catch (e) {
    send({ error: (e as Error).message });
    return 1;
  }
}

/** /dev/ptmx → pts/ptmx (config-linux.md default symlinks), when /dev has the container's devpts and no ptmx yet. */
function ptmxLink(): void {
  try {
    lstatSync("/dev/ptmx");
  } catch {
    try {
      if (existsSync("/dev/pts/ptmx")) symlinkSync("pts/ptmx", "/dev/ptmx");
    } catch {
      /* a read-only /dev, or not root: leave it */
    }
  }
}
