// A config author (in Kubernetes: a pod author, not an
// admin) puts a line break and an LXC key into a string of config.json. If the
// string reaches lxc.conf as it is, liblxc reads the injected key back: here a
// pre-start and a start-host hook, which liblxc runs as root in the host's
// namespaces, creating a host file. For every string field that can reach
// liblxc, with "\n" and other control characters, create must either fail with
// an error naming the field's JSON path, or succeed (then start and delete)
// without the host file ever appearing.
//
// runc 1.1.5: not affected (it does not write a line-based config); a sysctl
// value with "\n" is written to /proc/sys as it is and fails there.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { canRunContainers, LXCRI, leftovers, testRoot } from "../../helpers.ts";
import {
  bundle,
  cgroupsNamed,
  cleanupAttackRoot,
  removeCgroupsNamed,
  hostMarker,
  removeScratch,
  runtime,
  tempDir,
} from "./attack-helpers.ts";
import type { Spec } from "../../../src/spec/types.ts";

const root = testRoot("attack-inject");
const CGROUP_TAG = `lxcri-attack-inject-${process.pid}`;
afterAll(() => {
  cleanupAttackRoot(root);
  removeCgroupsNamed(CGROUP_TAG);
  removeScratch();
}, 60_000);

/** Line breaks liblxc splits on, and other control characters a value must not carry into lxc.conf. */
const BREAKS: [string, string][] = [
  ["LF", "\n"],
  ["CRLF", "\r\n"],
  ["CR", "\r"],
  ["TAB+LF", "\t\n"],
  ["VT", "\x0b"],
  ["FF", "\x0c"],
  ["ESC+LF", "\x1b\n"],
  ["NUL+LF", "\x00\n"],
];

/**
 * What an attacker appends: keys that make liblxc run a command as root on the
 * host (liblxc runs hooks with sh -c). The second form has no blanks, for
 * fields whose blanks are escaped (fstab-style mount entries).
 */
const INJECTIONS: [string, (brk: string, marker: string) => string][] = [
  ["hook", (brk, m) => `${brk}lxc.hook.pre-start = /bin/sh -c "touch ${m}"${brk}lxc.hook.start-host = /bin/sh -c "touch ${m}"`],
  ["blankless hook", (brk, m) => `${brk}lxc.hook.pre-start=touch\${IFS}${m}${brk}lxc.hook.start-host=touch\${IFS}${m}${brk}`],
];

/** A path on the host that has `text` (which contains slashes) as its tail: the directories are made, the last part by `make`. */
function hostPathWith(text: string, make: (path: string) => void): string {
  const p = join(tempDir("inject-path"), `x${text}`);
  mkdirSync(dirname(p), { recursive: true });
  make(p);
  return p;
}

interface Case {
  /** The JSON path an error must name. */
  where: RegExp;
  /** Puts `value` (a string carrying the injection) into the spec. `b` is the bundle. */
  edit: (s: Spec, value: string, b: string) => void;
  /** The field is a filesystem path that must exist: no NUL in it. */
  isPath?: boolean;
}

