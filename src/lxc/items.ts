// An LXC configuration as an ordered list of items. Order matters for
// repeated keys (lxc.mount.entry, device rules): liblxc applies them in order.
import { utf8Hex } from "../contract/hex.ts";

export type ConfigItem = readonly [key: string, value: string];

/** Escapes a path for an fstab-style lxc.mount.entry field (spaces, tabs, newlines, backslashes). */
export function fstabEscape(path: string): string {
  return path.replace(/[\\ \t\n]/g, (c) => "\\" + c.charCodeAt(0).toString(8).padStart(3, "0"));
}

/**
 * A string on a native hook's command line (lxcri-init propagate, idmap, stage): liblxc runs a
 * hook through `sh -c`, and hex needs no quoting; ffi/native/propagate.c `unhex` reads it back.
 */
export const hookArg = (s: string): string => utf8Hex(s);
