// The liblxc config items a feature of lxcri's needs: `lxcri features` lists the feature only where
// the host's liblxc has them (src/host/libraries.ts asks lxc_config_item_is_supported), and
// test/unit/support.test.ts checks them, and every item translation writes, against this liblxc.
export const LIBLXC_ITEMS = {
  "namespaces.time": ["lxc.time.offset.boot", "lxc.time.offset.monotonic"],
  apparmor: ["lxc.apparmor.profile"],
  "cgroup.v2": ["lxc.cgroup2"],
  "cgroup.v1": ["lxc.cgroup"],
} as const;
export type LiblxcFeature = keyof typeof LIBLXC_ITEMS;

/** What `features` asks of the host's libraries (src/host/libraries.ts answers). */
export interface Libraries {
  /** Whether liblxc knows config item `key`; undefined where liblxc cannot be loaded. */
  itemSupported(key: string): boolean | undefined;
  lxcVersion?: string;
  seccompVersion?: string;
}
