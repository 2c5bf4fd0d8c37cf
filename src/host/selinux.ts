// Whether this host labels processes and files with SELinux, and the refusal
// of a label where it does not. "Enabled" as go-selinux's GetEnabled (runc's
// test) reads it: an selinuxfs is mounted read-write, and this process's
// context is not "kernel". Where SELinux is off, runc refuses
// process.selinuxLabel before anything is made ("selinux label is specified in
// config, but selinux is disabled or not supported") and fails
// linux.mountLabel at its first tmpfs mount (the kernel rejects `context=`
// without SELinux); crun drops mountLabel. lxcri refuses both at create, with
// the field's path: a label that cannot be applied is never dropped
// (docs/security.md).
import { closeFd } from "../../ffi/fds.ts";
import { O_RDWR } from "../../ffi/syscalls.ts";
import { openFile, readText, writeAll } from "./fs.ts";
import { unsupportedOnHost } from "../errors.ts";

let enabled: boolean | undefined;
let selinuxfs: string | undefined;

/** Where a read-write selinuxfs is mounted, from mountinfo (field 5 the mount point, 6 its options; the fs type follows " - "). */
export function writableSelinuxfs(mountinfo: string): string | undefined {
  for (const line of mountinfo.split("\n")) {
    const [mount, fs] = line.split(" - ");
    if (!fs?.startsWith("selinuxfs ")) continue;
    const fields = mount!.split(" ");
    if (!(fields[5]?.split(",") ?? []).includes("ro")) return fields[4];
  }
  return undefined;
}

/** SELinux is on for this process, as runc's selinux.GetEnabled says. */
export function selinuxEnabled(): boolean {
  if (enabled === undefined) {
    try {
      const current = readText("/proc/thread-self/attr/current").replace(/\0$/, "").trim();
      selinuxfs = writableSelinuxfs(readText("/proc/self/mountinfo"));
      enabled = selinuxfs !== undefined && current !== "kernel";
    } catch {
      enabled = false; // no attr/current (no LSM at all: EINVAL) or no procfs
    }
  }
  return enabled;
}

/**
 * Refuses `label` (at `path`) when this host cannot apply it: SELinux is off, or the loaded
 * policy has no such context (the kernel's answer to a write of it to the selinuxfs's
 * "context" file, libselinux's security_check_context). Checked before anything is made:
 * otherwise liblxc's keyring label would fail the start first, with liblxc's words.
 */
export function checkSelinuxLabel(label: string | undefined, path: string): void {
  if (!label) return;
  if (!selinuxEnabled())
    throw unsupportedOnHost(path, `SELinux is not enabled on this host: cannot apply the label ${JSON.stringify(label)}`);
  if (!knownContext(label)) throw unsupportedOnHost(path, `the SELinux policy loaded on this host has no context ${JSON.stringify(label)}`);
}

/** false only where the kernel says EINVAL; a check this process may not make (EACCES) is left to the write. */
function knownContext(label: string): boolean {
  let fd: number | undefined;
  try {
    fd = openFile(`${selinuxfs}/context`, O_RDWR);
    writeAll(fd, `${label}\0`);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "EINVAL";
  } finally {
    closeFd(fd);
  }
}