const CASES: Record<string, Case> = {
  "linux.sysctl name": {
    where: /linux\.sysctl\[/,
    edit: (s, v) => (s.linux!.sysctl = { [`net.ipv4.ip_forward${v}`]: "0" }),
  },
  "linux.sysctl value": {
    where: /linux\.sysctl\["net\.ipv4\.ip_forward"\]/,
    edit: (s, v) => (s.linux!.sysctl = { "net.ipv4.ip_forward": `0${v}` }),
  },
  "mounts[].source (a bind of a directory that exists)": {
    where: /mounts\[\d+\]/,
    isPath: true,
    edit: (s, v) =>
      s.mounts!.push({ destination: "/mnt", type: "bind", source: hostPathWith(v, (p) => mkdirSync(p)), options: ["rbind", "ro"] }),
  },
  "mounts[].destination": {
    where: /mounts\[\d+\]/,
    edit: (s, v) => s.mounts!.push({ destination: `/mnt${v}`, type: "tmpfs", source: "tmpfs" }),
  },
  "mounts[].type": {
    where: /mounts\[\d+\]/,
    edit: (s, v) => s.mounts!.push({ destination: "/mnt", type: `tmpfs${v}`, source: "tmpfs" }),
  },
  "mounts[].options": {
    where: /mounts\[\d+\]/,
    edit: (s, v) => s.mounts!.push({ destination: "/mnt", type: "tmpfs", source: "tmpfs", options: ["nosuid", `size=1m${v}`] }),
  },
  "linux.cgroupsPath": {
    where: /linux\.cgroupsPath/,
    edit: (s, v) => (s.linux!.cgroupsPath = `/${CGROUP_TAG}${v}`),
  },
  "linux.resources.unified key": {
    where: /linux\.resources\.unified/,
    edit: (s, v) => (s.linux!.resources = { ...s.linux!.resources, unified: { [`pids.max${v}`]: "100" } }),
  },
  "linux.resources.unified value": {
    where: /linux\.resources\.unified/,
    edit: (s, v) => (s.linux!.resources = { ...s.linux!.resources, unified: { "pids.max": `100${v}` } }),
  },
  "linux.namespaces[].path (a real namespace, through a link named with the injection)": {
    where: /linux\.namespaces\[\d+\]/,
    isPath: true,
    edit: (s, v) => {
      const path = hostPathWith(v, (p) => symlinkSync("/proc/1/ns/net", p));
      s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === "network" ? { type: "network", path } : n));
    },
  },
  hostname: {
    where: /hostname/,
    edit: (s, v) => (s.hostname = `box${v}`),
  },
  domainname: {
    where: /domainname/,
    edit: (s, v) => (s.domainname = `example.org${v}`),
  },
  "root.path (a rootfs directory named with the injection)": {
    where: /root\.path/,
    isPath: true,
    edit: (s, v, b) => {
      const rel = `rootfs${v}`;
      mkdirSync(dirname(join(b, rel)), { recursive: true });
      renameSync(join(b, "rootfs"), join(b, rel));
      s.root!.path = rel;
    },
  },
  "hooks.prestart[].path": {
    where: /hooks\.prestart\[0\]|prestart hook 0/,
    edit: (s, v) => (s.hooks = { prestart: [{ path: `/bin/true${v}` }] }),
  },
  "hooks.prestart[].args": {
    where: /hooks\.prestart\[0\]|prestart hook 0/,
    edit: (s, v) => (s.hooks = { prestart: [{ path: "/bin/sh", args: ["sh", "-c", `true${v}`] }] }),
  },
  "hooks.prestart[].env": {
    where: /hooks\.prestart\[0\]|prestart hook 0/,
    edit: (s, v) => (s.hooks = { prestart: [{ path: "/bin/true", env: [`X=1${v}`] }] }),
  },
  "process.env value": {
    where: /process\.env\[\d+\]/,
    edit: (s, v) => s.process!.env!.push(`ATTACK=1${v}`),
  },
  "process.args": {
    where: /process\.args\[\d+\]/,
    edit: (s, v) => (s.process!.args = ["sleep", "30", `#${v}`]),
  },
  "process.cwd": {
    where: /process\.cwd/,
    edit: (s, v) => (s.process!.cwd = `/tmp${v}`),
  },
  "linux.maskedPaths[]": {
    where: /linux\.maskedPaths\[\d+\]/,
    edit: (s, v) => s.linux!.maskedPaths!.push(`/proc/kcore${v}`),
  },
  "linux.readonlyPaths[]": {
    where: /linux\.readonlyPaths\[\d+\]/,
    edit: (s, v) => s.linux!.readonlyPaths!.push(`/proc/bus${v}`),
  },
  "linux.devices[].path": {
    where: /linux\.devices\[\d+\]/,
    edit: (s, v) => (s.linux!.devices = [{ path: `/dev/attack${v}`, type: "c", major: 1, minor: 3 }]),
  },
  "linux.seccomp syscall name": {
    where: /linux\.seccomp/,
    edit: (s, v) =>
      (s.linux!.seccomp = { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: [`getcwd${v}`], action: "SCMP_ACT_ERRNO" }] }),
  },
  "process.rlimits[].type": {
    where: /process\.rlimits\[\d+\]/,
    edit: (s, v) => (s.process!.rlimits = [{ type: `RLIMIT_NOFILE${v}`, soft: 1024, hard: 1024 }]),
  },
  annotations: {
    where: /annotations/,
    edit: (s, v) => (s.annotations = { [`org.attack${v}`]: `x${v}` }),
  },
};

describe.skipIf(!canRunContainers)("attack: lxc.conf injection through config.json strings", () => {
  let n = 0;
  for (const [field, c] of Object.entries(CASES)) {
    test(field, () => {
      const lx = runtime(LXCRI, root);
      const outcomes: string[] = [];
      const problems: string[] = [];
      for (const [form, inject] of INJECTIONS)
        for (const [name, brk] of BREAKS) {
          if (c.isPath && brk.includes("\0")) continue; // a file name cannot hold NUL
          const id = `inj${++n}`;
          const what = `${form}, ${name}`;
          const marker = hostMarker();
          const b = bundle(["sleep", "30"], (s) => (s.linux!.readonlyPaths = s.linux!.readonlyPaths!.filter((p) => p !== "/proc/sys")));
          // the edit needs the bundle (root.path), so it runs on the written config
          const file = join(b, "config.json");
          const spec = JSON.parse(readFileSync(file, "utf8")) as Spec;
          c.edit(spec, inject(brk, marker), b);
          writeFileSync(file, JSON.stringify(spec, null, 2));
          const r = lx(["create", "--bundle", b, id], { timeoutMs: 20_000 });
          if (r.code === 0) {
            lx(["start", id], { timeoutMs: 20_000 });
            if (lx(["delete", "--force", id], { timeoutMs: 20_000 }).code !== 0) problems.push(`${what}: delete failed`);
            outcomes.push(`${what}: created`);
          } else if (!c.where.test(r.stderr)) {
            problems.push(`${what}: refused without naming the field: ${r.stderr.trim().slice(0, 300)}`);
          } else outcomes.push(`${what}: refused`);
          if (existsSync(marker)) problems.push(`${what}: THE INJECTED HOOK RAN ON THE HOST (created ${marker})`);
          const left = [...leftovers(root, id), ...cgroupsNamed(CGROUP_TAG).map((d) => `cgroup ${JSON.stringify(d)}`)];
          removeCgroupsNamed(CGROUP_TAG);
          rmSync(b, { recursive: true, force: true });
          rmSync(dirname(marker), { recursive: true, force: true });
          if (left.length) problems.push(`${what}: left ${left.join(", ")}`);
        }
      console.log(`${field}: ${outcomes.join("; ")}`);
      expect(problems).toEqual([]);
    }, 30_000);
  }
});
