// Rootless mode on this host (cgroup v1, no systemd): a real ordinary user runs podman
// with `--runtime lxcri` (podman's own user namespace, slirp4netns, storage in the user's
// home) and lxcri's CLI directly (`spec --rootless`, a user namespace mapping root to the
// user through newuidmap). The state is under the user's $XDG_RUNTIME_DIR/lxcri; there is
// no cgroup a user may write here, so none is made and a limit is refused (as runc does).
// Neither podman nor the CLI may refuse the user's own state root as "not root's or
// writable by others", nor reach for /run/lxcri.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers } from "../helpers.ts";
import { argv } from "../argv.ts";
import type { Podman } from "../podman.ts";
import {
  containersOf,
  importBusyboxAs,
  podmanOf,
  type RootlessUser,
  removeRootless,
  rootlessToolsMissing,
  rootlessUser,
  stateRootOf,
  userBundle,
} from "../rootless-user.ts";

const podmanBin = Bun.which("podman");
const missing = rootlessToolsMissing();
const enabled = canRunContainers && !missing;
const IMAGE = "localhost/lxcri-rootless-busybox";

let u: RootlessUser;
let podman: Podman;
const stateRoot = () => stateRootOf(u);
const containersIn = () => containersOf(u);

beforeAll(() => {
  if (!enabled) return;
  u = rootlessUser();
  podman = podmanOf(u, 120_000);
  rmSync(stateRoot(), { recursive: true, force: true });
});

afterAll(() => {
  if (enabled) removeRootless(u, podmanBin ? podman : undefined);
});

