// A native helper's failure (an ERROR frame: step, errno, what it concerned)
// in words, in one place for every process that reports one: the monitor and
// init at create, init at start, the exec helper. Pure: strerror(3) is passed
// in (it is a libc call, ffi/libc.ts).
import { EACCES, EINVAL, ENOENT, EXDEV } from "../../ffi/syscalls.ts";
import { LxcriError, unsupportedOnHost } from "../errors.ts";
import type { NativeFailure } from "./frames.ts";
import { STEP, stepText } from "./steps.ts";

/** Who reported the failure: create's monitor or init, init at start, the exec helper. */
export type NativeSource = "monitor" | "create" | "start" | "exec";

/** "step: what: reason", the errno's text where a hint would not say more. */
export function describeNative(f: NativeFailure, strerror: (e: number) => string): string {
  const what = f.what ? `${f.what}: ` : "";
  return `${stepText(f.step)}: ${what}${nativeHint(f) ?? (f.errno ? strerror(f.errno) : "failed")}`;
}

/** What an errno means where its bare text would mislead (ffi/native/apparmor.c's and selinux.c's failures). */
function nativeHint(f: NativeFailure): string | undefined {
  if (f.step === STEP.SELINUX && f.errno === EINVAL) return "the loaded SELinux policy has no such context";
  if (f.step === STEP.SELINUX && f.errno === EACCES) return "the SELinux policy does not allow a change to that context";
  if (f.step !== STEP.APPARMOR) return undefined;
  if (f.errno === ENOENT) return "the kernel has no AppArmor profile of that name loaded";
  if (f.errno === EXDEV) return "its attr file is not on the real procfs (something is mounted over /proc)";
  return undefined;
}

/**
 * The error for failure `f` reported to `source`. The program that cannot run (init's lookup
 * at create, the exec helper's execve) is worded as runc words it: podman maps "executable file
 * not found" to 127 and "permission denied" to 126; a missing program fails create as a config
 * error. An AppArmor profile the kernel does not know fails create as this host's refusal.
 * `id`: the container (start names it); `arg0`: an exec's process.args[0].
 */
export function nativeError(
  f: NativeFailure,
  source: NativeSource,
  strerror: (e: number) => string,
  ctx: { id?: string; arg0?: string } = {},
): LxcriError {
  const program = source === "create" && f.step === STEP.LOOKUP ? f.what : source === "exec" && f.step === STEP.EXEC ? ctx.arg0 : undefined;
  // runc's texts: the errno's own, in lower case ("no such file or directory", "permission denied")
  const reason = () => strerror(f.errno).toLowerCase();
  if (program !== undefined) {
    const code = source === "create" ? "invalid-config" : "runtime";
    const arg0 = JSON.stringify(program);
    if (f.errno === ENOENT && !program.includes("/")) return new LxcriError(code, `exec: ${arg0}: executable file not found in $PATH`);
    if (source === "exec" || f.errno === ENOENT || f.errno === EACCES) return new LxcriError(code, `exec: ${arg0}: ${reason()}`);
  }
  if (source === "create" && f.step === STEP.APPARMOR && f.errno === ENOENT)
    return unsupportedOnHost(
      "process.apparmorProfile",
      `no AppArmor profile ${JSON.stringify(f.what)} is loaded (load it with apparmor_parser)`,
    );
  // a context the loaded policy does not know, as the kernel says
  if (source === "create" && f.step === STEP.SELINUX && f.errno === EINVAL)
    return unsupportedOnHost("process.selinuxLabel", `the SELinux policy loaded on this host has no context ${JSON.stringify(f.what)}`);
  // the exec helper's other steps: the step and the errno alone
  if (source === "exec" && f.step !== STEP.APPARMOR && f.step !== STEP.SELINUX)
    return new LxcriError("runtime", `exec: ${stepText(f.step)}: ${reason()}`);
  const prefix = {
    monitor: "the monitor could not start the container",
    create: "container init",
    start: `container ${ctx.id}`,
    exec: "exec",
  }[source];
  return new LxcriError("runtime", `${prefix}: ${describeNative(f, strerror)}`);
}
