// PATH lookup in the container's filesystem, with the container's PATH, and
// HOME from the container's /etc/passwd (as runc does).
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export function envValue(env: string[], key: string): string | undefined {
  const e = env.find((x) => x.startsWith(key + "="));
  return e?.slice(key.length + 1);
}

export function findExecutable(name: string, env: string[]): string {
  if (name.includes("/")) return name;
  const path = envValue(env, "PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const dir of path.split(":")) {
    const candidate = join(dir || ".", name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      /* next */
    }
  }
  throw new Error(`exec: ${JSON.stringify(name)}: executable file not found in $PATH`);
}

export function homeOf(uid: number): string {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const f = line.split(":");
      if (f.length >= 6 && Number(f[2]) === uid && f[5]) return f[5];
    }
  } catch {
    /* no /etc/passwd in the image */
  }
  return "/";
}
