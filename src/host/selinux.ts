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
import { readFileSync } from "node:fs";
import { unsupportedOnHost } from "../errors.ts";

let enabled: boolean | undefined;

/** A mountinfo line of a read-write selinuxfs (field 6 is the mount's own options; the fs type follows " - "). */
export function hasWritableSelinuxfs(mountinfo: string): boolean {
  return mountinfo.split("\n").some((line) => {
    const [mount, fs] = line.split(" - ");
    if (!fs?.startsWith("selinuxfs ")) return false;
    const options = mount!.split(" ")[5]?.split(",") ?? [];
    return !options.includes("ro");
  });
}

/** SELinux is on for this process, as runc's selinux.GetEnabled says. */
export function selinuxEnabled(): boolean {
  if (enabled === undefined) {
    try {
      const current = readFileSync("/proc/thread-self/attr/current", "utf8").replace(/\0$/, "").trim();
      enabled = hasWritableSelinuxfs(readFileSync("/proc/self/mountinfo", "utf8")) && current !== "kernel";
    } catch {
      enabled = false; // no attr/current (no LSM at all: EINVAL) or no procfs
    }
  }
  return enabled;
}

/** Refuses `label` (at `path`) when this host cannot apply it: SELinux is off. */
export function checkSelinuxLabel(label: string | undefined, path: string): void {
  if (label && !selinuxEnabled())
    throw unsupportedOnHost(path, `SELinux is not enabled on this host: cannot apply the label ${JSON.stringify(label)}`);
}
