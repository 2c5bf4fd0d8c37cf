// What lxcri does with the config fields and mount options runc knows, one place for each fact:
// the checker refuses what is refused here, with this reason, and `lxcri features` lists what is
// applied here (test/unit/support.test.ts holds the two to each other; the parity tests under
// test/integration/parity-*.test.ts show each applied one doing what runc's does).
import { NAMESPACE_TYPES } from "./types.ts";

/** Fields refused wherever they are set, by JSON path, with why; `features` reports them off. */
export const REFUSED_FIELDS = {
  "linux.intelRdt": "is not supported yet",
  "linux.resources.rdma": "is not supported yet",
} as const;
export type RefusedField = keyof typeof REFUSED_FIELDS;

/** Whether the checker accepts `field` at all (else it refuses it with REFUSED_FIELDS' reason). */
export const accepted = (field: string): boolean => !(field in REFUSED_FIELDS);

/**
 * Mount options lxcri applies that are neither propagation, recursive (mounts.ts RECURSIVE_OPTIONS)
 * nor id-mapping (idmap.ts IDMAP_OPTIONS) options: mount(2) flags through liblxc, nosymfollow by init
 * or the start-host hook, tmpcopyup by init; "acl"/"noacl" go to mount(2) as runc's MS_POSIXACL does
 * (which the kernel keeps to itself): the parity test (parity-mounts.test.ts) shows each.
 */
export const MOUNT_FLAG_OPTIONS = [
  "acl",
  "async",
  "atime",
  "bind",
  "defaults",
  "dev",
  "diratime",
  "dirsync",
  "exec",
  "lazytime",
  "mand",
  "noacl",
  "noatime",
  "nodev",
  "nodiratime",
  "noexec",
  "nomand",
  "norelatime",
  "nostrictatime",
  "nosuid",
  "nosymfollow",
  "rbind",
  "relatime",
  "ro",
  "rw",
  "strictatime",
  "suid",
  "symfollow",
  "sync",
  "tmpcopyup",
] as const;

/** Propagation options: init or the start-host hook sets them after liblxc's mounts. */
export const PROPAGATION_OPTIONS = ["private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable"] as const;

/**
 * Mount options runc knows that lxcri refuses (naming mounts[i].options[j]) rather than drop:
 * mount(2) flags liblxc lacks (it would hand them to the filesystem as data, which a bind mount
 * ignores and a tmpfs refuses), "remount", which fails runc's mount, and crun's own extensions.
 */
export const MOUNT_OPTIONS_REFUSED = {
  iversion: "liblxc would hand it to the filesystem as data, not as the mount flag",
  noiversion: "liblxc would hand it to the filesystem as data, not as the mount flag",
  nolazytime: "liblxc would hand it to the filesystem as data, not as the mount flag",
  loud: "liblxc would hand it to the filesystem as data, not as the mount flag",
  silent: "liblxc would hand it to the filesystem as data, not as the mount flag",
  // runc passes MS_REMOUNT to the mount's first mount(2), which fails (EINVAL); liblxc would drop it
  remount: "a new mount has nothing to remount (runc's mount fails with EINVAL)",
  // crun's own extensions: liblxc would hand them to the filesystem as data, which a bind mount ignores
  "copy-symlink": "crun's extension (copy a symlink source into the container) is not implemented",
  "src-nofollow": "crun's extension (do not follow a symlink source) is not implemented",
  "dest-nofollow": "crun's extension (do not follow a symlink destination) is not implemented",
} as const;

/** Namespaces lxcri makes or joins (all of runtime-spec's). */
export const NAMESPACES = [...NAMESPACE_TYPES].sort();
