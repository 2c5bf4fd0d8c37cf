// Issue 11, findings 4 and 6: the runtime directory of a container with a user
// namespace. Its host uid (the mapped root, 100000 here: any process that is
// root in such a container, or in another with the same mapping) must not be
// able to change what root runs later (hooks that start and delete run as host
// root), and no local user may read what is in it (config.json has the
// process's env, hooks their env).
//
// Found: <root>/<id>/ owned by 100000 (mode 0711); 100000 replaced hooks/ and
// start and delete ran the planted poststart/poststop hooks as host root;
// nobody read config.json and hooks' environ (0644 files in a 0711 directory).
// runc 1.1.5: /run/runc/<id> is 0700 root:root with state.json 0600 in it.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, lstatSync, readdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, LXCRI, testRoot } from "../../helpers.ts";
import { bundle, cleanupAttackRoot, hostMarker, MAPPED_ROOT, NOBODY, removeScratch, run, runtime, tempDir } from "./attack-helpers.ts";
import type { Spec } from "../../../src/spec/types.ts";

const root = testRoot("attack-rundir");
afterAll(() => {
  cleanupAttackRoot(root);
  removeScratch();
}, 60_000);

const SECRET = `s3cr3t-${process.pid}-${Date.now()}`;

/** A busybox bundle with a user namespace mapping the container's root to host uid 100000, a secret in its env and hooks. */
function usernsBundle(edit?: (s: Spec) => void): string {
  const b = bundle(["sleep", "60"], (s) => {
    s.linux!.namespaces!.push({ type: "user" });
    s.linux!.uidMappings = [{ containerID: 0, hostID: MAPPED_ROOT, size: 65536 }];
    s.linux!.gidMappings = [{ containerID: 0, hostID: MAPPED_ROOT, size: 65536 }];
    s.process!.env!.push(`SECRET_TOKEN=${SECRET}`);
    // hooks that exist legitimately (so the layout has them), with a secret in their env
    s.hooks = {
      poststart: [{ path: "/bin/true", env: [`HOOK_SECRET=${SECRET}`] }],
      poststop: [{ path: "/bin/true", env: [`HOOK_SECRET=${SECRET}`] }],
    };
    edit?.(s);
  });
  chmodSync(b, 0o755); // the mapped root must reach the rootfs, as with any runtime
  return b;
}

