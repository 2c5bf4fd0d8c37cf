// The bundle's config.json, read once (issue 18): create checks, runs and
// stores exactly the bytes of one read of one regular file, and never opens
// the bundle's file again, so nothing its owner renames, links or grows in
// the meantime is ever read (docs/security.md, "The config that was checked
// is the config that runs").
import { type FileType, readRegularFile } from "./fs.ts";
import { LxcriError } from "../errors.ts";
import type { Spec } from "../spec/types.ts";
import { parseSpec } from "../spec/validate.ts";

/**
 * The most config.json may hold. runc sets no bound; real configs are
 * kilobytes (a default seccomp profile ~60 KiB), and what could make one big
 * is bounded elsewhere: args and env by execve (ARG_MAX, at most 6 MiB),
 * Kubernetes annotations at 256 KiB.
 */
export const CONFIG_MAX_BYTES = 16 * 1024 * 1024;

const NOT_READ: Record<Exclude<FileType, "file"> | "too large", string> = {
  // runc follows a symlink here; lxcri reads the bundle's own file or nothing
  symlink: "is a symbolic link: config.json must be a regular file in the bundle (lxcri does not follow a link to it)",
  dir: "is a directory, not a regular file",
  fifo: "is a FIFO, not a regular file",
  socket: "is a socket, not a regular file",
  "char device": "is a character device, not a regular file",
  "block device": "is a block device, not a regular file",
  unknown: "is not a regular file",
  "too large": `larger than ${CONFIG_MAX_BYTES / 2 ** 20} MiB, the most lxcri reads of a config.json`,
};

/** config.json as create read it: the bytes and the Spec checked from exactly those bytes. */
export interface LoadedConfig {
  spec: Spec;
  bytes: Uint8Array;
}

/**
 * Reads `file` (`<bundle>/config.json`) once — a regular file, no symlink
 * followed at its name, at most CONFIG_MAX_BYTES — and checks it; errors name `file`.
 */
export function loadConfig(file: string, opts: { systemdCgroup?: boolean } = {}): LoadedConfig {
  let read: ReturnType<typeof readRegularFile>;
  try {
    read = readRegularFile(file, CONFIG_MAX_BYTES);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new LxcriError("invalid-config", `${file}: cannot read: ${err.code === "ENOENT" ? "no such file" : err.message}`);
  }
  if ("refused" in read) throw new LxcriError("invalid-config", `${file}: ${NOT_READ[read.refused]}`);
  return { spec: parseSpec(read.bytes, file, opts), bytes: read.bytes };
}

/** Reads and checks `<bundle>/config.json` as create does (loadConfig); errors name `file`. */
export function loadSpec(file: string, opts: { systemdCgroup?: boolean } = {}): Spec {
  return loadConfig(file, opts).spec;
}
