// linux.seccomp, lxcri beside runc (installed here: 1.1.5): the same bundle run under both, and what
// the syscalls' outcomes were inside (a shell reports each exit status and message) compared. A row
// per action, operator, flag and field: the table is the parity list. A row passes when lxcri's
// container sees what runc's sees, or both refuse and lxcri names the field; a row where lxcri
// differs on purpose says what it shows and why.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { features } from "../../src/features.ts";
import type { Seccomp } from "../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, LXCRI, tempDir, testRoot } from "../helpers.ts";

const RUNC = ["/usr/sbin/runc", "/usr/bin/runc"].find((p) => existsSync(p));
const enabled = canRunContainers && !!RUNC;
const root = testRoot("parity-seccomp");
const runcRoot = `${root}-runc`;

afterAll(() => {
  if (!enabled) return;
  cleanupRoot(root);
  rmSync(runcRoot, { recursive: true, force: true });
});

type Outcome = { refused: string } | { code: number; stdout: string };

function runUnder(runtime: "runc" | "lxcri", dir: string, id: string): Outcome {
  const io = tempDir("ps-io");
  const out = openSync(join(io, "out"), "w");
  const err = openSync(join(io, "err"), "w");
  try {
    const cmd = runtime === "runc" ? [RUNC!, "--root", runcRoot, "run", id] : [LXCRI, "--root", root, "run", id];
    const p = Bun.spawnSync(cmd, { cwd: dir, stdin: "ignore", stdout: out, stderr: err });
    const stderr = readFileSync(join(io, "err"), "utf8");
    // a refusal: the runtime's own error (runc logs level=error, lxcri prefixes "lxcri:"), nothing run
    if (/level=error|^lxcri: /m.test(stderr)) return { refused: stderr.trim() };
    return { code: p.exitCode ?? 137, stdout: readFileSync(join(io, "out"), "utf8") };
  } finally {
    closeSync(out);
    closeSync(err);
    if (runtime === "runc") Bun.spawnSync([RUNC!, "--root", runcRoot, "delete", "--force", id]);
    else Bun.spawnSync([LXCRI, "--root", root, "delete", "--force", id]);
    rmSync(io, { recursive: true, force: true });
  }
}

/** Each line: what a syscall did (busybox's message, then its status). */
const MKDIR = "mkdir /tmp/a 2>&1; echo mkdir=$?";
/** kill(2) from the shell itself with signals 0, 18 (CONT) and 28 (WINCH): all harmless to it. */
const KILLS = "kill -0 $$ 2>&1; echo k0=$?; kill -s CONT $$ 2>&1; echo k18=$?; kill -s WINCH $$ 2>&1; echo k28=$?";
const STATUS = "grep -E '^(Seccomp|Seccomp_filters|Speculation_Store_Bypass|SpeculationIndirectBranch|NoNewPrivs):' /proc/self/status";

/** The syscalls busybox's sh, mkdir and echo need here, for the rows whose default action denies. */
const SH_NEEDS = [
  "read",
  "write",
  "open",
  "openat",
  "close",
  "stat",
  "fstat",
  "lstat",
  "newfstatat",
  "statx",
  "poll",
  "lseek",
  "mmap",
  "mprotect",
  "munmap",
  "brk",
  "rt_sigaction",
  "rt_sigprocmask",
  "rt_sigreturn",
  "ioctl",
  "access",
  "faccessat",
  "faccessat2",
  "pipe",
  "pipe2",
  "dup",
  "dup2",
  "dup3",
  "getpid",
  "getppid",
  "clone",
  "clone3",
  "fork",
  "vfork",
  "execve",
  "exit",
  "exit_group",
  "wait4",
  "uname",
  "fcntl",
  "getcwd",
  "chdir",
  "getuid",
  "getgid",
  "geteuid",
  "getegid",
  "getpgrp",
  "setpgid",
  "arch_prctl",
  "set_tid_address",
  "getdents64",
  "prlimit64",
  "rseq",
  "set_robust_list",
  "futex",
  "readlink",
  "readlinkat",
  "sigaltstack",
  "getrandom",
  "madvise",
  "umask",
  "kill",
  "tgkill",
  "gettid",
  "prctl",
  "capget",
  "capset",
  "setgroups",
  "setuid",
  "setgid",
  "setresuid",
  "setresgid",
  "close_range",
  "nanosleep",
  "clock_nanosleep",
  "getrlimit",
  "setrlimit",
  "epoll_pwait",
  "select",
  "pselect6",
  "mremap",
  "writev",
  "readv",
  "sched_getaffinity",
  "fchdir",
  "fstatfs",
  "statfs",
];

interface Row {
  name: string;
  seccomp: Seccomp;
  script: string;
  /**
   * Where lxcri differs from runc 1.1.5 on purpose, and why: lxcri's container sees with `seccomp`
   * what runc's sees with `asRunc` (the same filter in terms runc 1.1.5 takes).
   */
  lxcri?: { why: string; asRunc: Seccomp };
  /** The JSON path a refusal names (below linux.seccomp). */
  field?: string;
}

