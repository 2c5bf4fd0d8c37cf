// The CVE-2019-5736 class: a process that enters a
// container must never reach a writable host binary through /proc/self/exe
// (or /proc/<pid>/exe of anything of the runtime's it can see).
//
// The image: /evil starts with "#!/proc/self/exe", so exec'ing it re-runs the
// runtime binary of whatever process exec'd it; /lib64/ld-linux-x86-64.so.2
// is a fake loader (test/attack-tools/fake-ld.c) that therefore runs in the
// container with /proc/self/exe = that binary, keeps an O_PATH fd to it, and
// forks /pwn (test/attack-tools/tool.c stage2), which keeps trying to reopen
// the fd for writing for 6 s, i.e. after the runtime process has gone. Every
// step goes to /out/exe-attack.log, a host directory, so the test can tell how
// far it got. Only the installed copy (installedCopy(), in a /run/lxcri-attack-prefix-*
// directory) is attacked, and the payload writes only into a file whose path
// has that tag: build/ and /usr cannot be reached.
//
// runc 1.1.5 on the same image: exec'ing /evil fails at stage 2's open with
// "Read-only file system" (runc re-execs itself from a sealed memfd copy).
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, LXCRI, testRoot } from "../../helpers.ts";
import {
  attackTool,
  bundle,
  cleanupAttackRoot,
  fakeLoader,
  hashTree,
  installedCopy,
  logLines,
  outDir,
  outMount,
  plant,
  prefixOf,
  PREFIX_TAG,
  processFile,
  removeInstalledCopies,
  removeScratch,
  runtime,
  settle,
  sha256,
} from "./attack-helpers.ts";
import type { Spec } from "../../../src/spec/types.ts";

const root = testRoot("attack-exe");
let exe = "";
let prefix = "";
const buildHash = canRunContainers ? sha256(LXCRI) : "";
// A fresh copy per test: a payload left running by one test must not be seen by the next.
beforeEach(() => {
  if (!canRunContainers) return;
  exe = installedCopy();
  prefix = prefixOf(exe);
});
afterAll(() => {
  cleanupAttackRoot(root);
  removeInstalledCopies();
  removeScratch();
}, 60_000);

/** A bundle whose image carries the attack, with a host directory at /out. */
function evilBundle(args: string[], edit?: (s: Spec) => void): { b: string; out: string } {
  const out = outDir("exe-out");
  const b = bundle(args, (s) => {
    s.mounts!.push(outMount(out));
    edit?.(s);
  });
  plant(b, "/evil", { text: "#!/proc/self/exe\n" });
  plant(b, "/lib64/ld-linux-x86-64.so.2", fakeLoader());
  plant(b, "/pwn", attackTool());
  return { b, out };
}

/** Every payload that started has finished: each stage 1 reached stage 2, each attempt on a target ended. */
function finished(lines: string[]): boolean {
  const n = (re: RegExp) => lines.filter((l) => re.test(l)).length;
  const stage1 = n(/^stage1: fake loader runs/) - n(/^stage1: (cannot open|exec \/pwn failed)/);
  return n(/^stage2 running/) >= stage1 && n(/^(gave up|WROTE into|not writing|write failed)/) >= n(/^target /);
}

/** Waits for the payload to finish (it gives up after 6 s), then checks that no runtime file was opened for writing or changed. */
async function expectUntouched(log: string, rootfs: string, before: Record<string, string>): Promise<string[]> {
  // stage 1 runs within a second if it runs at all; then stage 2 for up to 6 s
  await settle(() => logLines(log).length > 0, 1500);
  if (logLines(log).length) await settle(() => finished(logLines(log)), 9000);
  const lines = logLines(log);
  console.log(`payload log ${log}:\n  ${lines.join("\n  ") || "(nothing: the payload never ran)"}`);
  // how far it got: opening for writing any file that is not the image's own is already the hole
  const opened = lines.filter((l) => l.startsWith("OPENED-FOR-WRITE ")).map((l) => l.slice("OPENED-FOR-WRITE ".length));
  expect(opened.filter((target) => !existsSync(join(rootfs, target)))).toEqual([]);
  expect(hashTree(prefix)).toEqual(before);
  expect(sha256(LXCRI)).toBe(buildHash);
  return lines;
}

