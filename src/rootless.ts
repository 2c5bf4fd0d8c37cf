// Rootless mode, as runc has it: the rules alone, without I/O (the callers read
// /proc/self/uid_map and the environment), so the quickest calls (`state`) can
// use them. Rootless is lxcri run by a user without root on the host: an
// unprivileged uid, or uid 0 of a user namespace that does not map the host's
// root (podman's rootless user namespace). There is then no privilege of
// root's to protect (docs/security.md, "Rootless").
import { LxcriError } from "./errors.ts";

/** The state root of root in the host's user namespace (runc's is /run/runc). */
export const ROOT_STATE = "/run/lxcri";

/** The kernel's uid_map of the initial user namespace: every uid, mapped to itself. */
const INITIAL_MAP = /^\s*0\s+0\s+4294967295\s*$/;

/** Whether `uidMap` (the text of /proc/self/uid_map) is a user namespace's other than the host's. */
export function inUserNamespace(uidMap: string | undefined): boolean {
  return uidMap !== undefined && !INITIAL_MAP.test(uidMap);
}

/** runc's --rootless value: true, false, or undefined for auto (the default). */
export function parseRootless(value: string | undefined): boolean | undefined {
  if (value === undefined || value === "auto") return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new LxcriError("invalid-argument", `--rootless: expected true, false or auto, got ${JSON.stringify(value)}`);
}

/** Rootless unless --rootless says otherwise: not root, or root only in a user namespace of its own (runc's auto). */
export function isRootless(flag: boolean | undefined, euid: number, userns: boolean): boolean {
  return flag ?? (euid !== 0 || userns);
}

/**
 * The state root without --root, by runc's rule: /run/lxcri for root on the host,
 * $XDG_RUNTIME_DIR/lxcri for anyone else who has one (a user, or uid 0 of a user
 * namespace unless $USER says root). `userns` is asked only when it matters.
 */
export function defaultRoot(env: Record<string, string | undefined>, euid: number, userns: () => boolean): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (!xdg || !xdg.startsWith("/")) return ROOT_STATE;
  if (euid !== 0 || (userns() && env.USER !== "root")) return `${xdg.replace(/\/+$/, "")}/lxcri`;
  return ROOT_STATE;
}

/**
 * Who may own an installed part of lxcri (src/host/artefacts.ts). Root on the host:
 * root alone — code a local user could change must never run as root. Rootless: also
 * the caller itself, and in a user namespace that does not map the host's root, the
 * overflow uid the kernel shows for it (and for every other unmapped owner: no mapped
 * uid, so none a container of the caller's can be).
 */
export function trustedOwners(rootless: boolean, euid: number, overflowUid: number | undefined): number[] {
  if (!rootless) return [0];
  const owners = new Set([0, euid]);
  if (overflowUid !== undefined) owners.add(overflowUid);
  return [...owners];
}

/** Whether `uidMap` maps no uid of the parent namespace's 0 (the host's root shows as the overflow uid). */
export function rootUnmapped(uidMap: string): boolean {
  for (const line of uidMap.trim().split("\n")) {
    const [, outside, count] = line.trim().split(/\s+/).map(Number) as [number, number, number];
    if (outside <= 0 && 0 < outside + count) return false;
  }
  return true;
}
