// Kubernetes' CRI validation suite (cri-tools' critest v1.26.1) against lxcri, the way a node runs
// it: containerd's CRI plugin with lxcri as its only runtime handler (io.containerd.runc.v2 with
// BinaryName), pods on a CNI bridge. On a host with systemd as PID 1 (the VM job's guest) with
// containerd's systemd cgroup driver (SystemdCgroup = true, each container a cri-containerd-*.scope)
// and every sandbox in /test.slice (CRITEST_CGROUP_PARENT, the backported cri-tools patch); elsewhere
// with cgroupfs paths. critest and crictl are built from ../shared/vendor (test/tools/critest-build.sh),
// the images are local stand-ins from Debian packages (test/tools/cri-images.sh), both cached.
// Where ../shared is absent (a user's clone) nothing here runs: scripts/test.sh leaves the file out
// and says so. critest's own JUnit report (one case per spec) goes to LXCRI_CRITEST_REPORT, which
// scripts/test.sh adds to the run's count.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, LXCRI, REPO, tempDir, waitFor } from "../helpers.ts";

const SHARED = process.env.LXCRI_SHARED ?? join(REPO, "..", "shared");
const TARBALL = join(SHARED, "vendor", "cri-tools-v1.26.1.tar.gz");
// critest and crictl built already (the VM job: the guest has no ../shared and no Go; scripts/test.sh
// passes the host's build, the directory test/tools/critest-build.sh printed)
const PREBUILT = process.env.LXCRI_CRITEST_TOOLS;
const hasSource = !!PREBUILT || existsSync(TARBALL);
const enabled = canRunContainers && hasSource && !!Bun.which("containerd") && !!Bun.which("ctr");
// How most Kubernetes nodes run: systemd is PID 1 (sd_booted's test), so its cgroup driver.
const systemd = existsSync("/run/systemd/system");
const SLICE = "test.slice";
// No CAP_SYS_RESOURCE in the bounding set (this project's CI machine): a pod's oom_score_adj below
// containerd's own is refused, so containerd must clamp it (restrict_oom_score_adj).
const capBnd = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? "0";
const restrictOom = (BigInt(`0x${capBnd}`) & (1n << 24n)) === 0n;
const BUSYBOX = "registry.k8s.io/e2e-test-images/busybox:1.29-2";
const BRIDGE = "lxcricri0"; // critest's host ports (12000-12003) are fixed too: one run at a time per machine

const dir = enabled ? tempDir("critest") : "";
const sock = join(dir, "containerd.sock");
const endpoint = `unix://${sock}`;
const runtimeRoot = join(dir, "runtime"); // the shim's --root for lxcri: <Root>/k8s.io
let tools = "";
let daemon: ReturnType<typeof Bun.spawn> | undefined;
let madeBridge = false;

function run(argv: string[], timeout = 120_000) {
  const p = Bun.spawnSync(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout, env: { ...process.env } });
  return { code: p.exitCode ?? 137, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}
/** Runs a test/tools script that prints a path last; throws with its stderr when it fails. */
function tool(script: string, timeout: number): string {
  const r = run(["bash", join(REPO, "test/tools", script)], timeout);
  if (r.code !== 0) throw new Error(`test/tools/${script} exited ${r.code}:\n${r.stderr}`);
  return r.stdout.trim().split("\n").at(-1)!;
}
const crictl = (args: string[], timeout = 60_000) =>
  run([join(tools, "crictl"), "--runtime-endpoint", endpoint, "--image-endpoint", endpoint, "--timeout", "60s", ...args], timeout);
const ctr = (args: string[], timeout = 300_000) => run(["ctr", "--address", sock, "--namespace", "k8s.io", ...args], timeout);

function config(): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  const rt = `${cri}.containerd.runtimes.lxcri`;
  return `version = 2
root = "${join(dir, "root")}"
state = "${join(dir, "state")}"
[grpc]
  address = "${sock}"
[${cri}]
  sandbox_image = "localhost/lxcri-test/pause:3.6"
  restrict_oom_score_adj = ${restrictOom}
[${cri}.cni]
  bin_dir = "/usr/lib/cni"
  conf_dir = "${join(dir, "cni")}"
[${cri}.containerd]
  default_runtime_name = "lxcri"
[${rt}]
  runtime_type = "io.containerd.runc.v2"
[${rt}.options]
  BinaryName = "${LXCRI}"
  Root = "${runtimeRoot}"
  SystemdCgroup = ${systemd}
`;
}