describe.skipIf(!canRunContainers)("attack: overwrite the runtime's binary through /proc/self/exe", () => {
  test("lxcri exec of an image file starting #!/proc/self/exe cannot write the installed lxcri", async () => {
    const lx = runtime(exe, root);
    const { b, out } = evilBundle(["sleep", "60"]);
    const before = hashTree(prefix);
    expect(lx(["create", "--bundle", b, "exe1"]).code).toBe(0);
    expect(lx(["start", "exe1"]).code).toBe(0);
    const r = lx(["exec", "exe1", "/evil"], { timeoutMs: 15_000 });
    console.log(`lxcri exec /evil: exit ${r.code} ${r.stderr.trim()}`);
    await expectUntouched(join(out, "exe-attack.log"), join(b, "rootfs"), before);
    // and the copy still is a working lxcri
    expect(lx(["state", "exe1"]).code).toBe(0);
    expect(lx(["delete", "--force", "exe1"]).code).toBe(0);
  }, 30_000);

  test("the same through exec --detach and exec with every capability", async () => {
    const lx = runtime(exe, root);
    const { b, out } = evilBundle(["sleep", "60"]);
    const before = hashTree(prefix);
    expect(lx(["create", "--bundle", b, "exe2"]).code).toBe(0);
    expect(lx(["start", "exe2"]).code).toBe(0);
    lx(["exec", "--detach", "exe2", "/evil"], { timeoutMs: 15_000 });
    lx(["exec", "--process", processFile(b, ["/evil"], { allCaps: true }), "exe2"], { timeoutMs: 15_000 });
    await expectUntouched(join(out, "exe-attack.log"), join(b, "rootfs"), before);
    expect(lx(["delete", "--force", "exe2"]).code).toBe(0);
  }, 30_000);

  test("a process exec'd into a created container cannot open init's (or any runtime process's) executable for writing", async () => {
    const lx = runtime(exe, root);
    const { b, out } = evilBundle(["sleep", "60"]);
    const before = hashTree(prefix);
    expect(lx(["create", "--bundle", b, "exe3"]).code).toBe(0);
    // every process the exec'd one can see, with the default capabilities and with all of them
    const script = `for p in /proc/[0-9]*; do /pwn reopen $p/exe /out/exe-attack.log 0.5 ${PREFIX_TAG}; done; true`;
    lx(["exec", "exe3", "sh", "-c", script], { timeoutMs: 20_000 });
    lx(["exec", "--process", processFile(b, ["sh", "-c", script], { allCaps: true }), "exe3"], { timeoutMs: 20_000 });
    // one that holds init's executable across start, when init no longer runs it
    const hold = `/pwn reopen /proc/1/exe /out/exe-attack.log 4 ${PREFIX_TAG}`;
    lx(["exec", "--detach", "--process", processFile(b, ["sh", "-c", hold], { allCaps: true }), "exe3"], { timeoutMs: 20_000 });
    await Bun.sleep(300);
    expect(lx(["state", "exe3"]).stdout).toContain('"created"');
    expect(lx(["start", "exe3"]).code).toBe(0);
    await expectUntouched(join(out, "exe-attack.log"), join(b, "rootfs"), before);
    expect(lx(["delete", "--force", "exe3"]).code).toBe(0);
  }, 30_000);

  test("startContainer hooks from the image (one starting #!/proc/self/exe) cannot write the runtime's binaries", async () => {
    const lx = runtime(exe, root);
    // first a hook that tries every process it can see, then the #!/proc/self/exe one
    const script = `for p in /proc/[0-9]*; do /pwn reopen $p/exe /out/exe-attack.log 0.5 ${PREFIX_TAG}; done; true`;
    const { b, out } = evilBundle(
      ["sleep", "60"],
      (s) => (s.hooks = { startContainer: [{ path: "/bin/sh", args: ["sh", "-c", script] }, { path: "/evil" }] }),
    );
    const before = hashTree(prefix);
    expect(lx(["create", "--bundle", b, "exe4"]).code).toBe(0);
    const r = lx(["start", "exe4"], { timeoutMs: 20_000 });
    console.log(`start with the hook: exit ${r.code} ${r.stderr.trim()}`);
    await expectUntouched(join(out, "exe-attack.log"), join(b, "rootfs"), before);
    expect(lx(["delete", "--force", "exe4"]).code).toBe(0);
  }, 30_000);

  test("the container's own process (lxcri run of #!/proc/self/exe) cannot write the runtime's binaries", async () => {
    const lx = runtime(exe, root);
    const { b, out } = evilBundle(["/evil"]);
    const before = hashTree(prefix);
    const r = lx(["run", "--bundle", b, "exe5"], { timeoutMs: 20_000 });
    console.log(`run /evil: exit ${r.code} ${r.stderr.trim()}`);
    await expectUntouched(join(out, "exe-attack.log"), join(b, "rootfs"), before);
    lx(["delete", "--force", "exe5"]);
  }, 30_000);
});
