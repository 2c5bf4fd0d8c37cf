// Makes a runnable OCI bundle from the host's busybox-static: rootfs/ with
// /bin/busybox and its applet links, and the default config.json.
// Usage: bun scripts/make-bundle.ts <dir> [args...]   (no network needed)
import { chmodSync, copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { defaultSpec } from "../src/spec/default.ts";

const BUSYBOX_CANDIDATES = ["/bin/busybox", "/usr/bin/busybox"];

export function makeBundle(dir: string, args: string[] = ["sh"], opts: { readonly?: boolean } = {}): string {
  const busybox = BUSYBOX_CANDIDATES.find((p) => existsSync(p));
  if (!busybox) throw new Error("busybox not found: apt-get install busybox-static");
  const bundle = resolve(dir);
  const rootfs = join(bundle, "rootfs");
  for (const d of ["bin", "proc", "sys", "dev", "etc", "tmp", "root"]) mkdirSync(join(rootfs, d), { recursive: true });
  chmodSync(join(rootfs, "tmp"), 0o1777);
  copyFileSync(busybox, join(rootfs, "bin", "busybox"));
  chmodSync(join(rootfs, "bin", "busybox"), 0o755);
  const applets = Bun.spawnSync([busybox, "--list"]).stdout.toString().split("\n").filter(Boolean);
  for (const a of applets) if (!existsSync(join(rootfs, "bin", a))) symlinkSync("busybox", join(rootfs, "bin", a));
  writeFileSync(join(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
  writeFileSync(join(rootfs, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
  const spec = defaultSpec(args);
  if (opts.readonly !== undefined) spec.root!.readonly = opts.readonly;
  writeFileSync(join(bundle, "config.json"), JSON.stringify(spec, null, 2) + "\n");
  return bundle;
}

if (import.meta.main) {
  const [dir, ...args] = process.argv.slice(2);
  if (!dir) {
    console.error("usage: bun scripts/make-bundle.ts <dir> [args...]");
    process.exit(2);
  }
  console.log(makeBundle(dir, args.length ? args : undefined));
}