beforeAll(async () => {
  if (!enabled) return;
  tools = PREBUILT ?? tool("critest-build.sh", 900_000);
  if (!existsSync(join(tools, "critest"))) throw new Error(`no critest in ${tools} (LXCRI_CRITEST_TOOLS)`);
  const images = tool("cri-images.sh", 300_000);
  mkdirSync(join(dir, "cni"));
  // a pod network as a node's: a bridge, host ports by portmap, loopback
  writeFileSync(
    join(dir, "cni", "10-lxcri-critest.conflist"),
    JSON.stringify({
      cniVersion: "1.0.0",
      name: "lxcri-critest",
      plugins: [
        {
          type: "bridge",
          bridge: BRIDGE,
          isGateway: true,
          hairpinMode: true,
          ipam: { type: "host-local", ranges: [[{ subnet: "10.231.0.0/24" }]], dataDir: join(dir, "ipam") },
        },
        { type: "portmap", capabilities: { portMappings: true } },
        { type: "loopback" },
      ],
    }),
  );
  madeBridge = !existsSync(`/sys/class/net/${BRIDGE}`);
  writeFileSync(join(dir, "config.toml"), config());
  daemon = Bun.spawn(["containerd", "--config", join(dir, "config.toml")], {
    stdout: "ignore",
    stderr: Bun.file(join(dir, "containerd.log")),
  });
  await waitFor(() => existsSync(sock), 60_000, "containerd's socket");
  const imported = ctr(["images", "import", images], 600_000);
  if (imported.code !== 0) throw new Error(`ctr images import ${images}: ${imported.stderr}`);
}, 1_800_000);

afterAll(async () => {
  if (!enabled) return;
  if (daemon) {
    crictl(["rmp", "--all", "--force"], 300_000); // what a failed spec left
    daemon.kill();
    await daemon.exited;
  }
  if (madeBridge) run(["ip", "link", "del", BRIDGE]);
  // what is still mounted under the state (a sandbox's shm, a rootfs) must not be followed by rm
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((m) => m.startsWith(`${dir}/`));
  for (const m of mounts.toReversed()) run(["umount", "-l", m]);
  run(["rm", "-rf", "--one-file-system", dir]);
}, 600_000);

/** A container's own cgroup, as /proc/PID/cgroup names it (the v2 line, or v1's memory line). */
function cgroupOf(pid: number): string {
  const lines = readFileSync(`/proc/${pid}/cgroup`, "utf8").trim().split("\n");
  const line = lines.find((l) => l.startsWith("0::") && lines.length === 1) ?? lines.find((l) => /:memory:/.test(l));
  return line?.split(":").slice(2).join(":") ?? "";
}

