// Typed errors of the library. The CLI maps them to exit status 1 and prints
// `message`; callers match on `code` (and on the runc-compatible texts).

export type ErrorCode =
  | "invalid-config" // config.json (or an exec's process) is malformed or asks for something lxcri does not do
  | "unsupported-on-host" // the config is valid, but this host (its cgroups, namespaces or files) does not allow what it asks
  | "invalid-argument" // a bad id, signal, path or flag
  | "not-found" // the container does not exist
  | "exists" // the container id is taken
  | "bad-state" // the operation is not allowed in the container's current status
  | "hook-failed" // an OCI hook failed
  | "runtime"; // liblxc or the host failed

export class LxcriError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = "LxcriError";
  }
}

/** A JSON document lxcri checks: its name in messages, and the code its refusals carry. */
export interface Source {
  /** "config.json", a file name, "--resources", "exec". */
  label: string;
  code: "invalid-config" | "invalid-argument";
}

/** config.json as create and the checker name it by default. */
export const CONFIG_JSON: Source = { label: "config.json", code: "invalid-config" };

/**
 * A refused value of a JSON document, as `<source>: <path>: <detail>`. The
 * path and the detail are kept apart, so the entry point that was given the
 * document names it (`checkedFrom`): the checker itself never knows whether it
 * reads config.json, `--resources` or an exec's process.
 */
export class ConfigError extends LxcriError {
  /** Where the document came from ("config.json" unless an entry point said otherwise). */
  readonly source: string;
  /** The JSON path of the refused value in that document ("" for the document itself). */
  readonly path: string;
  /** What is wrong with it. */
  readonly detail: string;
  constructor(code: ErrorCode, source: string, path: string, detail: string) {
    super(code, `${source}: ${path ? `${path}: ` : ""}${detail}`);
    this.source = source;
    this.path = path;
    this.detail = detail;
  }
}

/** config.json (or another checked document) is wrong: names the JSON path and what is wrong. */
export function configError(path: string, message: string): ConfigError {
  return new ConfigError("invalid-config", CONFIG_JSON.label, path, message);
}

/**
 * A valid config that this host cannot (or must not) do: the refusal depends
 * on something only the host has — its cgroup layout ("has no cgroup v2
 * equivalent"), the runtime's own namespaces, its cgroup v1 mounts, the files
 * in the bundle and rootfs. The only refusal translation (src/lxc) makes
 * (besides read-back.ts's boundary check); every host-independent one is the
 * checker's (src/spec), as configError.
 */
export function unsupportedOnHost(path: string, why: string): ConfigError {
  return new ConfigError("unsupported-on-host", CONFIG_JSON.label, path, why);
}

/**
 * Runs `check` on a document from `source`: a ConfigError it throws then
 * names that source (and carries its code, unless it is a host's refusal).
 */
export function checkedFrom<T>(source: Source, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const code = e.code === "unsupported-on-host" ? e.code : source.code;
    if (e.source === source.label && code === e.code) throw e;
    throw new ConfigError(code, source.label, e.path, e.detail);
  }
}
