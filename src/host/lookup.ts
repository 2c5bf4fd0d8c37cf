// PATH lookup in the container's filesystem, with the container's PATH, and
// HOME from the container's /etc/passwd (as runc does). `root` is "/" inside
// the container, or /proc/<init>/root when create checks from the
// host that the program exists, so that a missing one fails create (as in
// runc, whose callers map "executable file not found" to exit status 127).
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { LxcriError } from "../errors.ts";
import { resolveInRootfs } from "./rootfs.ts";

export function envValue(env: string[], key: string): string | undefined {
  const e = env.find((x) => x.startsWith(key + "="));
  return e?.slice(key.length + 1);
}

const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Where execvp looks for `name`: itself when it has a slash, else in each $PATH entry, in order. */
export function pathCandidates(name: string, env: string[]): string[] {
  if (name.includes("/")) return [name];
  return (envValue(env, "PATH") ?? DEFAULT_PATH).split(":").map((dir) => join(dir || ".", name));
}

/** `name` as the container sees it, through `root` with every symlink resolved inside it. */
function inRoot(root: string, path: string): string {
  return root === "/" ? path : join(root, resolveInRootfs(root, path));
}

export function findExecutable(name: string, env: string[], cwd = "/", root = "/"): string {
  if (name.includes("/")) {
    const path = name.startsWith("/") ? name : join(cwd, name);
    let st;
    try {
      st = statSync(inRoot(root, path));
    } catch {
      throw new LxcriError("invalid-config", `exec: ${JSON.stringify(name)}: no such file or directory`);
    }
    if (!st.isFile()) throw new LxcriError("invalid-config", `exec: ${JSON.stringify(name)}: permission denied (not a regular file)`);
    return name;
  }
  for (const candidate of pathCandidates(name, env)) {
    try {
      const onHost = inRoot(root, candidate.startsWith("/") ? candidate : join(cwd, candidate));
      accessSync(onHost, constants.X_OK);
      if (statSync(onHost).isFile()) return candidate;
    } catch {
      /* next */
    }
  }
  throw new LxcriError("invalid-config", `exec: ${JSON.stringify(name)}: executable file not found in $PATH`);
}

export function homeOf(uid: number, root = "/"): string {
  try {
    for (const line of readFileSync(inRoot(root, "/etc/passwd"), "utf8").split("\n")) {
      const f = line.split(":");
      if (f.length >= 6 && Number(f[2]) === uid && f[5]) return f[5];
    }
  } catch {
    /* no /etc/passwd in the image */
  }
  return "/";
}
