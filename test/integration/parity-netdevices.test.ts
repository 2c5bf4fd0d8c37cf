// linux.netDevices (runtime-spec 1.3), lxcri beside runc. runc 1.1.5 (installed here) predates the
// field and ignores it silently — the device stays on the host — so each row checks lxcri against
// what the spec and runc >= 1.4 do (the device moved into the container's network namespace, under
// its new name if one is given, with its addresses; a virtual device ends with the namespace, as the
// kernel deletes it) and records what runc 1.1.5 does. A row per case: the table is the parity list.
// The host has no dummy driver everywhere: the device is one end of a veth pair.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Spec } from "../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, LXCRI, tempDir, testRoot } from "../helpers.ts";

const RUNC = ["/usr/sbin/runc", "/usr/bin/runc"].find((p) => existsSync(p));
const enabled = canRunContainers && !!RUNC;
const root = testRoot("parity-netdev");
const runcRoot = `${root}-runc`;
const DEV = "lxcri-pn0";
const PEER = "lxcri-pn1";

afterAll(() => {
  if (!enabled) return;
  cleanupRoot(root);
  rmSync(runcRoot, { recursive: true, force: true });
  Bun.spawnSync(["ip", "link", "del", DEV]);
});

/** Whether `name` is on the host once the kernel is done with namespaces being torn down. */
function onHost(name: string, settle = true): boolean {
  const deadline = Date.now() + (settle ? 5000 : 0);
  while (existsSync(`/sys/class/net/${name}`) && Date.now() < deadline) Bun.sleepSync(50);
  return existsSync(`/sys/class/net/${name}`);
}

function run(runtime: "runc" | "lxcri", dir: string, id: string): { code: number; stdout: string; stderr: string } {
  const io = tempDir("pn-io");
  const out = openSync(join(io, "out"), "w");
  const err = openSync(join(io, "err"), "w");
  try {
    const cmd = runtime === "runc" ? [RUNC!, "--root", runcRoot, "run", id] : [LXCRI, "--root", root, "run", id];
    const p = Bun.spawnSync(cmd, { cwd: dir, stdin: "ignore", stdout: out, stderr: err });
    return { code: p.exitCode ?? 137, stdout: readFileSync(join(io, "out"), "utf8"), stderr: readFileSync(join(io, "err"), "utf8") };
  } finally {
    closeSync(out);
    closeSync(err);
    Bun.spawnSync(runtime === "runc" ? [RUNC!, "--root", runcRoot, "delete", "-f", id] : [LXCRI, "--root", root, "delete", "-f", id]);
    rmSync(io, { recursive: true, force: true });
  }
}

interface Row {
  name: string;
  netDevices: NonNullable<NonNullable<Spec["linux"]>["netDevices"]>;
  edit?: (s: Spec) => void;
  /** What the spec (runc >= 1.4) has the container see: its interfaces, and its address on the device. */
  spec: { sees: string } | { refused: string };
}

const ROWS: Row[] = [
  { name: "moved, its name kept", netDevices: { [DEV]: {} }, spec: { sees: `lo ${DEV} inet 10.199.9.2/24` } },
  { name: "moved and renamed", netDevices: { [DEV]: { name: "ctr9" } }, spec: { sees: "ctr9 lo inet 10.199.9.2/24" } },
  {
    name: "renamed to a name the container's namespace has",
    netDevices: { [DEV]: { name: "lo" } },
    spec: { refused: `linux.netDevices["${DEV}"]` },
  },
  {
    name: "no network namespace of the container's own",
    netDevices: { [DEV]: {} },
    edit: (s) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "network");
    },
    spec: { refused: "linux.netDevices" },
  },
  { name: "a device the host does not have", netDevices: { "lxcri-nosuch": {} }, spec: { refused: 'linux.netDevices["lxcri-nosuch"]' } },
];

describe.skipIf(!enabled)("linux.netDevices: as the spec (runc >= 1.4) has it; runc 1.1.5 ignores the field", () => {
  test.each(ROWS)("$name", (row) => {
    const script = `ls /sys/class/net | tr '\\n' ' '; ip -4 -o addr show 2>/dev/null | grep -o 'inet 10.199[^ ]*'`;
    const made = () =>
      bundle(["sh", "-c", script], (s) => {
        s.process!.terminal = false;
        s.linux!.netDevices = row.netDevices;
        row.edit?.(s);
      });
    const fresh = () => {
      Bun.spawnSync(["ip", "link", "del", DEV]);
      expect(onHost(DEV) || onHost(PEER)).toBe(false);
      expect(Bun.spawnSync(["ip", "link", "add", DEV, "type", "veth", "peer", "name", PEER]).exitCode).toBe(0);
      expect(Bun.spawnSync(["ip", "addr", "add", "10.199.9.2/24", "dev", DEV]).exitCode).toBe(0);
    };
    const id = `pn-${row.name.replace(/[^a-z]+/g, "").slice(0, 20)}-${process.pid}`;

    // runc 1.1.5: the field is ignored — the container has no such device, the host keeps it
    fresh();
    const b1 = made();
    const runc = run("runc", b1, id);
    rmSync(b1, { recursive: true, force: true });
    if ("sees" in row.spec) {
      expect(runc.stdout.trim()).toBe("lo");
      expect(onHost(DEV, false)).toBe(true);
    }

    fresh();
    const b2 = made();
    const ours = run("lxcri", b2, id);
    rmSync(b2, { recursive: true, force: true });
    if (process.env.PARITY_SHOW) console.log(row.name, JSON.stringify({ runc, lxcri: ours }));
    if ("refused" in row.spec) {
      expect(ours.code).toBe(1);
      expect(ours.stderr).toContain(row.spec.refused);
      // nothing moved: the host's device is still the host's
      expect(onHost(DEV, false)).toBe(true);
    } else {
      expect(ours.stderr).toBe("");
      expect(ours.stdout.replace(/\s+/g, " ").trim()).toBe(row.spec.sees);
      // after delete: a virtual device ends with the namespace (the kernel deletes it, and a veth's peer with it)
      expect(onHost(DEV)).toBe(false);
      expect(onHost(PEER)).toBe(false);
    }
  });
});
