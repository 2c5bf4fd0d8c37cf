// OCI hooks on real containers with real hook executables: order, state on
// stdin, argv/env/cwd, namespaces, timeouts, failure semantics, the trace.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Hook, Spec } from "../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, LXCRI, leftovers, lxcri, state, tempDir, testRoot, waitFor } from "../helpers.ts";

const root = testRoot("hooks");
afterAll(() => cleanupRoot(root));

const RUNTIME_NS_TYPES = ["prestart", "createRuntime", "poststart", "poststop"] as const;

/** A host script that records everything a hook can see into <dir>/<name>.*; argv[1] names the record. */
function recorder(dir: string, shell = "/bin/sh"): string {
  const p = join(dir, "record.sh");
  writeFileSync(
    p,
    `#!${shell}
d=$(dirname "$0"); n=$1
cat > "$d/$n.stdin"
printf '%s\\n' "$@" > "$d/$n.argv"
env | sort > "$d/$n.env"
pwd > "$d/$n.cwd"
for t in mnt net pid uts; do readlink /proc/self/ns/$t; done > "$d/$n.ns"
echo "$n" >> "$d/order"
`,
  );
  chmodSync(p, 0o755);
  return p;
}

/** Bundle whose container sees the host dir `log` at /hooklog (for hooks that run inside the container). */
function hookBundle(args: string[], log: string, hooks: Spec["hooks"], edit?: (s: Spec) => void): string {
  return bundle(args, (s) => {
    s.mounts!.push({ destination: "/hooklog", source: log, options: ["bind", "rw"] });
    s.hooks = hooks;
    edit?.(s);
  });
}

const ns = (pid: number | "self") => ["mnt", "net", "pid", "uts"].map((t) => readlinkSync(`/proc/${pid}/ns/${t}`)).join("\n") + "\n";