const errnoOn = (names: string[], extra: Partial<Seccomp["syscalls"] extends (infer R)[] | undefined ? R : never> = {}) => ({
  defaultAction: "SCMP_ACT_ALLOW" as const,
  syscalls: [{ names, action: "SCMP_ACT_ERRNO" as const, ...extra }],
});
const mkdirs = ["mkdir", "mkdirat"];
const killArg = (op: string, value: number, valueTwo?: number): Seccomp => ({
  defaultAction: "SCMP_ACT_ALLOW",
  syscalls: [
    {
      names: ["kill"],
      action: "SCMP_ACT_ERRNO",
      errnoRet: 1,
      args: [{ index: 1, value, ...(valueTwo !== undefined && { valueTwo }), op: op as "SCMP_CMP_EQ" }],
    },
  ],
});

/** kill(2) fails with EPERM under these conditions on its arguments (one rule). */
const killWhen = (...args: { index: number; value: number; op: "SCMP_CMP_EQ" | "SCMP_CMP_GT" }[]): Seccomp => ({
  defaultAction: "SCMP_ACT_ALLOW",
  syscalls: [{ names: ["kill"], action: "SCMP_ACT_ERRNO", args }],
});

export const SECCOMP_ROWS: Row[] = [
  { name: "SCMP_ACT_ERRNO (EPERM)", seccomp: errnoOn(mkdirs), script: MKDIR },
  { name: "SCMP_ACT_ERRNO errnoRet 13", seccomp: errnoOn(mkdirs, { errnoRet: 13 }), script: MKDIR },
  { name: "SCMP_ACT_ERRNO errnoRet 0", seccomp: errnoOn(mkdirs, { errnoRet: 0 }), script: `${MKDIR}; ls -d /tmp/a 2>&1` },
  ...(["SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_LOG", "SCMP_ACT_ALLOW"] as const).map(
    (action) => ({
      name: action,
      seccomp: { defaultAction: "SCMP_ACT_ALLOW" as const, syscalls: [{ names: mkdirs, action }] },
      script: MKDIR,
    }),
  ),
  {
    name: "SCMP_ACT_TRACE (no tracer: ENOSYS)",
    seccomp: { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: mkdirs, action: "SCMP_ACT_TRACE" }] },
    script: MKDIR,
  },
  {
    name: "SCMP_ACT_TRACE errnoRet 1",
    seccomp: { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: mkdirs, action: "SCMP_ACT_TRACE", errnoRet: 1 }] },
    script: MKDIR,
  },
  {
    name: "defaultAction SCMP_ACT_ERRNO, defaultErrnoRet 95",
    seccomp: { defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 95, syscalls: [{ names: SH_NEEDS, action: "SCMP_ACT_ALLOW" }] },
    script: MKDIR,
  },
  {
    name: "defaultAction SCMP_ACT_ERRNO (EPERM)",
    seccomp: { defaultAction: "SCMP_ACT_ERRNO", syscalls: [{ names: SH_NEEDS, action: "SCMP_ACT_ALLOW" }] },
    script: MKDIR,
  },
  { name: "defaultAction SCMP_ACT_LOG", seccomp: { defaultAction: "SCMP_ACT_LOG" }, script: MKDIR },
  {
    name: "defaultAction SCMP_ACT_KILL_PROCESS beside an allow list",
    seccomp: { defaultAction: "SCMP_ACT_KILL_PROCESS", syscalls: [{ names: [...SH_NEEDS, "epoll_ctl"], action: "SCMP_ACT_ALLOW" }] },
    script: MKDIR,
  },
  {
    name: "defaultAction SCMP_ACT_KILL_PROCESS: the runtime's own syscalls after the filter",
    seccomp: { defaultAction: "SCMP_ACT_KILL_PROCESS", syscalls: [{ names: SH_NEEDS, action: "SCMP_ACT_ALLOW" }] },
    script: MKDIR,
    lxcri: {
      why: "runc's init still runs Go (epoll_ctl) after it loads the filter, and is killed; lxcri's init loads it right before execve, so only the container's program is filtered",
      asRunc: { defaultAction: "SCMP_ACT_KILL_PROCESS", syscalls: [{ names: [...SH_NEEDS, "epoll_ctl"], action: "SCMP_ACT_ALLOW" }] },
    },
  },
  { name: "args SCMP_CMP_EQ", seccomp: killArg("SCMP_CMP_EQ", 18), script: KILLS },
  { name: "args SCMP_CMP_NE", seccomp: killArg("SCMP_CMP_NE", 18), script: KILLS },
  { name: "args SCMP_CMP_LT", seccomp: killArg("SCMP_CMP_LT", 18), script: KILLS },
  { name: "args SCMP_CMP_LE", seccomp: killArg("SCMP_CMP_LE", 18), script: KILLS },
  { name: "args SCMP_CMP_GT", seccomp: killArg("SCMP_CMP_GT", 18), script: KILLS },
  { name: "args SCMP_CMP_GE", seccomp: killArg("SCMP_CMP_GE", 18), script: KILLS },
  { name: "args SCMP_CMP_MASKED_EQ", seccomp: killArg("SCMP_CMP_MASKED_EQ", 16, 16), script: KILLS },
  {
    name: "args: two conditions on two arguments (both must hold)",
    seccomp: killWhen({ index: 0, value: 0, op: "SCMP_CMP_GT" }, { index: 1, value: 28, op: "SCMP_CMP_EQ" }),
    script: KILLS,
  },
  {
    name: "args: two conditions on one argument (runc: either holds)",
    seccomp: killWhen({ index: 1, value: 0, op: "SCMP_CMP_EQ" }, { index: 1, value: 28, op: "SCMP_CMP_EQ" }),
    script: KILLS,
  },
  {
    name: "rules in order: a later rule for the same syscall",
    seccomp: {
      defaultAction: "SCMP_ACT_ALLOW",
      syscalls: [
        { names: ["kill"], action: "SCMP_ACT_ERRNO", errnoRet: 1, args: [{ index: 1, value: 0, op: "SCMP_CMP_EQ" }] },
        { names: ["kill"], action: "SCMP_ACT_ERRNO", errnoRet: 13, args: [{ index: 1, value: 28, op: "SCMP_CMP_EQ" }] },
      ],
    },
    script: KILLS,
  },
  { name: "no flags", seccomp: errnoOn(mkdirs), script: STATUS },
  ...(["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"] as const).map((flag) => ({
    name: `flags ${flag}`,
    seccomp: { ...errnoOn(mkdirs), flags: [flag] },
    script: `${STATUS}; ${MKDIR}`,
    // LOG shows in the audit log only, SPEC_ALLOW only where the kernel mitigates by seccomp (not here): the filter applies
    lxcri: { why: "runc 1.1.5 refuses every flag (not yet supported); runc >= 1.2 applies them, as lxcri does", asRunc: errnoOn(mkdirs) },
  })),
  {
    name: "architectures (the native one and its companions)",
    seccomp: { ...errnoOn(mkdirs), architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"] },
    script: `${STATUS}; ${MKDIR}`,
  },
  {
    name: "a syscall name libseccomp does not know",
    seccomp: errnoOn(["mkdir", "mkdirat", "no_such_syscall"]),
    script: MKDIR,
  },
  {
    name: "errnoRet on SCMP_ACT_ALLOW",
    seccomp: { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: mkdirs, action: "SCMP_ACT_ALLOW", errnoRet: 1 }] },
    script: MKDIR,
  },
  {
    name: "an unknown architecture",
    seccomp: { ...errnoOn(mkdirs), architectures: ["SCMP_ARCH_NOSUCH"] },
    script: MKDIR,
    field: "architectures[0]",
  },
  {
    name: "an unknown flag",
    seccomp: { ...errnoOn(mkdirs), flags: ["SECCOMP_FILTER_FLAG_NOSUCH" as "SECCOMP_FILTER_FLAG_LOG"] },
    script: MKDIR,
    field: "flags[0]",
  },
];

