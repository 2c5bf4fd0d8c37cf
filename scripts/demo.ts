// The main job: a real container from a busybox-static bundle, with one hook
// of every OCI type, driven through the lxcri CLI step by step.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeBundle } from "./make-bundle.ts";

const repo = join(import.meta.dir, "..");
const lxcri = join(repo, "build", "lxcri");
const work = join(repo, "build", "demo");
const root = "/run/lxcri-demo";
const id = "demo";

rmSync(work, { recursive: true, force: true });
Bun.spawnSync([lxcri, "--root", root, "delete", "--force", id]);
const bundle = makeBundle(join(work, "bundle"), [
  "sh",
  "-c",
  'echo "hostname: $(hostname)"; echo "my pid:   $$"; echo "processes: $(ps -o pid= | wc -l)"; ' +
    'echo "mounts:"; grep -v " /proc/" /proc/self/mountinfo | cut -d" " -f5,9 | sed "s/^/  /"; ' +
    'echo "runtime files visible: $(ls -d /.lxcri/* 2>/dev/null | wc -l)"; exit 7',
]);

// Each hook appends one line: its type and the state it read on stdin.
const trace = join(work, "hooks");
mkdirSync(trace, { recursive: true });
chmodSync(trace, 0o777);
const line = (dir: string, type: string) => ({
  path: "/bin/sh",
  args: ["sh", "-c", `echo "${type.padEnd(15)} $(cat)" >> ${dir}/trace`],
});
const config = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8"));
config.mounts.push({ destination: "/hooks", source: trace, options: ["bind", "rw"] });
config.hooks = {
  prestart: [line(trace, "prestart")],
  createRuntime: [line(trace, "createRuntime")],
  createContainer: [line(trace, "createContainer")],
  startContainer: [line("/hooks", "startContainer")], // runs inside the container: busybox sh, /hooks
  poststart: [line(trace, "poststart")],
  poststop: [line(trace, "poststop")],
};
writeFileSync(join(bundle, "config.json"), JSON.stringify(config, null, 2));

function step(title: string, args: string[], show = true): number {
  console.log(`\n$ lxcri ${args.join(" ")}    # ${title}`);
  const p = Bun.spawnSync({ cmd: [lxcri, "--root", root, ...args], stdio: ["ignore", show ? "inherit" : "ignore", "inherit"] });
  return p.exitCode ?? 1;
}

const pidFile = join(work, "pid");
const steps: [string, string[]][] = [
  [
    "validate, make the runtime dir, set up through liblxc; the launcher waits as init",
    ["create", "--bundle", bundle, "--pid-file", pidFile, id],
  ],
  ["status is created", ["state", id]],
  ["run the process", ["start", id]],
];
for (const [title, args] of steps) if (step(title, args) !== 0) process.exit(1);
const init = Number(readFileSync(pidFile, "utf8"));
while (Bun.spawnSync([lxcri, "--root", root, "state", id]).stdout.toString().includes('"running"')) await Bun.sleep(10);
step("the process exited", ["state", id]);
step("the trace of every hook run (hooks.log)", ["hooks", id]);
step("destroy; poststop runs", ["delete", id]);

console.log(`\nstate each hook read on stdin (${trace}/trace):`);
console.log(readFileSync(join(trace, "trace"), "utf8").trimEnd());
const lines = readFileSync(join(trace, "trace"), "utf8")
  .trim()
  .split("\n")
  .map((l) => l.split(/\s+/)[0]);
const expected = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"];
if (JSON.stringify(lines) !== JSON.stringify(expected)) {
  console.error(`demo: hooks ran as ${lines.join(",")}, expected ${expected.join(",")}`);
  process.exit(1);
}
console.log(`\nall six hooks ran in order; the pid-file held init (${init}), as state.pid does: the process a caller like conmon reaps.`);
