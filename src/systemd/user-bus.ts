// Rootless --systemd-cgroup: the user's own systemd, found as runc finds it
// (its systemd driver's DetectUserDbusSessionBusAddress): the session bus in
// $DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus where it exists (what
// dbus-user-session makes for a user's systemd). Pure: the caller passes the
// environment and whether a path exists.
import type { Target } from "./bus.ts";

/** The socket of the first `unix:path=` entry of a D-Bus address list (values %-escaped), if any. */
export function unixPathOf(address: string): string | undefined {
  for (const entry of address.split(";")) {
    const colon = entry.indexOf(":");
    if (entry.slice(0, colon) !== "unix") continue;
    for (const kv of entry.slice(colon + 1).split(",")) {
      const eq = kv.indexOf("=");
      if (kv.slice(0, eq) !== "path") continue;
      try {
        const path = decodeURIComponent(kv.slice(eq + 1));
        if (path.startsWith("/")) return path;
      } catch {}
    }
  }
  return undefined;
}

/** The user's session bus, or undefined when the environment names none that exists (then no user systemd is asked). */
export function userBus(env: Record<string, string | undefined>, exists: (path: string) => boolean): Target | undefined {
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (address) {
    const path = unixPathOf(address);
    return path ? { path, messageBus: true } : undefined;
  }
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg?.startsWith("/") && exists(`${xdg.replace(/\/+$/, "")}/bus`)) return { path: `${xdg.replace(/\/+$/, "")}/bus`, messageBus: true };
  return undefined;
}