/** Everything under dir (dir first), as root sees it. */
function walk(dir: string): string[] {
  const out = [dir];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** A shell script run as an unprivileged host user: each attempt prints "SUCCEEDED: what" or "denied: what". */
function attempt(as: number, script: string): string[] {
  const file = join(tempDir("attempt"), "attempt.sh");
  writeFileSync(
    file,
    `try() { what="$1"; shift; if "$@" >/dev/null 2>&1; then echo "SUCCEEDED: $what"; else echo "denied: $what"; fi; }\n${script}`,
  );
  chmodSync(join(file, ".."), 0o755);
  chmodSync(file, 0o755);
  const r = run(["/bin/sh", file], { as, timeoutMs: 20_000 });
  return r.stdout.split("\n").filter(Boolean);
}

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

describe.skipIf(!canRunContainers)("attack: the runtime directory of a user-namespaced container", () => {
  test("after create, <root>/<id>/ and everything in it is root's and writable by root alone", () => {
    const lx = runtime(LXCRI, root);
    const b = usernsBundle();
    expect(lx(["create", "--bundle", b, "rd1"]).code).toBe(0);
    const bad: string[] = [];
    for (const p of [root, ...walk(join(root, "rd1"))]) {
      const st = lstatSync(p);
      if (st.uid !== 0 || st.gid !== 0) bad.push(`${p}: owned by ${st.uid}:${st.gid}`);
      if (!st.isSymbolicLink() && st.mode & 0o022) bad.push(`${p}: mode ${(st.mode & 0o7777).toString(8)} (writable by group or others)`);
    }
    expect(bad).toEqual([]);
    expect(lx(["delete", "--force", "rd1"]).code).toBe(0);
  }, 30_000);

  test("the mapped root's host uid cannot replace hooks/ or plant a poststart/poststop hook; start and delete run nothing planted", () => {
    const lx = runtime(LXCRI, root);
    const b = usernsBundle();
    const marker = hostMarker();
    expect(lx(["create", "--bundle", b, "rd2"]).code).toBe(0);
    const dir = join(root, "rd2");
    // today's hooks layout (README "Hooks"), and generic writes anywhere in the directory
    const plantHook = (d: string) =>
      `mkdir -p ${d} && printf %s /bin/sh > ${d}/path && printf 'sh\\000-c\\000touch ${marker}\\000' > ${d}/cmdline`;
    const script = [
      `export D=${q(dir)}`,
      `try "replace hooks/ (rename it away)" mv "$D/hooks" "$D/hooks.orig"`,
      `try "create hooks/ anew" mkdir "$D/hooks"`,
      ...["poststart", "poststop"].flatMap((t) => [
        `try "add a ${t} hook" sh -c ${q(plantHook(`"$D/hooks/${t}/1"`))}`,
        `try "replace ${t} hook 0" sh -c ${q(`rm -rf "$D/hooks/${t}/0" && ${plantHook(`"$D/hooks/${t}/0"`)}`)}`,
        `try "rewrite ${t} hook 0's path" sh -c ${q(`printf %s /bin/sh > "$D/hooks/${t}/0/path"`)}`,
      ]),
      // anything else: a new file in each directory, appending to each file, renaming each entry
      `find "$D" -type d 2>/dev/null | while read -r d; do try "create a file in $d" touch "$d/.attack"; done`,
      `find "$D" -type f 2>/dev/null | while read -r f; do try "append to $f" sh -c ": >> '$f'"; done`,
      // (renamed back at once: the planted hooks above must stay where start and delete look)
      `for e in "$D"/* "$D"/.[!.]*; do [ -e "$e" ] && try "rename $e" sh -c 'mv "$1" "$1.moved" && mv "$1.moved" "$1"' - "$e"; done`,
      `try "rename the container directory" sh -c 'mv "$1" "$1.moved" && mv "$1.moved" "$1"' - "$D"`,
    ].join("\n");
    const lines = attempt(MAPPED_ROOT, script);
    console.log(lines.join("\n"));
    // start and delete run the hooks as host root: nothing planted may run
    lx(["start", "rd2"], { timeoutMs: 20_000 });
    lx(["delete", "--force", "rd2"], { timeoutMs: 20_000 });
    expect({ plantedHookRanAsHostRoot: existsSync(marker) }).toEqual({ plantedHookRanAsHostRoot: false });
    expect(lines.filter((l) => l.startsWith("SUCCEEDED"))).toEqual([]);
  }, 30_000);

  test("no local user reads config.json, the process's env or hooks' env: nobody reads nothing, the mapped root not those", () => {
    const lx = runtime(LXCRI, root);
    const b = usernsBundle();
    expect(lx(["create", "--bundle", b, "rd3"]).code).toBe(0);
    const check = (when: string) => {
      const files = walk(join(root, "rd3")).filter((p) => lstatSync(p).isFile());
      const nobody = attempt(
        NOBODY,
        [`try "list ${join(root, "rd3")}" ls ${q(join(root, "rd3"))}`, ...files.map((f) => `try "read ${f}" cat ${q(f)}`)].join("\n"),
      );
      // the mapped root may need to open some of the container's own files, never these
      const secret = files.filter((f) => /\/(config\.json|record\.json|hooks\/.*|hooks\.log|lxc\.conf)$/.test(f));
      const mapped = attempt(MAPPED_ROOT, secret.map((f) => `try "read ${f}" cat ${q(f)}`).join("\n"));
      const leaked = [...nobody.map((l) => `nobody: ${l}`), ...mapped.map((l) => `uid ${MAPPED_ROOT}: ${l}`)].filter((l) =>
        l.includes("SUCCEEDED"),
      );
      expect({ when, leaked }).toEqual({ when, leaked: [] });
      // and the secret itself, through anything nobody can list and read
      const grep = run(["grep", "-r", SECRET, join(root, "rd3")], { as: NOBODY });
      expect({ when, found: grep.stdout }).toEqual({ when, found: "" });
    };
    check("created");
    expect(lx(["start", "rd3"]).code).toBe(0);
    check("running");
    expect(lx(["delete", "--force", "rd3"]).code).toBe(0);
  }, 30_000);

  // Before issue 23 round 5, `state` read through Bun.file, whose stat follows a symlink: it reported a
  // container whose directory had been replaced by a symlink, which start, kill and delete refuse.
  test("a runtime directory replaced by a symlink: state refuses it as start and kill do (one reader, store.ts)", () => {
    const lx = runtime(LXCRI, root);
    expect(lx(["create", "--bundle", bundle(["sleep", "60"]), "rd4"]).code).toBe(0);
    const dir = join(root, "rd4");
    renameSync(dir, `${dir}.real`);
    symlinkSync(`${dir}.real`, dir);
    try {
      for (const args of [
        ["state", "rd4"],
        ["start", "rd4"],
        ["kill", "rd4", "KILL"],
      ]) {
        const r = lx(args);
        expect({ args, code: r.code, stderr: r.stderr }).toEqual({
          args,
          code: 1,
          stderr: expect.stringContaining("refusing to use a runtime directory"),
        });
      }
    } finally {
      unlinkSync(dir);
      renameSync(`${dir}.real`, dir);
    }
    expect(lx(["delete", "--force", "rd4"]).code).toBe(0);
  }, 30_000);
});