describe.skipIf(!enabled)("linux.seccomp: lxcri and runc, the same profile, the same syscall outcomes", () => {
  test("every action, operator and flag `lxcri features` lists is a row here (SCMP_ACT_NOTIFY and WAIT_KILLABLE_RECV: seccomp-notify.test.ts)", () => {
    const rows = JSON.stringify(SECCOMP_ROWS.map((r) => r.seccomp));
    const s = features().linux.seccomp;
    const missing = [...s.actions, ...s.operators, ...s.supportedFlags].filter(
      (x) => !rows.includes(`"${x}"`) && x !== "SCMP_ACT_NOTIFY" && x !== "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    );
    expect(missing).toEqual([]);
  });

  test.each(SECCOMP_ROWS)("$name", (row) => {
    const id = `ps-${row.name.replace(/[^a-zA-Z]+/g, "").slice(0, 24)}-${process.pid}`;
    // a bundle each: what one container wrote in its rootfs must not change what the other sees
    const made = (seccomp: Seccomp) =>
      bundle(["sh", "-c", row.script], (s) => {
        s.process!.terminal = false;
        s.root!.readonly = false;
        s.linux!.seccomp = seccomp;
      });
    const dirs = [made(row.lxcri?.asRunc ?? row.seccomp), made(row.seccomp)] as const;
    try {
      const runc = runUnder("runc", dirs[0], id);
      const ours = runUnder("lxcri", dirs[1], id);
      if (process.env.PARITY_SHOW) console.log(row.name, JSON.stringify({ runc, lxcri: ours }));
      if ("refused" in runc) {
        expect(ours).toHaveProperty("refused");
        expect((ours as { refused: string }).refused).toContain(`linux.seccomp`);
        if (row.field) expect((ours as { refused: string }).refused).toContain(row.field);
      } else expect(ours).toEqual(runc);
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });
});
