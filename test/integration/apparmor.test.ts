// process.apparmorProfile on a host without AppArmor (this machine's kernel
// has none): a profile is refused as runc refuses it — before anything is
// made, code unsupported-on-host, the field named, exit 1, nothing left —
// and "unconfined" (podman's --security-opt apparmor=unconfined) runs. The
// confinement itself is tested where AppArmor is on: test/vm/apparmor.test.ts.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, Runtime } from "../../src/index.ts";
import { appArmorEnabled } from "../../src/host/apparmor.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, state, tempDir, testRoot, waitFor } from "../helpers.ts";

const root = testRoot("apparmor");
afterAll(() => cleanupRoot(root));

const REFUSED = "process.apparmorProfile: AppArmor is not enabled on this host";

describe.skipIf(!canRunContainers || appArmorEnabled())("process.apparmorProfile on a host without AppArmor", () => {
  test("create with a profile: refused before anything is made, naming the field; exit 1, nothing left", async () => {
    const b = bundle(["true"], (s) => (s.process.apparmorProfile = "containers-default-0.50.1"));
    const r = lxcri(root, ["create", "--bundle", b, "aa1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`config.json: ${REFUSED}`);
    expect(r.stdout).toBe("");
    expect(leftovers(root, "aa1")).toEqual([]);
    // run too, and the library: a ConfigError of the host's kind
    expect(lxcri(root, ["run", "--bundle", b, "aa1"]).code).toBe(1);
    expect(leftovers(root, "aa1")).toEqual([]);
    const e = await new Runtime({ root }).create("aa1", { bundle: b }).catch((x) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).toMatchObject({ code: "unsupported-on-host", path: "process.apparmorProfile" });
    expect(leftovers(root, "aa1")).toEqual([]);
  });

  test('"unconfined" asks for nothing: the container runs; liblxc leaves init unconfined as always', () => {
    const b = bundle(["sh", "-c", "echo confined by nothing"], (s) => (s.process.apparmorProfile = "unconfined"));
    const r = lxcri(root, ["create", "--bundle", b, "aa2"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, "aa2", "lxc.conf"), "utf8")).toContain("lxc.apparmor.profile = unconfined\n");
    expect(lxcri(root, ["delete", "--force", "aa2"]).code).toBe(0);
    const run = lxcri(root, ["run", "--bundle", b, "aa3"]);
    expect(run.stdout).toBe("confined by nothing\n");
    expect(run.code).toBe(0);
    expect(leftovers(root, "aa3")).toEqual([]);
  });

  test("exec: --apparmor PROFILE and a process.json profile are refused naming the field, no process is left; unconfined runs", async () => {
    const b = bundle(["sleep", "100"], (s) => {
      s.process.apparmorProfile = "unconfined";
      s.root.readonly = false; // so that a process that ran would leave /tmp/ran
    });
    expect(lxcri(root, ["create", "--bundle", b, "aa4"]).code).toBe(0);
    expect(lxcri(root, ["start", "aa4"]).code).toBe(0);
    await waitFor(() => state(root, "aa4").status === "running");
    const pids = () => lxcri(root, ["ps", "--format", "json", "aa4"]).stdout;
    const before = pids();

    const flag = lxcri(root, ["exec", "--apparmor", "p1", "aa4", "touch", "/tmp/ran"]);
    expect(flag.code).toBe(255);
    expect(flag.stderr).toContain(`exec: ${REFUSED}`);
    const file = join(tempDir("aa-proc"), "process.json");
    const proc = { ...JSON.parse(readFileSync(join(b, "config.json"), "utf8")).process, args: ["touch", "/tmp/ran"] };
    writeFileSync(file, JSON.stringify({ ...proc, apparmorProfile: "p1" }));
    const json = lxcri(root, ["exec", "--process", file, "aa4"]);
    expect(json.code).toBe(255);
    expect(json.stderr).toContain(REFUSED);
    expect(lxcri(root, ["exec", "aa4", "ls", "/tmp/ran"]).code).not.toBe(0); // neither ran
    expect(pids()).toBe(before);

    const ok = lxcri(root, ["exec", "--apparmor", "unconfined", "aa4", "echo", "ran"]);
    expect(ok.stdout).toBe("ran\n");
    expect(ok.code).toBe(0);
    const lib = await new Runtime({ root }).exec("aa4", { process: { ...proc, apparmorProfile: "p1" } }).catch((x) => x);
    expect(lib).toMatchObject({ code: "unsupported-on-host", path: "process.apparmorProfile", source: "exec" });
    expect(lxcri(root, ["delete", "--force", "aa4"]).code).toBe(0);
    expect(leftovers(root, "aa4")).toEqual([]);
  });

  test("features says AppArmor is supported (a profile is applied where the host has it)", () => {
    const f = JSON.parse(lxcri(root, ["features"]).stdout);
    expect(f.linux.apparmor).toEqual({ enabled: true });
  });
});