describe.skipIf(!enabled || !podmanBin)("rootless podman --runtime lxcri, as an ordinary user", () => {
  beforeAll(() => {
    const imported = importBusyboxAs(u, IMAGE);
    if (imported.code !== 0) throw new Error(`podman import: ${imported.stderr}`);
  });

  test("run --rm: the output, the user's state root, nothing left", () => {
    const r = podman(["run", "--rm", "--network", "none", IMAGE, "sh", "-c", "echo hi; cat /proc/self/uid_map"]);
    expect(r.stderr).not.toContain("refusing");
    expect(r.code).toBe(0);
    // podman's user namespace: its root is the user
    expect(r.stdout).toMatch(new RegExp(`^hi\\n\\s+0\\s+${u.uid}\\s+1\\n`));
    const st = statSync(stateRoot());
    expect({ uid: st.uid, mode: st.mode & 0o777 }).toEqual({ uid: u.uid, mode: 0o700 });
    expect(containersIn()).toEqual([]);
  });

  test("run -d, exec, stop, rm: as a runc user sees them, the state root empty after", () => {
    const started = podman(argv`run -d --name rl-d --network none ${IMAGE} sh -c ${"trap 'exit 7' TERM; while :; do sleep 0.1; done"}`);
    expect(started.stderr).toBe("");
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    // the container's runtime directory is the user's, private
    const dir = join(stateRoot(), id);
    const st = statSync(dir);
    expect({ uid: st.uid, mode: st.mode & 0o777 }).toEqual({ uid: u.uid, mode: 0o700 });
    const e = podman(["exec", "rl-d", "sh", "-c", "echo in $(hostname); id -u"]);
    expect(e.code).toBe(0);
    expect(e.stdout).toBe(`in ${id.slice(0, 12)}\n0\n`);
    expect(podman(["exec", "rl-d", "sh", "-c", "exit 3"]).code).toBe(3);
    const top = podman(["top", "rl-d", "pid", "args"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain("while");
    const stop = podman(["stop", "-t", "10", "rl-d"]);
    expect(stop.code).toBe(0);
    expect(podman(["inspect", "--format", "{{.State.ExitCode}}", "rl-d"]).stdout.trim()).toBe("7");
    expect(podman(["rm", "rl-d"]).code).toBe(0);
    expect(containersIn()).toEqual([]);
  });

  test("podman's own network (slirp4netns): the container has its tap device", () => {
    const r = podman(["run", "--rm", IMAGE, "ip", "-o", "addr"]);
    expect({ code: r.code, stderr: r.code ? r.stderr : "" }).toEqual({ code: 0, stderr: "" }); // the error, if any, in the report
    expect(r.stdout).toMatch(/tap0\s+inet 10\.0\.2\.100\//);
  });

  test("--userns=keep-id: a user namespace of the container's own, inside podman's", () => {
    const r = podman(["run", "--rm", "--network", "none", "--userns=keep-id", IMAGE, "id", "-u"]);
    expect({ code: r.code, stderr: r.code ? r.stderr : "" }).toEqual({ code: 0, stderr: "" }); // the error, if any, in the report
    expect(r.stdout).toBe(`${u.uid}\n`);
  });
});

describe.skipIf(!enabled)("lxcri's CLI run directly by an ordinary user", () => {
  let b: string;
  const lxcri = (args: string[]) => u.run([u.lxcri, ...args], { cwd: b });
  beforeAll(() => {
    b = userBundle(u);
  });
  afterAll(() => {
    if (b) {
      for (const id of lxcri(["list", "-q"]).stdout.split("\n").filter(Boolean)) lxcri(["delete", "--force", id]);
      rmSync(b, { recursive: true, force: true });
    }
  });

  const setArgs = (args: string[], edit?: (s: Record<string, any>) => void) => {
    const file = join(b, "config.json");
    const spec = JSON.parse(readFileSync(file, "utf8"));
    spec.process.args = args;
    edit?.(spec);
    writeFileSync(file, JSON.stringify(spec));
  };

  test("spec --rootless, run: root in the container is the user, state in $XDG_RUNTIME_DIR/lxcri", () => {
    const s = lxcri(["spec", "--rootless"]);
    expect(s.stderr).toBe("");
    expect(s.code).toBe(0);
    setArgs(["sh", "-c", "echo hello; cat /proc/self/uid_map; id -u"]);
    const r = lxcri(["run", "rl-cli"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^hello\\n\\s+0\\s+${u.uid}\\s+1\\n0\\n$`));
    expect(existsSync(stateRoot())).toBe(true);
    expect(containersIn()).toEqual([]);
  });

  test("create, start, exec, ps, kill, delete: the lifecycle, masks in place", () => {
    setArgs(["sleep", "1000"]);
    expect(lxcri(["create", "rl-life"]).code).toBe(0);
    expect(JSON.parse(lxcri(["state", "rl-life"]).stdout).status).toBe("created");
    expect(lxcri(["start", "rl-life"]).code).toBe(0);
    // a masked path is the null device (cloned from the container's own /dev/null by its fd)
    const masked = lxcri(["exec", "rl-life", "sh", "-c", "stat -c '%t:%T' /proc/timer_list; id -u"]);
    expect(masked.stderr).toBe("");
    expect(masked.stdout).toBe("1:3\n0\n");
    expect(lxcri(["exec", "--detach", "rl-life", "sleep", "999"]).code).toBe(0);
    const ps = lxcri(["ps", "--format", "json", "rl-life"]);
    expect(ps.code).toBe(0);
    expect(JSON.parse(ps.stdout)).toHaveLength(2); // init's pid namespace: no cgroup here
    expect(lxcri(["kill", "rl-life", "KILL"]).code).toBe(0);
    const deadline = Date.now() + 5000;
    while (JSON.parse(lxcri(["state", "rl-life"]).stdout).status !== "stopped" && Date.now() < deadline) Bun.sleepSync(20);
    expect(lxcri(["delete", "rl-life"]).code).toBe(0);
    expect(containersIn()).toEqual([]);
  });

  test("a memory limit with no cgroup the user may write: refused naming the field, nothing left (runc's rule)", () => {
    setArgs(["true"], (s) => {
      s.linux.resources = { memory: { limit: 67108864 } };
    });
    const r = lxcri(["run", "rl-mem"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("linux.resources");
    expect(r.stderr).toContain("cannot set memory limit");
    expect(containersIn()).toEqual([]);
  });

  test("--rootless=false as a user: root's state root and rules, refused (not silently rootless)", () => {
    const r = u.run([u.lxcri, "--root", join(u.xdg, "lxcri-false"), "--rootless", "false", "run", "rl-false"], { cwd: b });
    rmSync(join(u.xdg, "lxcri-false"), { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("open_tree"); // no sealed copy in place of a mount: root's rules
  });

  test("helpers a container's uid could change are refused: parts owned by a subordinate uid", () => {
    const dir = mkdtempSync("/tmp/lxcri-test-rootless-planted-");
    chmodSync(dir, 0o755);
    cpSync(u.lxcri.replace(/\/lxcri$/, ""), join(dir, "p"), { recursive: true });
    // a uid of the user's subordinate range: what the container's root maps to under newuidmap
    for (const f of ["", "/lxcri-init"]) chownSync(join(dir, "p") + f, u.subUid, u.subUid);
    setArgs(["true"]);
    const r = u.run([join(dir, "p", "lxcri"), "run", "rl-planted"], { cwd: b });
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refusing to use");
    expect(containersIn()).toEqual([]);
  });
});

if (missing) test.skip(`rootless: ${missing} is missing (apt-get install uidmap)`, () => {});
