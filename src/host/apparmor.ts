// Whether this host confines processes with AppArmor, and the refusal of a
// profile where it does not: as runc, a config that names a profile on a host
// without AppArmor is refused before anything is made, rather than run
// unconfined. "unconfined" (podman's --security-opt apparmor=unconfined)
// asks for nothing and runs anywhere.
import { readText } from "./fs.ts";
import { unsupportedOnHost } from "../errors.ts";
import { confiningProfile } from "../spec/process.ts";

let enabled: boolean | undefined;

/** The kernel's AppArmor module is loaded and enabled ("Y"), as runc's apparmor.IsEnabled reads it. */
export function appArmorEnabled(): boolean {
  if (enabled === undefined) {
    try {
      enabled = readText("/sys/module/apparmor/parameters/enabled").startsWith("Y");
    } catch {
      enabled = false;
    }
  }
  return enabled;
}

/** Refuses `profile` (at `path`, process.apparmorProfile) when it asks for confinement this host cannot give. */
export function checkAppArmorProfile(profile: string | undefined, path = "process.apparmorProfile"): void {
  if (confiningProfile(profile) !== undefined && !appArmorEnabled())
    throw unsupportedOnHost(path, `AppArmor is not enabled on this host: cannot confine the process by profile ${JSON.stringify(profile)}`);
}
