// The checker's entry points: config.json's bytes → Spec, an exec's process →
// Process, an update's --resources → Resources. Each is given its source,
// and its errors name it, the JSON path and the bad value:
// `config.json: process.args[0]: expected a string, got number 5`.
// Everything that does not depend on the host is checked here, so
// translation (src/lxc) only maps; the areas are process.ts, mounts.ts,
// linux.ts, resources.ts and seccomp.ts.
import { annotationRules } from "./annotations.ts";
import { CONFIG_JSON, checkedFrom, configError, LxcriError, type Source } from "../errors.ts";
import { absolutePath, arrayOf, boolean, type Check, integer, mapOf, object, opt, req, string } from "./check.ts";
import { idmapRules } from "./idmap.ts";
import { linux, namespaceRules } from "./linux.ts";
import { mounts, sharedBindRules } from "./mounts.ts";
import { argString, envEntry, process } from "./process.ts";
import { resources } from "./resources.ts";
import { HOOK_TYPES, type Process, type Resources, type Spec } from "./types.ts";
import { OCI_VERSION_MAX, OCI_VERSION_MIN } from "./versions.ts";

const ociVersion: Check<string> = (v, p) => {
  const s = string(v, p);
  const m = /^1\.([0-9]+)\.([0-9]+)(?:-[0-9A-Za-z.+-]+)?$/.exec(s);
  if (!m || Number(m[1]) > 3)
    throw configError(p, `unsupported version ${JSON.stringify(s)} (lxcri implements ${OCI_VERSION_MIN} to ${OCI_VERSION_MAX})`);
  return s;
};

const hook = object({
  path: req(absolutePath),
  args: opt(arrayOf(argString)),
  env: opt(arrayOf(envEntry)),
  timeout: opt(integer(1, 2 ** 31 - 1, "a positive number of seconds")),
});

const hooks = object(
  Object.fromEntries(HOOK_TYPES.map((t) => [t, opt(arrayOf(hook, 1024))])) as Record<
    (typeof HOOK_TYPES)[number],
    ReturnType<typeof opt<ReturnType<typeof hook>[]>>
  >,
);

/** root.path: a path, relative to the bundle or absolute. */
const rootPath: Check<string> = (v, p) => {
  const s = string(v, p);
  if (!s) throw configError(p, "is required");
  return s;
};

const spec = (systemdCgroup: boolean | "either") =>
  object({
    ociVersion: req(ociVersion),
    root: req(object({ path: req(rootPath), readonly: opt(boolean) })),
    process: req(process),
    hostname: opt(string),
    domainname: opt(string),
    mounts: opt(mounts),
    hooks: opt(hooks),
    annotations: opt(mapOf(string)),
    linux: opt(linux(systemdCgroup)),
  });

export interface ValidateOptions {
  /** What errors name (default: config.json). */
  source?: Source;
  /**
   * --systemd-cgroup: cgroupsPath is "slice:prefix:name", else (the default)
   * a path; "either": whichever form it has (a stored copy create checked).
   */
  systemdCgroup?: boolean | "either";
}

/** Checks a parsed config.json into a Spec. */
export function validateSpec(json: unknown, opts: ValidateOptions = {}): Spec {
  return checkedFrom(opts.source ?? CONFIG_JSON, () => {
    const s: Spec = spec(opts.systemdCgroup ?? false)(json, "");
    namespaceRules(s);
    annotationRules(s);
    idmapRules(s);
    sharedBindRules(s);
    return s;
  });
}

/**
 * Checks config.json's bytes (as src/host/config-file.ts read them) into a
 * Spec; errors name `file`.
 */
export function parseSpec(bytes: Uint8Array, file: string, opts: { systemdCgroup?: boolean } = {}): Spec {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new LxcriError("invalid-config", `${file}: invalid JSON: ${(e as Error).message}`);
  }
  return validateSpec(json, { source: { label: file, code: "invalid-config" }, systemdCgroup: opts.systemdCgroup });
}

/**
 * Checks a process: an exec's process.json (`source` its file name, fields
 * named from its root) or ExecOptions.process (`path` "process").
 */
export function validateProcess(json: unknown, source: string | Source, path = ""): Process {
  return checkedFrom(typeof source === "string" ? { label: source, code: "invalid-config" } : source, () => process(json, path));
}

/** Checks resources given apart from config.json (update's --resources): fields named from its root. */
export function validateResources(json: unknown, source: Source): Resources {
  return checkedFrom(source, () => resources(json, ""));
}
