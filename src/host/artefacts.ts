// Where the installed parts of lxcri are, and the check that they may be run
// as root: lxcri-init and lxcri-monitor (ffi/native/). They are found next to the
// running executable (`bash scripts/install.sh` puts them and lxcri in
// PREFIX/lib/lxcri), or in build/ of this package when lxcri runs from source
// (a Bun script using the library, the tests). Nothing is looked up on $PATH,
// in $TMPDIR or through an environment variable, and each file and its
// directory must be root's and writable by no one else: code a local user
// could change must never run as root. Rootless, the caller's own files are
// trusted too (src/rootless.ts trustedOwners; docs/security.md, "Rootless").
import { lstat, realPath, stat } from "./fs.ts";
import { dirname, join } from "../path.ts";
import { LxcriError } from "../errors.ts";
import { partOwners } from "./caller-userns.ts";

export interface Installed {
  /** The container init and exec helper (static). */
  init: string;
  /** The liblxc monitor. */
  monitor: string;
}

const packageBuild = join(import.meta.dir, "..", "..", "build");

function directory(): string {
  return Bun.isStandaloneExecutable ? dirname(realPath(process.execPath)) : packageBuild;
}

/**
 * Throws unless `path` is a regular file (or a directory) owned by root (or
 * one of `owners`) and writable only by its owner. For a directory, every
 * directory above it too (writable by others only when sticky, as /tmp: no one
 * can rename what is root's there).
 */
export function checkTrusted(path: string, kind: "file" | "dir" = "file", owners: readonly number[] = [0]): void {
  const whose = owners.length === 1 ? "root's" : `owned by one of uids ${owners.join(", ")}`;
  if (kind === "dir")
    for (let up = dirname(path); up !== dirname(up); up = dirname(up)) {
      const st = stat(up);
      if (!owners.includes(st.uid) || (st.mode & 0o022 && !(st.mode & 0o1000)))
        throw new LxcriError(
          "runtime",
          `refusing to use ${path}: ${up} is not ${whose} or is writable by others (owner ${st.uid}, mode ${(st.mode & 0o7777).toString(8)})`,
        );
    }
  let st;
  try {
    st = kind === "file" ? lstat(path) : stat(path);
  } catch {
    throw new LxcriError("runtime", `${path} is missing: install lxcri with "bash scripts/install.sh" (or build it with "bun run build")`);
  }
  const what = kind === "file" ? st.isFile() : st.isDirectory();
  if (!what || !owners.includes(st.uid) || st.mode & 0o022)
    throw new LxcriError(
      "runtime",
      `refusing to use ${path}: it must be a ${kind === "file" ? "regular file" : "directory"} ${owners.length === 1 ? "owned by root" : whose} and writable by no one else (owner ${st.uid}, mode ${(st.mode & 0o7777).toString(8)})`,
    );
}

let cached: Installed | undefined;

/** The installed parts, checked; `rootless` is runc's --rootless (undefined: auto). */
export function installed(rootless?: boolean): Installed {
  if (cached) return cached;
  const dir = directory();
  const owners = partOwners(rootless);
  checkTrusted(dir, "dir", owners);
  const init = join(dir, "lxcri-init");
  const monitor = join(dir, "lxcri-monitor");
  checkTrusted(init, "file", owners);
  checkTrusted(monitor, "file", owners);
  cached = { init, monitor };
  return cached;
}
