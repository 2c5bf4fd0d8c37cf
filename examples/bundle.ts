// A throwaway OCI bundle for the examples: a rootfs with the host's static
// busybox (apt-get install busybox-static) and defaultSpec()'s config.json.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultSpec, type Spec } from "lxcri";

/** A bundle whose process runs `args`; `edit` changes its config; remove it with `rmSync(dir, { recursive: true })`. */
export function busyboxBundle(args: string[], edit?: (spec: Spec) => void): string {
  const busybox = ["/bin/busybox", "/usr/bin/busybox"].find((p) => existsSync(p));
  if (!busybox) throw new Error("busybox not found: apt-get install busybox-static");
  const dir = mkdtempSync(join(tmpdir(), "lxcri-example-"));
  const rootfs = join(dir, "rootfs");
  for (const d of ["bin", "proc", "sys", "dev", "etc", "tmp"]) mkdirSync(join(rootfs, d), { recursive: true });
  copyFileSync(busybox, join(rootfs, "bin/busybox"));
  for (const applet of Bun.spawnSync([busybox, "--list"]).stdout.toString().split("\n").filter(Boolean))
    if (applet !== "busybox") symlinkSync("busybox", join(rootfs, "bin", applet));
  const spec = defaultSpec(args);
  // the rootfs is read-only (defaultSpec): scratch space is a tmpfs
  spec.mounts!.push({ destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "size=16m"] });
  edit?.(spec);
  writeFileSync(join(dir, "config.json"), JSON.stringify(spec));
  return dir;
}

export function removeBundle(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