// Without ../shared nothing is registered: not counted (below, a line says so).
if (hasSource)
  describe.skipIf(!enabled)("Kubernetes' CRI validation suite (critest) through containerd with lxcri as its runtime handler", () => {
    test(`crictl: a pod and a container run by lxcri${systemd ? `, the container a cri-containerd-<id>.scope in ${SLICE}` : ""}`, async () => {
      const pod = join(dir, "pod.json");
      const ctrCfg = join(dir, "container.json");
      writeFileSync(
        pod,
        JSON.stringify({
          metadata: { name: "lxcri-smoke", namespace: "default", uid: "lxcri-smoke-uid", attempt: 0 },
          hostname: "lxcri-smoke",
          log_directory: join(dir, "pod-logs"),
          linux: systemd ? { cgroup_parent: `/${SLICE}` } : {},
        }),
      );
      writeFileSync(
        ctrCfg,
        JSON.stringify({ metadata: { name: "sleeper" }, image: { image: BUSYBOX }, command: ["sleep", "1000"], log_path: "sleeper.log" }),
      );
      const p = crictl(["runp", pod]);
      expect(p.stderr).toBe("");
      const podId = p.stdout.trim();
      const c = crictl(["create", podId, ctrCfg, pod]);
      expect(c.code).toBe(0);
      const id = c.stdout.trim();
      expect(crictl(["start", id]).code).toBe(0);
      const ex = crictl(["exec", id, "sh", "-c", "echo hi from $(hostname)"]);
      expect(ex.stdout).toBe("hi from lxcri-smoke\n");
      // the runtime that holds it is lxcri (its state, under the shim's root)
      const listed = run([LXCRI, "--root", join(runtimeRoot, "k8s.io"), "list", "--quiet"]);
      expect(listed.stdout.split("\n")).toContain(id);
      const pid = JSON.parse(crictl(["inspect", "-o", "json", id]).stdout).info.pid as number;
      expect(pid).toBeGreaterThan(0);
      if (systemd) {
        const scope = `cri-containerd-${id}.scope`;
        expect(cgroupOf(pid)).toBe(`/${SLICE}/${scope}`);
        expect(run(["systemctl", "is-active", scope]).stdout.trim()).toBe("active");
        expect(run(["systemctl", "show", "-P", "Slice", scope]).stdout.trim()).toBe(SLICE);
      } else {
        expect(cgroupOf(pid)).toEndWith(`/${id}`);
      }
      expect(crictl(["stopp", podId]).code).toBe(0);
      expect(crictl(["rmp", podId]).code).toBe(0);
      expect(run([LXCRI, "--root", join(runtimeRoot, "k8s.io"), "list", "--quiet"]).stdout.trim()).toBe("");
      if (systemd)
        await waitFor(
          () => run(["systemctl", "is-active", `cri-containerd-${id}.scope`]).stdout.trim() !== "active",
          10_000,
          "the scope to go",
        );
    });

    test("critest: every spec passes (skipped: only Image Manager, which pulls from a registry, and critest's benchmarks)", async () => {
      const junit = join(dir, "critest-junit.xml");
      const log = join(dir, "critest.log");
      // critest loads its AppArmor profiles with `sudo apparmor_parser`; root needs no sudo (the
      // guest has none): a sudo that runs its command as it is
      const bin = join(dir, "bin");
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, "sudo"), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
      const env: Record<string, string> = { ...(process.env as Record<string, string>), PATH: `${bin}:${process.env.PATH}` };
      if (systemd) env.CRITEST_CGROUP_PARENT = `/${SLICE}`;
      const p = Bun.spawn(
        [
          join(tools, "critest"),
          `--runtime-endpoint=${endpoint}`,
          `--image-endpoint=${endpoint}`,
          "--ginkgo.skip=Image Manager",
          `--ginkgo.junit-report=${junit}`,
          "--ginkgo.no-color",
        ],
        { cwd: dir, env, stdin: "ignore", stdout: Bun.file(log), stderr: "pipe" },
      );
      const code = await p.exited;
      const output = readFileSync(log, "utf8");
      if (!existsSync(junit)) throw new Error(`critest exited ${code} without a report:\n${output.slice(-4000)}`);
      if (process.env.LXCRI_CRITEST_REPORT) copyFileSync(junit, process.env.LXCRI_CRITEST_REPORT);
      const specs = parseJunit(readFileSync(junit, "utf8"));
      const failed = specs.filter((s) => s.status !== "passed" && s.status !== "skipped");
      const skipped = specs.filter((s) => s.status === "skipped");
      const ran = specs.filter((s) => s.status !== "skipped" && s.name.startsWith("[It]"));
      console.error(
        `critest (${systemd ? `systemd cgroup driver, sandboxes in /${SLICE}` : "cgroupfs"}): ${ran.length - failed.length} of ${ran.length} specs passed, ${skipped.length} not run`,
      );
      expect(failed.map((s) => `${s.name}: ${s.status}\n${s.failure}`)).toEqual([]);
      expect(skipped.map((s) => s.name).filter((n) => !/Image Manager|benchmark/.test(n))).toEqual([]);
      // 73 on a host without AppArmor, 76 with it: a suite that ran fewer lost specs somewhere
      expect(ran.length).toBeGreaterThanOrEqual(73);
      expect(code).toBe(0);
    }, 3_600_000);
  });

interface Spec {
  name: string;
  status: string;
  failure: string;
}
/** ginkgo's JUnit report: one <testcase name status> per spec (and per suite node such as [BeforeSuite]). */
function parseJunit(xml: string): Spec[] {
  const unescape = (s: string) =>
    s
      .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCharCode(Number.parseInt(n, 16)))
      .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
      .replace(/&(lt|gt|quot|apos|amp);/g, (_, e) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e as string]!);
  return [...xml.matchAll(/<testcase name="([^"]*)"[^>]*status="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g)].map((m) => ({
    name: unescape(m[1]!),
    status: m[2]!,
    failure: unescape(/<(?:failure|error) message="([^"]*)"/.exec(m[3]!)?.[1] ?? ""),
  }));
}

// Says why: without ../shared on stderr (scripts/test.sh leaves the file out and prints it too);
// where the CLI could run but containerd is missing, in the test report.
if (canRunContainers && !hasSource) console.error(`critest.test.ts: ${TARBALL} is absent (a clone without ../shared): not run`);
else if (canRunContainers && !enabled) test.skip("critest: containerd or ctr is not installed", () => {});
