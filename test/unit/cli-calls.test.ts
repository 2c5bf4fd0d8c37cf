// The command lines callers write — podman through conmon, containerd's shim
// (go-runc), CRI-O, runtime-tools, runc's own urfave/cli spellings — each with
// the Runtime call it must make, or the error it must give (what lxcri prints
// after "lxcri: "). A row's command line is written as typed (test/argv.ts).
// The Runtime's methods are stubbed: no root, no liblxc.
import { afterAll, beforeAll, expect, mock, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argv } from "../argv.ts";

const dir = mkdtempSync(join(tmpdir(), "lxcri-cli-"));
const P = join(dir, "process.json");
const RES = join(dir, "resources.json");
beforeAll(() => {
  writeFileSync(P, JSON.stringify({ terminal: false, user: { uid: 0, gid: 0 }, args: ["sh", "-c", "true"], env: ["PATH=/bin"], cwd: "/" }));
  writeFileSync(RES, JSON.stringify({ memory: { limit: 1000 } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let calls: string[] = [];
const { globals } = await import("../../src/cli/globals.ts");

/** A call as the expectations write it: method, arguments, then the root and the other global settings. */
function record(method: string, args: unknown[], ctx: { root: string; hookTimeout?: number; systemdCgroup?: boolean }): void {
  let s = `${method} ${JSON.stringify(args)} root=${ctx.root}`;
  if (ctx.hookTimeout !== undefined && ctx.hookTimeout !== 60) s += ` hook=${ctx.hookTimeout}`;
  if (ctx.systemdCgroup) s += " systemd";
  if (globals.debug) s += " debug";
  if (globals.log) s += ` log=${globals.log}`;
  if (globals.logFormat === "json") s += " json";
  calls.push(s);
}

// bun runs every test file in one process, and a module mock outlives its file: each stubbed
// module keeps its other exports, and gets all of its own back after this file (the library's
// tests that run later call the real create, list, …).
const restores: (() => void)[] = [];
afterAll(() => {
  for (const restore of restores) restore();
});
async function stub(path: string, stubs: Record<string, unknown>): Promise<void> {
  const real = { ...(await import(path)) };
  mock.module(path, () => ({ ...real, ...stubs }));
  restores.push(() => mock.module(path, () => real));
}
// state reads the record itself (no Runtime): stub what it prints
const { checkId } = await import("../../src/container/ids.ts");
await stub("../../src/cli/state-json.ts", {
  printState: (root: string, id: string) => record("state", [checkId(id)], { root }),
});
// create, start, kill and delete run the operation with the Runtime's Context, without a Runtime
// (src/cli/globals.ts context()): stub the operations, recorded as the Runtime's methods
const op =
  (method: string) =>
  (ctx: { root: string }, ...args: unknown[]) => {
    record(method, JSON.parse(JSON.stringify(args)), ctx);
    return method === "delete" ? [] : undefined;
  };
await stub("../../src/container/create/index.ts", { create: op("create") });
await stub("../../src/container/start.ts", { start: op("start"), startOnly: op("start") });
await stub("../../src/container/kill.ts", { kill: op("kill") });
await stub("../../src/container/delete.ts", { deleteContainer: op("delete") });
// list walks the root itself (src/container/list.ts, no Runtime): stub the walk
await stub("../../src/container/list.ts", {
  listContainers: (root: string) => {
    record("list", [], { root });
    return [];
  },
});
const { Runtime } = await import("../../src/runtime.ts");
const BASE = {
  terminal: false,
  user: { uid: 0, gid: 0 },
  args: ["sh"],
  env: ["PATH=/bin"],
  cwd: "/",
  capabilities: { bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"] },
};
const results: Record<string, () => unknown> = {
  create: async () => undefined,
  start: async () => undefined,
  kill: async () => undefined,
  delete: async () => [],
  update: async () => undefined,
  pause: async () => undefined,
  resume: async () => undefined,
  // run's result: the exit status's promise carrying the process (src/library/run.ts)
  run: () => Object.assign(Promise.resolve(0), { terminal: Promise.resolve(undefined) }),
  exec: async () => ({ pid: 4242, wait: async () => 0 }),
  spec: () => ({ process: structuredClone(BASE) }),
  ps: async () => [1, 2],
  list: async () => [],
  hooks: () => ({ layout: [], trace: [] }),
  state: async () => ({ status: "running" }),
  stats: async () => ({}),
  checkpoint: async () => undefined,
  restore: async () => 3,
};
// bun runs every test file in one process: the real methods come back after this file
const proto = Runtime.prototype as unknown as Record<string, unknown>;
const originals = Object.fromEntries(Object.keys(results).map((m) => [m, proto[m]]));
afterAll(() => Object.assign(proto, originals));
for (const [method, result] of Object.entries(results))
  proto[method] = function (this: InstanceType<typeof Runtime>, ...args: unknown[]) {
    record(method, JSON.parse(JSON.stringify(args)), this.ctx);
    return result();
  };
const { cli } = await import("../../src/cli/cli.ts");

/** The calls made, then the error (thrown: exit 1), or what a handler reported before exiting with another status (exec's 255). */
async function run(argv: string[]): Promise<string[]> {
  calls = [];
  const reported: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = () => {};
  console.error = (m: unknown) => reported.push(String(m).replace(/^lxcri: /, ""));
  try {
    const code = await cli(argv);
    return code === 0 ? calls : [...calls, ...reported.map((m) => `exit ${code}: ${m}`)];
  } catch (e) {
    return [...calls, `error: ${(e as Error).message}`];
  } finally {
    console.log = log;
    console.error = error;
    for (const s of ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"]) process.removeAllListeners(s);
    process.exitCode = undefined;
  }
}

const CASES: [string[], string[]][] = [
  // podman → conmon → lxcri, and podman directly
  [
    argv`--systemd-cgroup --log-format=json --log /r/oci-log create --bundle /b --pid-file /r/pidfile --no-pivot --no-new-keyring --preserve-fds 2 --console-socket /r/sock c1`,
    [
      'create ["c1",{"bundle":"/b","pidFile":"/r/pidfile","consoleSocket":"/r/sock","preserveFds":2,"noNewKeyring":true}] root=/run/lxcri systemd log=/r/oci-log json',
    ],
  ],
  [
    argv`create --bundle /b --pid-file /r/pidfile c1`,
    ['create ["c1",{"bundle":"/b","pidFile":"/r/pidfile","preserveFds":0}] root=/run/lxcri'],
  ],
  [
    argv`--log-format=json --log /r/exec-log exec --pid-file /r/exec.pid --process ${P} --detach --preserve-fds 1 --console-socket /r/s c1`,
    [
      'exec ["c1",{"process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["sh","-c","true"],"env":["PATH=/bin"],"cwd":"/"},"detach":true,"pidFile":"/r/exec.pid","consoleSocket":"/r/s","preserveFds":1,"ignorePaused":false}] root=/run/lxcri log=/r/exec-log json',
    ],
  ],
  [
    argv`exec --pid-file /r/exec.pid --process ${P} --detach c1`,
    [
      'exec ["c1",{"process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["sh","-c","true"],"env":["PATH=/bin"],"cwd":"/"},"detach":true,"pidFile":"/r/exec.pid","preserveFds":0,"ignorePaused":false}] root=/run/lxcri',
    ],
  ],
  [argv`start c1`, ['start ["c1"] root=/run/lxcri']],
  [argv`pause c1`, ['pause ["c1"] root=/run/lxcri']],
  [argv`resume c1`, ['resume ["c1"] root=/run/lxcri']],
  [argv`kill c1 15`, ['kill ["c1","15",{"all":false}] root=/run/lxcri']],
  [argv`kill --all c1 9`, ['kill ["c1","9",{"all":true}] root=/run/lxcri']],
  [argv`kill -a c1 9`, ['kill ["c1","9",{"all":true}] root=/run/lxcri']],
  [argv`delete --force c1`, ['delete ["c1",{"force":true}] root=/run/lxcri']],
  [argv`update --resources=${RES} c1`, ['update ["c1",{"memory":{"limit":1000}}] root=/run/lxcri']],
  [argv`update --resources ${RES} c1`, ['update ["c1",{"memory":{"limit":1000}}] root=/run/lxcri']],
  // containerd-shim-runc-v2 (go-runc): --root, --log, --log-format json always
  [
    argv`--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json create --bundle /b --pid-file /b/init.pid c1`,
    ['create ["c1",{"bundle":"/b","pidFile":"/b/init.pid","preserveFds":0}] root=/run/containerd/runc/k8s.io log=/b/log.json json'],
  ],
  [
    argv`--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json --systemd-cgroup create --bundle /b --pid-file /b/init.pid --no-pivot --no-new-keyring --console-socket /t/pty.sock c1`,
    [
      'create ["c1",{"bundle":"/b","pidFile":"/b/init.pid","consoleSocket":"/t/pty.sock","preserveFds":0,"noNewKeyring":true}] root=/run/containerd/runc/k8s.io systemd log=/b/log.json json',
    ],
  ],
  [
    argv`--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json start c1`,
    ['start ["c1"] root=/run/containerd/runc/k8s.io log=/b/log.json json'],
  ],
  [
    argv`--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json delete c1`,
    ['delete ["c1",{"force":false}] root=/run/containerd/runc/k8s.io log=/b/log.json json'],
  ],
  [
    argv`--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json delete --force c1`,
    ['delete ["c1",{"force":true}] root=/run/containerd/runc/k8s.io log=/b/log.json json'],
  ],
  [
    argv`--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json kill c1 9`,
    ['kill ["c1","9",{"all":false}] root=/run/containerd/runc/k8s.io log=/b/log.json json'],
  ],
  [
    argv`--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json kill --all c1 9`,
    ['kill ["c1","9",{"all":true}] root=/run/containerd/runc/k8s.io log=/b/log.json json'],
  ],
  [
    argv`--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json exec --process ${P} --detach --pid-file /b/e1.pid c1`,
    [
      'exec ["c1",{"process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["sh","-c","true"],"env":["PATH=/bin"],"cwd":"/"},"detach":true,"pidFile":"/b/e1.pid","preserveFds":0,"ignorePaused":false}] root=/run/containerd/runc/k8s.io log=/b/log.json json',
    ],
  ],
  [
    argv`--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json exec --process ${P} --detach --pid-file /b/e1.pid --console-socket /t/s c1`,
    [
      'exec ["c1",{"process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["sh","-c","true"],"env":["PATH=/bin"],"cwd":"/"},"detach":true,"pidFile":"/b/e1.pid","consoleSocket":"/t/s","preserveFds":0,"ignorePaused":false}] root=/run/containerd/runc/k8s.io log=/b/log.json json',
    ],
  ],
  [
    argv`--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json ps --format json c1`,
    ['ps ["c1"] root=/run/containerd/runc/k8s.io log=/b/log.json json'],
  ],
  [
    argv`--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json pause c1`,
    ['pause ["c1"] root=/run/containerd/runc/k8s.io log=/b/log.json json'],
  ],
  [
    argv`--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json resume c1`,
    ['resume ["c1"] root=/run/containerd/runc/k8s.io log=/b/log.json json'],
  ],
  [
    argv`--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json state c1`,
    ['state ["c1"] root=/run/containerd/runc/k8s.io log=/b/log.json json'],
  ],
  [
    argv`--systemd-cgroup --root=/run/crio-rt create --bundle /b --pid-file /b/pidfile --no-pivot --console-socket /s c1`,
    ['create ["c1",{"bundle":"/b","pidFile":"/b/pidfile","consoleSocket":"/s","preserveFds":0}] root=/run/crio-rt systemd'],
  ],
  // CRI-O, through conmon and directly
  [
    argv`--root=/run/crio-rt create --bundle /b --pid-file /b/pidfile c1`,
    ['create ["c1",{"bundle":"/b","pidFile":"/b/pidfile","preserveFds":0}] root=/run/crio-rt'],
  ],
  [argv`--root /run/crio-rt --systemd-cgroup start c1`, ['start ["c1"] root=/run/crio-rt systemd']],
  [argv`--root /run/crio-rt --systemd-cgroup state c1`, ['state ["c1"] root=/run/crio-rt']],
  [argv`--root /run/crio-rt --systemd-cgroup pause c1`, ['pause ["c1"] root=/run/crio-rt systemd']],
  [argv`--root /run/crio-rt --systemd-cgroup resume c1`, ['resume ["c1"] root=/run/crio-rt systemd']],
  [argv`--root /run/crio-rt --systemd-cgroup delete --force c1`, ['delete ["c1",{"force":true}] root=/run/crio-rt systemd']],
  [argv`--root /run/crio-rt --systemd-cgroup kill c1 15`, ['kill ["c1","15",{"all":false}] root=/run/crio-rt systemd']],
  [argv`--root /run/crio-rt --systemd-cgroup kill c1 KILL`, ['kill ["c1","KILL",{"all":false}] root=/run/crio-rt systemd']],
  [argv`--root /run/crio-rt --systemd-cgroup kill -a c1 9`, ['kill ["c1","9",{"all":true}] root=/run/crio-rt systemd']],
  [argv`--root /run/crio-rt update --resources ${RES} c1`, ['update ["c1",{"memory":{"limit":1000}}] root=/run/crio-rt']],
  [
    argv`--root /run/crio-rt exec --process ${P} c1`,
    [
      'exec ["c1",{"process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["sh","-c","true"],"env":["PATH=/bin"],"cwd":"/"},"detach":false,"preserveFds":0,"ignorePaused":false}] root=/run/crio-rt',
    ],
  ],
  // runtime-tools' validation suite
  [argv`create --pid-file /t/pid --bundle /b c1`, ['create ["c1",{"bundle":"/b","pidFile":"/t/pid","preserveFds":0}] root=/run/lxcri']],
  [argv`create --bundle /b c1`, ['create ["c1",{"bundle":"/b","preserveFds":0}] root=/run/lxcri']],
  [argv`kill c1 TERM`, ['kill ["c1","TERM",{"all":false}] root=/run/lxcri']],
  [argv`kill c1 KILL`, ['kill ["c1","KILL",{"all":false}] root=/run/lxcri']],
  [argv`kill c1 USR1`, ['kill ["c1","USR1",{"all":false}] root=/run/lxcri']],
  [argv`delete c1`, ['delete ["c1",{"force":false}] root=/run/lxcri']],
  [argv`state c1`, ['state ["c1"] root=/run/lxcri']],
  // urfave/cli spellings, flags after the id, --, odd values
  [argv`-root /x state c1`, ['state ["c1"] root=/x']],
  [argv`--root=/x state c1`, ['state ["c1"] root=/x']],
  [argv`--debug=true state c1`, ['state ["c1"] root=/run/lxcri debug']],
  [argv`--debug=false start c1`, ['start ["c1"] root=/run/lxcri']],
  [argv`--systemd-cgroup=true --rootless=true start c1`, ['start ["c1"] root=/run/lxcri systemd']],
  [argv`--rootless false start c1`, ['start ["c1"] root=/run/lxcri']],
  [argv`--hook-timeout 7 start c1`, ['start ["c1"] root=/run/lxcri hook=7']],
  [argv`--hook-timeout=9 create c1`, ['create ["c1",{"bundle":".","preserveFds":0}] root=/run/lxcri hook=9']],
  [argv`create -bundle /b -pid-file=/p c1`, ['create ["c1",{"bundle":"/b","pidFile":"/p","preserveFds":0}] root=/run/lxcri']],
  [argv`create -b /b c1`, ['create ["c1",{"bundle":"/b","preserveFds":0}] root=/run/lxcri']],
  [argv`create c1 -b /b --no-pivot`, ['create ["c1",{"bundle":"/b","preserveFds":0}] root=/run/lxcri']],
  [argv`create --bundle=/b c1`, ['create ["c1",{"bundle":"/b","preserveFds":0}] root=/run/lxcri']],
  [argv`delete --force=true c1`, ['delete ["c1",{"force":true}] root=/run/lxcri']],
  [argv`delete --force=false c1`, ['delete ["c1",{"force":false}] root=/run/lxcri']],
  [argv`delete -f c1`, ['delete ["c1",{"force":true}] root=/run/lxcri']],
  [argv`delete c1 -f`, ['delete ["c1",{"force":true}] root=/run/lxcri']],
  [argv`delete -force c1`, ['delete ["c1",{"force":true}] root=/run/lxcri']],
  [argv`kill c1`, ['kill ["c1",null,{"all":false}] root=/run/lxcri']],
  [argv`kill c1 SIGTERM`, ['kill ["c1","SIGTERM",{"all":false}] root=/run/lxcri']],
  [argv`kill --all=true c1`, ['kill ["c1",null,{"all":true}] root=/run/lxcri']],
  [argv`kill -all c1 9`, ['kill ["c1","9",{"all":true}] root=/run/lxcri']],
  // a global flag after the command is taken, as runc takes it
  [argv`state --root /y c1`, ['state ["c1"] root=/y']],
  [argv`state c1 --debug`, ['state ["c1"] root=/run/lxcri debug']],
  [argv`--debug --log /l delete c1`, ['delete ["c1",{"force":false}] root=/run/lxcri debug log=/l']],
  [argv`create --bundle /b -- -rf`, ['create ["-rf",{"bundle":"/b","preserveFds":0}] root=/run/lxcri']],
  [["create", "--bundle", "", "c1"], ['create ["c1",{"bundle":"","preserveFds":0}] root=/run/lxcri']],
  [argv`create --preserve-fds=0 c1`, ['create ["c1",{"bundle":".","preserveFds":0}] root=/run/lxcri']],
  // --env (-e) is repeatable, as in runc: every one is kept
  [
    ["exec", "-t", "--env", "A=b", "-e", "C=d", "--cwd", "/tmp", "--user", "1000:1000", "--detach", "c1", "sh", "-c", "echo --root -x"],
    [
      'spec ["c1"] root=/run/lxcri',
      'exec ["c1",{"process":{"terminal":true,"user":{"uid":1000,"gid":1000},"args":["sh","-c","echo --root -x"],"env":["PATH=/bin","A=b","C=d"],"cwd":"/tmp","capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]}},"detach":true,"preserveFds":0,"ignorePaused":false}] root=/run/lxcri',
    ],
  ],
  // --no-new-privs is a flag of its own (not "no --new-privs"); a -h after the id is the process's
  [
    argv`exec --detach -u 5 -g 7 -c CAP_NET_ADMIN --no-new-privs c1 ls -h`,
    [
      'spec ["c1"] root=/run/lxcri',
      'exec ["c1",{"process":{"terminal":false,"user":{"uid":5,"gid":0,"additionalGids":[7]},"args":["ls","-h"],"env":["PATH=/bin"],"cwd":"/","capabilities":{"bounding":["CAP_KILL","CAP_NET_ADMIN"],"effective":["CAP_KILL","CAP_NET_ADMIN"],"permitted":["CAP_KILL","CAP_NET_ADMIN"],"inheritable":["CAP_NET_ADMIN"]},"noNewPrivileges":true},"detach":true,"preserveFds":0,"ignorePaused":false}] root=/run/lxcri',
    ],
  ],
  [
    argv`exec -d --ignore-paused --apparmor p --process-label l c1 true`,
    [
      'spec ["c1"] root=/run/lxcri',
      'exec ["c1",{"process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["true"],"env":["PATH=/bin"],"cwd":"/","capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]},"apparmorProfile":"p","selinuxLabel":"l"},"detach":true,"preserveFds":0,"ignorePaused":true}] root=/run/lxcri',
    ],
  ],
  [
    argv`exec --detach c1 -- ls`,
    [
      'spec ["c1"] root=/run/lxcri',
      'exec ["c1",{"process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["--","ls"],"env":["PATH=/bin"],"cwd":"/","capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]}},"detach":true,"preserveFds":0,"ignorePaused":false}] root=/run/lxcri',
    ],
  ],
  [
    argv`exec --detach -- c1 ls`,
    [
      'spec ["c1"] root=/run/lxcri',
      'exec ["c1",{"process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["ls"],"env":["PATH=/bin"],"cwd":"/","capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]}},"detach":true,"preserveFds":0,"ignorePaused":false}] root=/run/lxcri',
    ],
  ],
  [
    argv`exec --detach=true -p ${P} c1`,
    [
      'exec ["c1",{"process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["sh","-c","true"],"env":["PATH=/bin"],"cwd":"/"},"detach":true,"preserveFds":0,"ignorePaused":false}] root=/run/lxcri',
    ],
  ],
  [argv`ps --format json c1 -o pid`, ['ps ["c1"] root=/run/lxcri']],
  [argv`ps -f json c1`, ['ps ["c1"] root=/run/lxcri']],
  [argv`ps --format=json c1`, ['ps ["c1"] root=/run/lxcri']],
  [["list"], ["list [] root=/run/lxcri"]],
  [argv`list --format json`, ["list [] root=/run/lxcri"]],
  [argv`list -q`, ["list [] root=/run/lxcri"]],
  [argv`list -f json`, ["list [] root=/run/lxcri"]],
  [argv`--root /z list --quiet`, ["list [] root=/z"]],
  [
    argv`run --bundle /b --pid-file /p c1`,
    ['run ["c1",{"bundle":"/b","pidFile":"/p","preserveFds":0,"forwardSignals":true}] root=/run/lxcri'],
  ],
  [argv`run -b /b c1`, ['run ["c1",{"bundle":"/b","preserveFds":0,"forwardSignals":true}] root=/run/lxcri']],
  [
    argv`update --memory 100 --pids-limit 5 --cpuset-cpus 0-1 c1`,
    ['update ["c1",{"memory":{"limit":100},"cpu":{"cpus":"0-1"},"pids":{"limit":5}}] root=/run/lxcri'],
  ],
  [argv`events --stats c1`, ['state ["c1"] root=/run/lxcri', 'stats ["c1"] root=/run/lxcri']],
  [argv`hooks c1`, ['hooks ["c1"] root=/run/lxcri']],
  [argv`hooks c1 --format json`, ['hooks ["c1"] root=/run/lxcri']],
  [argv`hooks -f json c1`, ['hooks ["c1"] root=/run/lxcri']],
  // errors: the message is what lxcri prints after "lxcri: "
  [["foo"], ["error: Unknown command foo"]],
  [argv`--root /x`, ["error: No command specified."]],
  [argv`--root rel state c1`, ['error: --root must be an absolute path other than /, got "rel"']],
  [argv`--root / state c1`, ['error: --root must be an absolute path other than /, got "/"']],
  [argv`--log-format xml state c1`, ['error: --log-format: expected text or json, got "xml"']],
  [argv`--hook-timeout 0 start c1`, ['error: --hook-timeout: expected a positive number of seconds, got "0"']],
  [argv`--hook-timeout x start c1`, ['error: --hook-timeout: expected a positive number of seconds, got "x"']],
  [["create"], ['error: "create" requires a container id']],
  [["start"], ['error: "start" requires a container id']],
  [["state"], ['error: "state" requires a container id']],
  [["delete"], ['error: "delete" requires a container id']],
  [["kill"], ['error: "kill" requires a container id']],
  [["pause"], ['error: "pause" requires a container id']],
  [["resume"], ['error: "resume" requires a container id']],
  [["run"], ['error: "run" requires a container id']],
  [["hooks"], ['error: "hooks" requires a container id']],
  [["update"], ['error: "update" requires a container id']],
  [["events"], ['error: "events" requires a container id']],
  [["exec"], ['error: "exec" requires a container id']],
  [["ps"], ['error: "ps" requires a container id']],
  [argv`state a b`, ['error: "state" takes exactly 1 argument, got 2']],
  [argv`start a b`, ['error: "start" takes exactly 1 argument, got 2']],
  [argv`delete a b`, ['error: "delete" takes exactly 1 argument, got 2']],
  [argv`kill a b c`, ['error: "kill" takes at most 2 arguments, got 3']],
  [argv`create a b`, ['error: "create" takes exactly 1 argument, got 2']],
  [argv`create --preserve-fds x c1`, ['error: --preserve-fds: expected a number, got "x"']],
  [argv`create --preserve-fds -1 c1`, ['error: --preserve-fds: expected a number, got "-1"']],
  // exec: a number flag that is not one is a usage error (exit 1, runc's urfave/cli); what the exec then refuses exits 255 (runc's)
  [argv`exec c1`, ['exit 255: "exec" requires a command after the container id, or --process']],
  [argv`exec --preserve-fds z c1 true`, ['error: --preserve-fds: expected a number, got "z"']],
  [argv`exec --user bob c1 true`, ['spec ["c1"] root=/run/lxcri', 'exit 255: --user: expected uid[:gid], got "bob"']],
  [argv`exec -g x c1 true`, ['error: --additional-gids: expected a number, got "x"']],
  [argv`update --pids-limit many c1`, ['error: --pids-limit: expected a number, got "many"']],
  // a flag's choices (table.ts) are checked once, by the parser: before the runtime is asked anything
  [argv`list --format yaml`, ['error: --format: expected table or json, got "yaml"']],
  [argv`ps --format yaml c1`, ['error: --format: expected table or json, got "yaml"']],
  [argv`hooks -f yaml c1`, ['error: --format: expected table or json, got "yaml"']],
  [argv`events --interval soon c1`, ['error: --interval: expected a duration like 5s, got "soon"']],
  [["state", ""], ["error: container id is required"]],
  [["start", ""], ['start [""] root=/run/lxcri']],
  [argv`state ../x`, ['error: invalid container id "../x": use letters, digits and _ . + - (starting with a letter or digit, no "..")']],
  // unknown flags are refused as runc refuses them; kill takes what follows the id as it is
  [argv`--unknown state c1`, ["error: flag provided but not defined: -unknown"]],
  [argv`state --unknown c1`, ["error: flag provided but not defined: -unknown"]],
  [argv`start --bogus=1 c1`, ["error: flag provided but not defined: -bogus"]],
  [argv`kill c1 -9`, ['kill ["c1","-9",{"all":false}] root=/run/lxcri']],
  [
    argv`--cgroup-manager disabled state c1`,
    ["error: --cgroup-manager=disabled: not supported: lxcri always runs a container in cgroups of its own"],
  ],
  [argv`--cgroup-manager=systemd pause c1`, ['pause ["c1"] root=/run/lxcri systemd']],
  [argv`--cgroup-manager cgroupfs state c1`, ['state ["c1"] root=/run/lxcri']],
  [argv`--rootless maybe list`, ['error: --rootless: expected true, false or auto, got "maybe"']],
  [argv`--criu /usr/sbin/criu state c1`, ['state ["c1"] root=/run/lxcri']],
  // checkpoint and restore (CRIU); runc's --criu names the criu they run
  [
    argv`--criu /opt/criu checkpoint --image-path /i --leave-running --tcp-established --empty-ns network c1`,
    [
      'checkpoint ["c1",{"imagePath":"/i","leaveRunning":true,"tcpEstablished":true,"extUnixSk":false,"shellJob":false,"fileLocks":false,"preDump":false,"emptyNs":["network"],"autoDedup":false,"criu":"/opt/criu"}] root=/run/lxcri',
    ],
  ],
  [argv`checkpoint --lazy-pages c1`, ["error: --lazy-pages is not supported by lxcri (checkpoint and restore run CRIU without it)"]],
  [
    argv`restore -d --bundle /b --image-path /i --pid-file /p c1`,
    [
      'restore ["c1",{"bundle":"/b","imagePath":"/i","detach":true,"pidFile":"/p","tcpEstablished":false,"extUnixSk":false,"shellJob":false,"fileLocks":false,"emptyNs":[],"autoDedup":false}] root=/run/lxcri',
    ],
  ],
  [
    argv`restore --console-socket /s c1`,
    ["error: --console-socket is not supported by lxcri (checkpoint and restore run CRIU without it)"],
  ],
  [argv`create --bundle`, ["error: flag needs an argument: -bundle"]],
  [argv`delete --force=maybe c1`, ['error: invalid boolean value "maybe" for -force: parse error (--force=maybe)']],
  [argv`delete -fz c1`, ["error: flag provided but not defined: -fz"]],
  [argv`delete --no-bundle c1`, ["error: flag provided but not defined: -no-bundle"]],
  // exec --cgroup takes its value: the id is the next word
  [
    argv`exec --cgroup sub --cgroup=cpu:x c1 true`,
    [
      'spec ["c1"] root=/run/lxcri',
      'exec ["c1",{"process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["true"],"env":["PATH=/bin"],"cwd":"/","capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]}},"detach":false,"preserveFds":0,"ignorePaused":false,"cgroup":["sub","cpu:x"]}] root=/run/lxcri',
    ],
  ],
  [
    argv`exec --pidfd-socket /s c1 true`,
    [
      'spec ["c1"] root=/run/lxcri',
      'exec ["c1",{"process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["true"],"env":["PATH=/bin"],"cwd":"/","capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]}},"detach":false,"preserveFds":0,"ignorePaused":false,"pidfdSocket":"/s"}] root=/run/lxcri',
    ],
  ],
  // run: --detach is create + start; --keep runs without the delete; the rest go to create
  [
    argv`run -d --pid-file /p --console-socket /s --pidfd-socket /q --preserve-fds 1 --no-new-keyring c1`,
    [
      'create ["c1",{"bundle":".","pidFile":"/p","consoleSocket":"/s","pidfdSocket":"/q","preserveFds":1,"noNewKeyring":true}] root=/run/lxcri',
      'start ["c1"] root=/run/lxcri',
    ],
  ],
  [argv`run --detach --no-subreaper c1`, ['create ["c1",{"bundle":".","preserveFds":0}] root=/run/lxcri', 'start ["c1"] root=/run/lxcri']],
  [
    argv`run --no-subreaper c1`,
    [
      "error: --no-subreaper: not supported without --detach: lxcri run waits for init as its subreaper (liblxc's monitor, init's parent, ends after create)",
    ],
  ],
  [argv`run --bundle /b c1`, ['run ["c1",{"bundle":"/b","preserveFds":0,"forwardSignals":true}] root=/run/lxcri']],
  // update: runc's flag names and forms
  [
    argv`update --cpu-share 512 --cpu-idle 1 --cpu-burst 1000 c1`,
    ['update ["c1",{"cpu":{"shares":512,"burst":1000,"idle":1}}] root=/run/lxcri'],
  ],
  [
    argv`update --memory 512m --memory-swap -1 --memory-reservation 1.5k c1`,
    ['update ["c1",{"memory":{"limit":536870912,"swap":-1,"reservation":1536}}] root=/run/lxcri'],
  ],
  [argv`update --memory lots c1`, ['error: --memory: expected a number, got "lots"']],
  [argv`update --l3-cache-schema L3:0=f c1`, ["error: --l3-cache-schema: not supported: Intel RDT/CAT is not enabled on this host"]],
  [argv`update --mem-bw-schema MB:0=70 c1`, ["error: --mem-bw-schema: not supported: Intel RDT/MBA is not enabled on this host"]],
  [
    argv`update -r ${RES} --cpu-quota=1000 c1`,
    ["error: --resources and --cpu-quota: give one or the other (runc would ignore --cpu-quota)"],
  ],
];

test.each(CASES)("%j", async (argv, expected) => {
  expect(await run(argv)).toEqual(expected);
});
