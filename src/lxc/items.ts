// An LXC configuration as an ordered list of items. Order matters for
// repeated keys (lxc.mount.entry, device rules): liblxc applies them in order.
export type ConfigItem = readonly [key: string, value: string];

/** Escapes a path for an fstab-style lxc.mount.entry field (spaces, tabs, newlines, backslashes). */
export function fstabEscape(path: string): string {
  return path.replace(/[\\ \t\n]/g, (c) => "\\" + c.charCodeAt(0).toString(8).padStart(3, "0"));
}

/**
 * Escapes a word for /bin/sh (liblxc runs hook commands through `sh -c`) with
 * backslashes, never quotes: reading a config file, liblxc strips a pair of
 * quotes around a whole value, so `'bin' hook 'dir'` saved in lxc.conf and
 * loaded by the monitor would become one word.
 */
export function shellQuote(word: string): string {
  return word.replace(/[^A-Za-z0-9_/.,:=@%+-]/g, "\\$&");
}
