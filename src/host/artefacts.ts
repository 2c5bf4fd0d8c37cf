// Where the installed parts of lxcri are.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LxcriError } from "../errors.ts";
import type { LauncherFiles } from "../lxc/translate.ts";

// The launcher is a Bun executable: it needs the dynamic loader and these
// libraries; libseccomp (a liblxc dependency) to load seccomp filters.
const LAUNCHER_LIBS = ["libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "libseccomp.so.2"];

/** The launcher binary: $LXCRI_LAUNCHER, else next to the lxcri executable, else build/ of this checkout. */
export function launcherBinary(): string {
  const candidates = [
    process.env.LXCRI_LAUNCHER,
    Bun.isStandaloneExecutable ? join(dirname(process.execPath), "lxcri-launcher") : undefined,
    join(import.meta.dir, "..", "build", "lxcri-launcher"),
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new LxcriError("runtime", `launcher not found (looked at ${candidates.join(", ")}): run "bun run build"`);
  return found;
}

let cachedLauncher: LauncherFiles | undefined;

/** The launcher and the loader and libraries of this very process (the same glibc Bun runs on). */
export function launcherFiles(): LauncherFiles {
  if (cachedLauncher) return cachedLauncher;
  const maps = readFileSync("/proc/self/maps", "utf8");
  const mapped = (name: string) => maps.match(new RegExp(`(/\\S*/${name.replace(/\./g, "\\.")})$`, "m"))?.[1];
  const loader = mapped("ld-linux-x86-64.so.2");
  const libc = mapped("libc.so.6");
  if (!loader || !libc) throw new LxcriError("runtime", "cannot find the host's glibc loader and libc.so.6 in /proc/self/maps");
  const libs = LAUNCHER_LIBS.map((l) => join(dirname(libc), l)).filter((p) => existsSync(p));
  const binary = launcherBinary();
  // The launcher's exec step prebuilt by scripts/build.ts, if there is one: it then needs no cc().
  for (const f of readdirSync(dirname(binary))) if (/^lxcri-exec-[0-9a-f]+\.so$/.test(f)) libs.push(join(dirname(binary), f));
  cachedLauncher = { binary, loader, libs };
  return cachedLauncher;
}
