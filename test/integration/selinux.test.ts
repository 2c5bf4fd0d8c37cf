// process.selinuxLabel and linux.mountLabel on a host without SELinux (this
// machine's kernel has no LSM on): both are refused before anything is made —
// code unsupported-on-host, the field named, exit 1, nothing left — as runc
// refuses the process label ("selinux label is specified in config, but
// selinux is disabled or not supported") and fails the mount label at its
// first tmpfs (docs/security.md). Until this change both were refused as "not
// supported yet" everywhere, SELinux on or off. The labels themselves are
// tested where SELinux is on: test/vm-selinux/selinux.test.ts.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, Runtime } from "../../src/index.ts";
import { selinuxEnabled } from "../../src/host/selinux.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, state, tempDir, testRoot, waitFor } from "../helpers.ts";

const root = testRoot("selinux");
afterAll(() => cleanupRoot(root));

const PROCESS = "system_u:system_r:container_t:s0:c1,c2";
const MOUNT = "system_u:object_r:container_file_t:s0:c1,c2";
const refused = (field: string, label: string) =>
  `${field}: SELinux is not enabled on this host: cannot apply the label ${JSON.stringify(label)}`;

describe.skipIf(!canRunContainers || selinuxEnabled())("SELinux labels on a host without SELinux", () => {
  test("create and run with a process label: refused before anything is made, naming the field; exit 1, nothing left", async () => {
    const b = bundle(["true"], (s) => (s.process.selinuxLabel = PROCESS));
    const r = lxcri(root, ["create", "--bundle", b, "se1"]);
    expect(r.stderr).toContain(`config.json: ${refused("process.selinuxLabel", PROCESS)}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(leftovers(root, "se1")).toEqual([]);
    expect(lxcri(root, ["run", "--bundle", b, "se1"]).code).toBe(1);
    expect(leftovers(root, "se1")).toEqual([]);
    const e = await new Runtime({ root }).create("se1", { bundle: b }).catch((x) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).toMatchObject({ code: "unsupported-on-host", path: "process.selinuxLabel" });
    expect(leftovers(root, "se1")).toEqual([]);
  });

  test("a mount label: refused the same way (runc fails it at the /dev tmpfs: the kernel knows no context= without SELinux)", () => {
    const b = bundle(["true"], (s) => (s.linux = { ...s.linux, mountLabel: MOUNT }));
    const r = lxcri(root, ["run", "--bundle", b, "se2"]);
    expect(r.stderr).toContain(`config.json: ${refused("linux.mountLabel", MOUNT)}`);
    expect(r.code).toBe(1);
    expect(leftovers(root, "se2")).toEqual([]);
  });

  test("empty labels ask for nothing (podman sends none where SELinux is off): the container runs", () => {
    const b = bundle(["sh", "-c", "echo labelled by nothing"], (s) => {
      s.process.selinuxLabel = "";
      s.linux = { ...s.linux, mountLabel: "" };
    });
    const r = lxcri(root, ["run", "--bundle", b, "se3"]);
    expect(r.stdout).toBe("labelled by nothing\n");
    expect(r.code).toBe(0);
    expect(leftovers(root, "se3")).toEqual([]);
  });

  test("exec: --process-label and a process.json label are refused naming the field, no process is left", async () => {
    const b = bundle(["sleep", "100"], (s) => (s.root.readonly = false));
    expect(lxcri(root, ["create", "--bundle", b, "se4"]).code).toBe(0);
    expect(lxcri(root, ["start", "se4"]).code).toBe(0);
    await waitFor(() => state(root, "se4").status === "running");
    const pids = () => lxcri(root, ["ps", "--format", "json", "se4"]).stdout;
    const before = pids();

    const flag = lxcri(root, ["exec", "--process-label", PROCESS, "se4", "touch", "/tmp/ran"]);
    expect(flag.stderr).toContain(`exec: ${refused("process.selinuxLabel", PROCESS)}`);
    expect(flag.code).toBe(255);
    const file = join(tempDir("se-proc"), "process.json");
    const proc = { ...JSON.parse(readFileSync(join(b, "config.json"), "utf8")).process, args: ["touch", "/tmp/ran"] };
    writeFileSync(file, JSON.stringify({ ...proc, selinuxLabel: PROCESS }));
    const json = lxcri(root, ["exec", "--process", file, "se4"]);
    expect(json.stderr).toContain(refused("process.selinuxLabel", PROCESS));
    expect(json.code).toBe(255);
    expect(lxcri(root, ["exec", "se4", "ls", "/tmp/ran"]).code).not.toBe(0); // neither ran
    expect(pids()).toBe(before);
    const lib = await new Runtime({ root }).exec("se4", { process: { ...proc, selinuxLabel: PROCESS } }).catch((x) => x);
    expect(lib).toMatchObject({ code: "unsupported-on-host", path: "process.selinuxLabel", source: "exec" });
    expect(lxcri(root, ["delete", "--force", "se4"]).code).toBe(0);
    expect(leftovers(root, "se4")).toEqual([]);
  });

  test("a label that is no context is the config's error (invalid-config), whatever the host", () => {
    const b = bundle(["true"], (s) => (s.linux = { ...s.linux, mountLabel: 'u:r:t:s0",size=1k' }));
    const r = lxcri(root, ["run", "--bundle", b, "se5"]);
    expect(r.stderr).toContain("linux.mountLabel: is not an SELinux context");
    expect(r.code).toBe(1);
    expect(leftovers(root, "se5")).toEqual([]);
  });

  test("features says SELinux is supported (labels are applied where the host has it on)", () => {
    const f = JSON.parse(lxcri(root, ["features"]).stdout);
    expect(f.linux.selinux).toEqual({ enabled: true });
  });
});
