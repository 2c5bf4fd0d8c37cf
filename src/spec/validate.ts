// config.json → Spec, checked field by field. Errors name the JSON path
// and the bad value: `config.json: process.args[0]: expected a string, got number 5`.
import { readFileSync } from "node:fs";
import { configError, LxcriError } from "../errors.ts";
import {
  absolutePath,
  any,
  arrayOf,
  boolean,
  type Check,
  int64,
  integer,
  mapOf,
  object,
  oneOf,
  opt,
  req,
  string,
  uint32,
  uint64,
} from "./check.ts";
import { CAPABILITY_SETS, HOOK_TYPES, NAMESPACE_TYPES, type Process, type Spec } from "./types.ts";
import { RLIMITS } from "./rlimits.ts";

import { OCI_VERSION_MAX, OCI_VERSION_MIN } from "./versions.ts";

const ociVersion: Check<string> = (v, p) => {
  const s = string(v, p);
  const m = /^1\.([0-9]+)\.([0-9]+)(?:-[0-9A-Za-z.+-]+)?$/.exec(s);
  if (!m || Number(m[1]) > 3)
    throw configError(p, `unsupported version ${JSON.stringify(s)} (lxcri implements ${OCI_VERSION_MIN} to ${OCI_VERSION_MAX})`);
  return s;
};

const envEntry: Check<string> = (v, p) => {
  const s = string(v, p);
  if (!s.includes("=")) throw configError(p, `environment entry ${JSON.stringify(s)} has no "="`);
  if (s.includes("\0")) throw configError(p, "must not contain NUL");
  return s;
};

const argString: Check<string> = (v, p) => {
  const s = string(v, p);
  if (s.includes("\0")) throw configError(p, "must not contain NUL");
  return s;
};

const capability: Check<string> = (v, p) => {
  const s = string(v, p);
  if (!/^CAP_[A-Z_]+$/.test(s)) throw configError(p, `invalid capability name ${JSON.stringify(s)}`);
  return s;
};

const idMapping = object({ containerID: req(uint32), hostID: req(uint32), size: req(uint32) });

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

const rlimit = object({ type: req(oneOf(Object.keys(RLIMITS))), soft: req(uint64), hard: req(uint64) });

const process_ = object({
  terminal: opt(boolean),
  consoleSize: opt(object({ height: req(uint32), width: req(uint32) })),
  user: req(
    object({
      uid: req(uint32),
      gid: req(uint32),
      umask: opt(uint32),
      additionalGids: opt(arrayOf(uint32)),
      username: opt(string),
    }),
  ),
  args: req(arrayOf(argString)),
  commandLine: opt(string),
  env: opt(arrayOf(envEntry)),
  cwd: req(absolutePath),
  capabilities: opt(
    object(
      Object.fromEntries(CAPABILITY_SETS.map((s) => [s, opt(arrayOf(capability))])) as Record<
        (typeof CAPABILITY_SETS)[number],
        ReturnType<typeof opt<string[]>>
      >,
    ),
  ),
  rlimits: opt(arrayOf(rlimit)),
  noNewPrivileges: opt(boolean),
  apparmorProfile: opt(string),
  oomScoreAdj: opt(integer(-1000, 1000)),
  selinuxLabel: opt(string),
  ioPriority: opt(any),
  scheduler: opt(any),
  execCPUAffinity: opt(any),
});

const mount = object({
  destination: req(string),
  type: opt(string),
  source: opt(string),
  options: opt(arrayOf(string)),
  uidMappings: opt(arrayOf(idMapping)),
  gidMappings: opt(arrayOf(idMapping)),
});

const deviceRule = object({
  allow: req(boolean),
  type: opt(oneOf(["a", "b", "c"])),
  major: opt(int64),
  minor: opt(int64),
  access: opt(string),
});

const device = object({
  type: req(oneOf(["c", "b", "u", "p"])),
  path: req(absolutePath),
  major: opt(int64),
  minor: opt(int64),
  fileMode: opt(uint32),
  uid: opt(uint32),
  gid: opt(uint32),
});

const linux = object({
  namespaces: opt(arrayOf(object({ type: req(oneOf(NAMESPACE_TYPES)), path: opt(absolutePath) }))),
  uidMappings: opt(arrayOf(idMapping)),
  gidMappings: opt(arrayOf(idMapping)),
  devices: opt(arrayOf(device)),
  cgroupsPath: opt(string),
  resources: opt(object({ devices: opt(arrayOf(deviceRule)) })),
  sysctl: opt(mapOf(string)),
  seccomp: opt(any),
  rootfsPropagation: opt(oneOf(["shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable"])),
  maskedPaths: opt(arrayOf(absolutePath)),
  readonlyPaths: opt(arrayOf(absolutePath)),
  mountLabel: opt(string),
  intelRdt: opt(any),
  personality: opt(any),
  timeOffsets: opt(any),
  memoryPolicy: opt(any),
  netDevices: opt(any),
});

const spec = object({
  ociVersion: req(ociVersion),
  root: opt(object({ path: req(string), readonly: opt(boolean) })),
  process: opt(process_),
  hostname: opt(string),
  domainname: opt(string),
  mounts: opt(arrayOf(mount)),
  hooks: opt(hooks),
  annotations: opt(mapOf(string)),
  linux: opt(linux),
});

/** Validates a parsed config.json. `resources` keys other than devices are kept for translation to judge. */
export function validateSpec(json: unknown): Spec {
  const s = spec(json, "") as Spec;
  // Keep the raw resources object: translation reports every controller it cannot apply.
  const rawResources = (json as { linux?: { resources?: Record<string, unknown> } }).linux?.resources;
  if (s.linux?.resources && rawResources) s.linux.resources = { ...rawResources, ...s.linux.resources };
  checkUnique(s);
  return s;
}

function checkUnique(s: Spec): void {
  const seen = new Set<string>();
  s.linux?.namespaces?.forEach((ns, i) => {
    if (seen.has(ns.type)) throw configError(`linux.namespaces[${i}].type`, `duplicate namespace "${ns.type}"`);
    seen.add(ns.type);
  });
  const limits = new Set<string>();
  s.process?.rlimits?.forEach((r, i) => {
    if (limits.has(r.type)) throw configError(`process.rlimits[${i}].type`, `duplicate rlimit "${r.type}"`);
    if (r.soft > r.hard) throw configError(`process.rlimits[${i}]`, `soft limit ${r.soft} is above the hard limit ${r.hard}`);
    limits.add(r.type);
  });
}

/** Reads and validates `<bundle>/config.json`. */
export function loadSpec(file: string): Spec {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new LxcriError("invalid-config", `${file}: cannot read: ${err.code === "ENOENT" ? "no such file" : err.message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LxcriError("invalid-config", `${file}: invalid JSON: ${(e as Error).message}`);
  }
  try {
    return validateSpec(json);
  } catch (e) {
    if (e instanceof LxcriError) throw new LxcriError(e.code, e.message.replace(/^config\.json/, file));
    throw e;
  }
}

/** Validates a process object (`exec --process FILE`); errors name `file` and the field. */
export function validateProcess(json: unknown, file: string): Process {
  try {
    const p = process_(json, "") as Process;
    const limits = new Set<string>();
    p.rlimits?.forEach((r, i) => {
      if (limits.has(r.type)) throw configError(`rlimits[${i}].type`, `duplicate rlimit "${r.type}"`);
      limits.add(r.type);
    });
    return p;
  } catch (e) {
    if (e instanceof LxcriError) throw new LxcriError(e.code, e.message.replace(/^config\.json/, file));
    throw e;
  }
}