describe.skipIf(!canRunContainers)("hooks (real containers)", () => {
  test("every type runs once, in spec order, at its point, with the right state, argv, env, cwd and namespaces", async () => {
    const log = tempDir("hooklog");
    chmodSync(log, 0o777);
    const rec = recorder(log);
    // startContainer runs inside the container: its recorder lives in the rootfs.
    const h = (type: string, extra: Partial<Hook> = {}): Hook => ({ path: rec, args: ["recorder", type], ...extra });
    const hooks = {
      prestart: [h("prestart", { env: ["ONLY=prestart"] })],
      createRuntime: [h("createRuntime")],
      createContainer: [h("createContainer")],
      startContainer: [{ path: "/hooklog/record.sh", args: ["recorder", "startContainer"] }],
      poststart: [
        {
          path: "/bin/sh",
          args: [
            "sh",
            "-c",
            `tr '\\0' ' ' < /proc/$(sed 's/.*"pid":\\([0-9]*\\).*/\\1/')/cmdline > ${log}/poststart.sees; echo poststart-check >> ${log}/order`,
          ],
        },
        h("poststart"),
      ],
      poststop: [h("poststop")],
    };
    const b = hookBundle(
      ["sh", "-c", "echo process >> /hooklog/order; sleep 30"],
      log,
      hooks,
      (s) => (s.annotations = { "org.test": "yes" }),
    );
    process.env.LXCRI_TEST_RUNTIME_ENV = "from-the-runtime";
    expect(lxcri(root, ["create", "--bundle", b, "hk1"]).stderr).toBe("");
    const created = state(root, "hk1");
    expect(readFileSync(join(log, "order"), "utf8")).toBe("prestart\ncreateRuntime\ncreateContainer\n");
    expect(lxcri(root, ["start", "hk1"]).stderr).toBe("");
    await waitFor(() => readFileSync(join(log, "order"), "utf8").includes("process"), 5000, "process");
    const containerNs = ns(created.pid);
    expect(lxcri(root, ["delete", "--force", "hk1"]).stderr).toBe("");

    const order = readFileSync(join(log, "order"), "utf8").trim().split("\n");
    expect(order.filter((l) => l !== "process")).toEqual([
      "prestart",
      "createRuntime",
      "createContainer",
      "startContainer",
      "poststart-check",
      "poststart",
      "poststop",
    ]);
    expect(order.indexOf("process")).toBeGreaterThan(order.indexOf("startContainer"));
    // The user process had been exec'd when poststart ran.
    const seen = readFileSync(join(log, "poststart.sees"), "utf8");
    expect(seen).not.toContain("lxcri-launcher");
    expect(seen).toMatch(/^(sh -c echo process|sleep 30)/);

    const stdin = (t: string) => JSON.parse(readFileSync(join(log, `${t}.stdin`), "utf8"));
    const expected = {
      prestart: "creating",
      createRuntime: "creating",
      createContainer: "creating",
      startContainer: "created",
      poststart: "running",
      poststop: "stopped",
    };
    for (const [type, status] of Object.entries(expected)) {
      const s = stdin(type);
      expect({ type, status: s.status }).toEqual({ type, status });
      expect(s.id).toBe("hk1");
      expect(s.bundle).toBe(b);
      expect(s.ociVersion).toBe("1.0.2");
      expect(s.annotations).toEqual({ "org.test": "yes" });
    }
    // pid: the init as the host sees it in runtime-namespace hooks, as the container sees it inside.
    for (const t of ["prestart", "createRuntime", "poststart"]) expect(stdin(t).pid).toBe(created.pid);
    expect(stdin("createContainer").pid).toBe(1);
    expect(stdin("startContainer").pid).toBe(1);
    expect(stdin("poststop").pid).toBe(0);

    // argv exactly as args; env exactly as env when given, the runtime's otherwise.
    expect(readFileSync(join(log, "prestart.argv"), "utf8")).toBe("prestart\n");
    expect(
      readFileSync(join(log, "prestart.env"), "utf8")
        .split("\n")
        .filter((l) => l && !/^(PWD|SHLVL|_)=/.test(l)),
    ).toEqual(["ONLY=prestart"]);
    for (const t of ["createRuntime", "createContainer", "poststart", "poststop"])
      expect(readFileSync(join(log, `${t}.env`), "utf8")).toContain("LXCRI_TEST_RUNTIME_ENV=from-the-runtime");
    // cwd: the bundle for runtime-namespace hooks.
    for (const t of RUNTIME_NS_TYPES) expect(readFileSync(join(log, `${t}.cwd`), "utf8").trim()).toBe(b);
    // namespaces: the host's for runtime-namespace hooks, the container's for the other two.
    for (const t of RUNTIME_NS_TYPES) expect({ t, ns: readFileSync(join(log, `${t}.ns`), "utf8") }).toEqual({ t, ns: ns("self") });
    for (const t of ["createContainer", "startContainer"])
      expect({ t, ns: readFileSync(join(log, `${t}.ns`), "utf8") }).toEqual({ t, ns: containerNs });
    expect(leftovers(root, "hk1")).toEqual([]);
  });

  test("with a user namespace: every type runs, prestart and createRuntime in the runtime's namespaces", () => {
    const log = tempDir("userns-hooks");
    chmodSync(log, 0o777); // createContainer and startContainer run as the mapped root
    writeFileSync(join(log, "order"), "");
    chmodSync(join(log, "order"), 0o666);
    const rec = recorder(log);
    const h = (type: string): Hook => ({ path: rec, args: ["recorder", type] });
    const b = hookBundle(
      ["true"],
      log,
      {
        prestart: [h("prestart")],
        createRuntime: [h("createRuntime")],
        createContainer: [h("createContainer")],
        startContainer: [{ path: "/hooklog/record.sh", args: ["recorder", "startContainer"] }],
        poststart: [h("poststart")],
        poststop: [h("poststop")],
      },
      (s) => {
        s.linux!.namespaces!.push({ type: "user" });
        s.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
        s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      },
    );
    chmodSync(b, 0o755);
    const r = lxcri(root, ["run", "--bundle", b, "hkuns"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(join(log, "order"), "utf8").trim().split("\n")).toEqual([
      "prestart",
      "createRuntime",
      "createContainer",
      "startContainer",
      "poststart",
      "poststop",
    ]);
    for (const t of ["prestart", "createRuntime"])
      expect({ t, ns: readFileSync(join(log, `${t}.ns`), "utf8") }).toEqual({ t, ns: ns("self") });
    expect(readFileSync(join(log, "createContainer.ns"), "utf8")).not.toBe(ns("self"));
    expect(JSON.parse(readFileSync(join(log, "createContainer.stdin"), "utf8"))).toMatchObject({ status: "creating", pid: 1 });
    expect(JSON.parse(readFileSync(join(log, "startContainer.stdin"), "utf8"))).toMatchObject({ status: "created", pid: 1 });
    expect(leftovers(root, "hkuns")).toEqual([]);
  });

  test("startContainer runs in a rootfs whose only file is one static binary", () => {
    const log = tempDir("static-hook");
    chmodSync(log, 0o777);
    const b = hookBundle(["/busybox", "true"], log, {
      startContainer: [{ path: "/busybox", args: ["busybox", "sh", "-c", "cat > /hooklog/stdin"] }],
    });
    const rootfs = join(b, "rootfs");
    rmSync(rootfs, { recursive: true });
    mkdirSync(rootfs);
    Bun.spawnSync(["cp", "/bin/busybox", join(rootfs, "busybox")]);
    const r = lxcri(root, ["run", "--bundle", b, "hkstatic"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(log, "stdin"), "utf8")).status).toBe("created");
    expect(readdirSync(rootfs)).toEqual(["busybox"]);
  });

  test("several hooks of one type run in order; `lxcri hooks` shows the layout and the runs", () => {
    const log = tempDir("many");
    const hooks = {
      createRuntime: [0, 1, 2].map((i) => ({ path: "/bin/sh", args: ["sh", "-c", `echo ${i} >> ${log}/order`], timeout: 5 })),
    };
    const b = hookBundle(["true"], log, hooks);
    expect(lxcri(root, ["create", "--bundle", b, "hkmany"]).code).toBe(0);
    expect(readFileSync(join(log, "order"), "utf8")).toBe("0\n1\n2\n");
    const shown = lxcri(root, ["hooks", "hkmany"]).stdout;
    expect(shown).toContain("createRuntime[2] /bin/sh");
    expect(shown).toContain("timeout: 5 s");
    expect(shown).toMatch(/createRuntime\s+1\s+\S+\s+\d+\s+exit 0\s+\/bin\/sh/);
    const json = JSON.parse(lxcri(root, ["hooks", "hkmany", "--format", "json"]).stdout);
    expect(json.trace.map((r: { index: number }) => r.index)).toEqual([0, 1, 2]);
    expect(existsSync(join(root, "hkmany", "hooks", "createRuntime", "2", "cmdline"))).toBe(true);
    expect(lxcri(root, ["delete", "hkmany"]).code).toBe(0);
  });

  const failing = (type: string) => ({ path: "/bin/sh", args: ["sh", "-c", `echo ${type} is broken >&2; exit 3`] });

  test.each(["prestart", "createRuntime", "createContainer"])(
    "a failing %s hook fails create, destroys everything, then poststop runs",
    (type) => {
      const log = tempDir("fail");
      const b = hookBundle(["true"], log, {
        [type]: [failing(type)],
        poststop: [{ path: "/bin/sh", args: ["sh", "-c", `cat > ${log}/poststop`] }],
      });
      const r = lxcri(root, ["create", "--bundle", b, `hkf-${type}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${type} hook 0 (/bin/sh) exited with status 3: ${type} is broken`);
      expect(leftovers(root, `hkf-${type}`)).toEqual([]);
      expect(JSON.parse(readFileSync(join(log, "poststop"), "utf8")).status).toBe("stopped");
    },
  );

  test("a failing startContainer hook fails start; the process never runs; the container is stopped; poststop ran", () => {
    const log = tempDir("failstart");
    chmodSync(log, 0o777);
    const b = hookBundle(["sh", "-c", "touch /hooklog/process-ran"], log, {
      startContainer: [{ path: "/bin/sh", args: ["sh", "-c", "echo no >&2; exit 4"] }],
      poststop: [{ path: "/bin/sh", args: ["sh", "-c", `echo ran >> ${log}/poststop`] }],
    });
    expect(lxcri(root, ["create", "--bundle", b, "hkfs"]).code).toBe(0);
    const r = lxcri(root, ["start", "hkfs"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("startContainer hook 0 (/bin/sh) exited with status 4: no");
    expect(existsSync(join(log, "process-ran"))).toBe(false);
    expect(state(root, "hkfs").status).toBe("stopped");
    expect(lxcri(root, ["delete", "hkfs"]).code).toBe(0);
    expect(readFileSync(join(log, "poststop"), "utf8")).toBe("ran\n"); // once, not again at delete
    expect(leftovers(root, "hkfs")).toEqual([]);
  });

  test("a failing poststart hook stops the container and fails start (runtime-spec 1.3)", () => {
    const b = bundle(["sleep", "30"], (s) => (s.hooks = { poststart: [failing("poststart")] }));
    expect(lxcri(root, ["create", "--bundle", b, "hkfp"]).code).toBe(0);
    const r = lxcri(root, ["start", "hkfp"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("poststart hook 0 (/bin/sh) exited with status 3: poststart is broken");
    expect(state(root, "hkfp").status).toBe("stopped");
    expect(lxcri(root, ["delete", "hkfp"]).code).toBe(0);
    expect(leftovers(root, "hkfp")).toEqual([]);
  });

  test("a failing poststop hook is a warning: the next one runs and delete succeeds", () => {
    const log = tempDir("poststop");
    const b = bundle(["true"], (s) => {
      s.hooks = { poststop: [failing("poststop"), { path: "/bin/sh", args: ["sh", "-c", `echo second >> ${log}/second`] }] };
    });
    const r = lxcri(root, ["run", "--bundle", b, "hkps"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("poststop hook 0 (/bin/sh) exited with status 3");
    expect(readFileSync(join(log, "second"), "utf8")).toBe("second\n");
    expect(leftovers(root, "hkps")).toEqual([]);
  });

  test("poststop runs once the container is gone: state says so, its id is free again, and nothing is left after delete", () => {
    const log = tempDir("poststop-gone");
    const look = `${LXCRI} --root ${root} state hkpg > ${log}/state 2>&1; echo "exit $?" >> ${log}/state; ls -A ${root} > ${log}/root`;
    const b = bundle(["true"], (s) => {
      s.hooks = {
        poststop: [
          { path: "/bin/sh", args: ["sh", "-c", look] },
          { path: "/bin/sh", args: ["sh", "-c", `echo second > ${log}/second`] },
        ],
      };
    });
    expect(lxcri(root, ["run", "--bundle", b, "hkpg"]).code).toBe(0);
    const seen = readFileSync(join(log, "state"), "utf8");
    expect(seen).toContain("container hkpg does not exist");
    expect(seen).toContain("exit 1");
    expect(readFileSync(join(log, "root"), "utf8").split("\n")).not.toContain("hkpg");
    expect(readFileSync(join(log, "second"), "utf8")).toBe("second\n");
    expect(readdirSync(root).filter((n) => n.includes("hkpg"))).toEqual([]);
    expect(leftovers(root, "hkpg")).toEqual([]);
  });

  test("timeouts: the hook's own, and OCI_HOOK_TIMEOUT for hooks without one; bounded, clear, nothing left", () => {
    const stubborn = { path: "/bin/sh", args: ["sh", "-c", "trap '' TERM; (sleep 30) & sleep 30"] };
    const b1 = bundle(["true"], (s) => (s.hooks = { createRuntime: [{ ...stubborn, timeout: 1 }] }));
    let t0 = Date.now();
    let r = lxcri(root, ["create", "--bundle", b1, "hkt1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("createRuntime hook 0 (/bin/sh) timed out after 1 s");
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(leftovers(root, "hkt1")).toEqual([]);

    const b2 = bundle(["true"], (s) => (s.hooks = { prestart: [stubborn] }));
    t0 = Date.now();
    r = lxcri(root, ["create", "--bundle", b2, "hkt2"], { env: { OCI_HOOK_TIMEOUT: "1" } });
    expect(r.stderr).toContain("prestart hook 0 (/bin/sh) timed out after 1 s");
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(leftovers(root, "hkt2")).toEqual([]);

    r = lxcri(root, ["--hook-timeout", "1", "create", "--bundle", b2, "hkt3"]);
    expect(r.stderr).toContain("timed out after 1 s");
    expect(leftovers(root, "hkt3")).toEqual([]);
  });

  test("a hook path that does not exist, or is not executable, fails cleanly", () => {
    const dir = tempDir("notexec");
    const notExec = join(dir, "hook");
    writeFileSync(notExec, "#!/bin/sh\nexit 0\n");
    chmodSync(notExec, 0o644);
    for (const [id, path, why] of [
      ["hkx1", "/nonexistent/hook", "ENOENT"],
      ["hkx2", notExec, "EACCES"],
    ]) {
      const b = bundle(["true"], (s) => (s.hooks = { createRuntime: [{ path: path! }] }));
      const r = lxcri(root, ["create", "--bundle", b, id!]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`createRuntime hook 0 (${path}) cannot execute: ${why}`);
      expect(leftovers(root, id!)).toEqual([]);
    }
  });
});
