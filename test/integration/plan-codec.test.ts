// The one contract with the native helper: what src/contract/plan.ts encodes
// is what ffi/native/plan.c decodes (the built lxcri-init prints what it
// read), and both sides agree on the failure steps (same order), the frame
// kinds and the size of the CPU and node masks, read from the C headers.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sealedMemfd } from "../../ffi/sealed.ts";
import { ptr } from "bun:ffi";
import { sys } from "../../ffi/libc.ts";
import { cs } from "../../ffi/files.ts";
import { closeFd } from "../../ffi/fds.ts";
import { getFd, pidfdClose, pidfdOpen } from "../../ffi/pidfd.ts";
import { FrameChannel } from "../../src/host/frame-channel.ts";
import { decodeError } from "../../src/contract/frames.ts";
import { openFile } from "../../src/host/fs.ts";
import { MFD_ALLOW_SEALING, MFD_CLOEXEC, O_RDWR, SYS } from "../../ffi/syscalls.ts";
import { STEP } from "../../src/contract/steps.ts";
import { encodeExecPlan, encodeHookRun, encodeInitPlan, PLAN_VERSION, type ProcessPlan } from "../../src/contract/plan.ts";
import { CHANNEL_FD, INHERITED, TERMINAL_MASTER_FD } from "../../src/contract/layout.ts";
import { STEPS } from "../../src/contract/steps.ts";
import { FRAME } from "../../src/contract/frames.ts";
import { MAX_NODES } from "../../src/spec/lists.ts";
import { REPO } from "../helpers.ts";

const INIT = join(REPO, "build", "lxcri-init");

function decode(plan: Uint8Array, mode = "plan"): Record<string, unknown> {
  const fd = sealedMemfd("test-plan", plan);
  try {
    const stdio: (number | "inherit" | "pipe")[] = ["inherit", "pipe", "pipe", fd];
    const p = Bun.spawnSync({ cmd: [INIT, mode, "3"], stdio: stdio as never });
    if (p.exitCode !== 0) throw new Error(p.stderr.toString());
    return JSON.parse(p.stdout.toString());
  } finally {
    closeFd(fd);
  }
}

const process: ProcessPlan = {
  args: ["sh", "-c", 'echo "a\\nb"'],
  env: ["PATH=/bin", "X=ü\n"],
  cwd: "/work dir",
  umask: 0o027,
  user: { uid: 1000, gid: 100, additionalGids: [5, 6] },
  capabilities: { bounding: [0, 5, 40], effective: [5], permitted: [5], inheritable: [], ambient: [5] },
  lastCap: 40,
  rlimits: [
    { resource: 7, soft: 1024, hard: 4096 },
    { resource: 9, soft: 2 ** 64, hard: 2 ** 64 },
  ],
  noNewPrivileges: true,
  attrs: {
    personality: 8,
    ioPriority: (2 << 13) | 7,
    scheduler: { policy: 3, flags: 1, nice: -2, priority: 0, runtime: 1, deadline: 2, period: 3 },
    memoryPolicy: { mode: 2, nodes: [0, 65, 1023] },
  },
  lookupHome: true,
  finalCpus: [1, 3],
  apparmorProfile: "containers-default-0.50.1",
  selinuxLabel: "system_u:system_r:container_t:s0:c1,c2",
};

describe.skipIf(!existsSync(INIT))("plan codec: TypeScript encodes, C decodes", () => {
  test("an init plan, field by field", () => {
    const got = decode(
      encodeInitPlan(
        {
          process,
          setup: {
            terminal: true,
            devices: [{ path: "/dev/x", mode: 0o20660, major: 10, minor: 200, uid: 1, gid: 2 }],
            hostname: "box",
            mask: ["/m"],
            readonly: ["/r1", "/r2"],
            recursive: [
              { path: "/data", set: 1, clr: 0x70 },
              { path: "/d2", set: 0x200000, clr: 0, top: true },
            ],
            propagation: [
              { path: "/", flags: (1 << 19) | 0x4000 },
              { path: "/t", flags: 1 << 20 },
            ],
            tmpfs: [
              { path: "/tmp", copyUp: true },
              { path: "/run", copyUp: false },
            ],
            detach: ["/proc"],
            mountLabel: "system_u:object_r:container_file_t:s0:c1,c2",
            labelled: ["/dev/mqueue"],
          },
          keepFds: 4,
          hooks: [
            { index: 0, path: "/bin/h", argv: ["h", "x"], timeout: 5 },
            { index: 1, path: "/bin/g", argv: ["g"], env: ["A=1"] },
          ],
          hookTimeout: 60,
          state: ['{"id":"c","pid":', ',"bundle":"/b"}'],
        },
        { program: new Uint8Array(16), flags: 2 },
      ),
    );
    expect(got).toEqual({
      kind: 1,
      args: process.args,
      env: process.env,
      cwd: "/work dir",
      umask: 0o027,
      uid: 1000,
      gid: 100,
      groups: [5, 6],
      caps: ["10000000021", "20", "20", "0", "20"],
      lastCap: 40,
      rlimits: [
        [7, "1024", "4096"],
        [9, "18446744073709551615", "18446744073709551615"],
      ],
      noNewPrivs: 1,
      seccompBytes: 16,
      seccompFlags: 2,
      seccompFirst: 0, // no_new_privs on: loaded last
      attrs: 15,
      personality: 8,
      ioprio: (2 << 13) | 7,
      mempolicy: 2,
      nodes: [0, 65, 1023],
      schedSize: 48,
      schedPolicy: 3,
      lookupHome: 1,
      keepFds: 4,
      finalCpus: [1, 3],
      apparmor: "containers-default-0.50.1",
      selinux: "system_u:system_r:container_t:s0:c1,c2",
      terminal: 1,
      devices: [["/dev/x", 0o20660, 10, 200, 1, 2]],
      hostname: "box",
      domainname: null,
      mask: ["/m"],
      readonly: ["/r1", "/r2"],
      recursive: [
        ["/data", 1, 0x70, 0],
        ["/d2", 0x200000, 0, 1],
      ],
      propagation: [
        ["/", (1 << 19) | 0x4000],
        ["/t", 1 << 20],
      ],
      tmpfs: [
        ["/tmp", 1],
        ["/run", 0],
      ],
      detach: ["/proc"],
      mountLabel: "system_u:object_r:container_file_t:s0:c1,c2",
      labelled: ["/dev/mqueue"],
      hookTimeout: 60,
      state: ['{"id":"c","pid":', ',"bundle":"/b"}'],
      hooks: [
        { index: 0, path: "/bin/h", argv: ["h", "x"], env: null, timeout: 5 },
        { index: 1, path: "/bin/g", argv: ["g"], env: ["A=1"], timeout: 0 },
      ],
    });
  });

  test("an exec plan: fds, terminal, initial CPUs; seccomp early without no_new_privs", () => {
    const got = decode(
      encodeExecPlan(
        {
          process: { ...process, noNewPrivileges: false, finalCpus: undefined, apparmorProfile: undefined, selinuxLabel: undefined },
          keepFds: 3,
          nsFds: [7, 8],
          cgroupFds: [9],
          statusFd: 10,
          ttyFd: -1,
          initialCpus: [0],
        },
        { program: new Uint8Array(8), flags: 0 },
      ),
    );
    expect(got).toMatchObject({
      kind: 2,
      nsFds: [7, 8],
      cgroupFds: [9],
      statusFd: 10,
      ttyFd: -1,
      initialCpus: [0],
      finalCpus: null,
      apparmor: null, // none, or "unconfined": nothing to write
      selinux: null,
      seccompFirst: 1,
    });
  });

  test("a plan larger than the encoder's first buffer (4 KiB), and a string of any size, arrive whole", () => {
    const args = ["sh", "x".repeat(5000), "ü€😀".repeat(700)];
    const got = decode(encodeExecPlan({ process: { ...process, args }, keepFds: 3, nsFds: [], cgroupFds: [], statusFd: 3, ttyFd: -1 }));
    expect(got.args).toEqual(args);
    expect(got.env).toEqual(process.env);
  });

  test("a plan of another version is refused (the SELinux labels came with version 4)", () => {
    const plan = encodeExecPlan({ process, keepFds: 3, nsFds: [], cgroupFds: [], statusFd: 3, ttyFd: -1 });
    expect(Buffer.from(plan).readUInt32LE(8)).toBe(PLAN_VERSION);
    expect(PLAN_VERSION).toBe(4);
    const old = Buffer.from(plan);
    old.writeUInt32LE(1, 8);
    expect(() => decode(old)).toThrow();
  });

  test("a plan that is cut short or has trailing bytes is refused", () => {
    const plan = encodeExecPlan({ process, keepFds: 3, nsFds: [], cgroupFds: [], statusFd: 3, ttyFd: -1 });
    expect(() => decode(plan.subarray(0, plan.length - 1))).toThrow();
    expect(() => decode(Buffer.concat([plan, Buffer.from([0])]))).toThrow();
  });

  test("the mount hook's run (a HOOKS frame's payload), field by field; cut short or with trailing bytes, refused", () => {
    const run = encodeHookRun({
      hooks: [
        { index: 0, path: "/bin/h", argv: ["h", "a b"], timeout: 5 },
        { index: 1, path: "/bin/g", argv: [], env: ["A=1", "B=ü\n"] },
      ],
      timeout: 30,
      relay: true,
      cwd: "/the bundle",
      env: ["PATH=/bin", "HOME=/root"],
      state: ['{"id":"c","pid":', ',"bundle":"/b"}'],
    });
    expect(decode(run, "hook-run")).toEqual({
      timeout: 30,
      relay: 1,
      cwd: "/the bundle",
      env: ["PATH=/bin", "HOME=/root"],
      state: ['{"id":"c","pid":', ',"bundle":"/b"}'],
      hooks: [
        { index: 0, path: "/bin/h", argv: ["h", "a b"], env: null, timeout: 5 },
        { index: 1, path: "/bin/g", argv: [], env: ["A=1", "B=ü\n"], timeout: 0 },
      ],
    });
    expect(() => decode(run.subarray(0, run.length - 1), "hook-run")).toThrow();
    expect(() => decode(Buffer.concat([run, Buffer.from([0])]), "hook-run")).toThrow();
  });
});

/** ffi/native/<file>'s text. */
const native = (file: string) => readFileSync(join(REPO, "ffi", "native", file), "utf8");
/** The number a `#define NAME n` in `text` gives. */
const define = (text: string, name: string) => Number(new RegExp(`#define ${name} (\\d+)`).exec(text)?.[1]);

/**
 * `lxcri-init init 3` with `planFd` at fd 3: the ERROR frame it sends on its channel (it then waits
 * to be killed), taken with pidfd_getfd as create takes it. Never a plan init would act on: these
 * run on the host.
 */
async function initRefusal(planFd: number): Promise<{ step: number; errno: number }> {
  const p = Bun.spawn({ cmd: [INIT, "init", "3"], stdio: ["ignore", "ignore", "ignore", planFd] as never });
  try {
    const pidfd = pidfdOpen(p.pid);
    try {
      let chan: number | null = null;
      for (let i = 0; i < 500 && chan === null; i++) {
        chan = getFd(pidfd, CHANNEL_FD);
        if (chan === null) await Bun.sleep(10);
      }
      if (chan === null) throw new Error("init parked no channel");
      try {
        const frame = new FrameChannel(chan, 1 << 16).next(Date.now() + 5000);
        if (!frame || frame.kind !== FRAME.ERROR) throw new Error(`no ERROR frame from init: ${JSON.stringify(frame)}`);
        return decodeError(frame.payload);
      } finally {
        closeFd(chan);
      }
    } finally {
      pidfdClose(pidfd);
    }
  } finally {
    p.kill("SIGKILL");
    await p.exited;
  }
}

describe.skipIf(!existsSync(INIT) || globalThis.process.getuid?.() !== 0)("init reads only a sealed plan", () => {
  const notAPlan = new TextEncoder().encode("not a plan at all");
  const EPERM = 1;
  const EINVAL = 22;
  const EPROTO = 71;

  test("a memfd that is not sealed is refused before it is read (EPERM); sealed, the same bytes reach the decoder (EPROTO)", async () => {
    // what sealedMemfd makes, but never sealed
    const open = sys("memfd_create", SYS.memfd_create, ptr(cs("test-unsealed-plan")), MFD_CLOEXEC | MFD_ALLOW_SEALING);
    try {
      await Bun.write(`/proc/self/fd/${open}`, notAPlan);
      expect(await initRefusal(open)).toEqual({ step: STEP.PLAN, errno: EPERM, what: "" } as never);
    } finally {
      closeFd(open);
    }
    const sealed = sealedMemfd("test-sealed-plan", notAPlan);
    try {
      expect(await initRefusal(sealed)).toEqual({ step: STEP.PLAN, errno: EPROTO, what: "" } as never);
    } finally {
      closeFd(sealed);
    }
  });

  test("a regular file, which cannot be sealed, is refused (EINVAL)", async () => {
    const file = join(REPO, "build", `plan-${globalThis.process.pid}.bin`);
    await Bun.write(file, notAPlan);
    const fd = openFile(file, O_RDWR);
    try {
      expect(await initRefusal(fd)).toEqual({ step: STEP.PLAN, errno: EINVAL, what: "" } as never);
    } finally {
      closeFd(fd);
      await Bun.file(file).delete();
    }
  });

  test("exec's helper too: a plan that would run runs sealed, and an unsealed copy of it is refused before anything runs", async () => {
    // a plan that runs a shell on the host as root, in no namespace: it only makes a file of ours
    const out = join(REPO, "build", `exec-plan-${globalThis.process.pid}.out`);
    const plan = encodeExecPlan({
      process: {
        ...process,
        args: ["/bin/sh", "-c", `echo ran > ${out}`],
        env: ["PATH=/bin:/usr/bin"],
        cwd: "/",
        user: { uid: 0, gid: 0, additionalGids: [] },
        capabilities: { bounding: [], effective: [], permitted: [], inheritable: [], ambient: [] },
        rlimits: [],
        noNewPrivileges: false,
        attrs: {},
        lookupHome: false,
        finalCpus: undefined,
        apparmorProfile: undefined,
        selinuxLabel: undefined,
      },
      keepFds: 3,
      nsFds: [],
      cgroupFds: [],
      statusFd: 3,
      ttyFd: -1,
    });
    const runs = async (fd: number) => {
      await Bun.file(out)
        .delete()
        .catch(() => {});
      const p = Bun.spawnSync({ cmd: [INIT, "exec", "3"], stdio: ["ignore", "ignore", "ignore", fd] as never });
      // the helper forks the process and may exit before the shell has written
      for (let i = 0; i < 100 && !existsSync(out); i++) await Bun.sleep(20);
      return { code: p.exitCode, ran: existsSync(out) };
    };
    const sealed = sealedMemfd("test-sealed-exec-plan", plan);
    const open = sys("memfd_create", SYS.memfd_create, ptr(cs("test-unsealed-exec-plan")), MFD_CLOEXEC | MFD_ALLOW_SEALING);
    try {
      await Bun.write(`/proc/self/fd/${open}`, plan);
      expect(await runs(sealed)).toEqual({ code: 0, ran: true });
      expect(await runs(open)).toEqual({ code: 2, ran: false });
    } finally {
      closeFd(sealed);
      closeFd(open);
      await Bun.file(out)
        .delete()
        .catch(() => {});
    }
  });
});

describe("masks of CPUs and NUMA nodes: one size, 1024 bits, on both sides", () => {
  test("the checker's bound (spec/lists.ts MAX_NODES) is lxcri.h's mask size and confine.c's set_mempolicy bound", () => {
    expect(MAX_NODES).toBe(1024);
    expect(define(native("lxcri.h"), "CPU_MASK_WORDS") * 64).toBe(MAX_NODES);
    expect(define(native("confine.c"), "MAX_NODES")).toBe(MAX_NODES);
  });

  test.skipIf(!existsSync(INIT))(
    "the largest number the checker accepts crosses every mask of the plan (nodes, final and initial CPUs)",
    () => {
      const top = [0, 63, 64, MAX_NODES - 1];
      const plan = {
        process: { ...process, attrs: { ...process.attrs, memoryPolicy: { mode: 2, nodes: top } }, finalCpus: top },
        keepFds: 3,
        nsFds: [],
        cgroupFds: [],
        statusFd: 3,
        ttyFd: -1,
        initialCpus: top,
      };
      expect(decode(encodeExecPlan(plan))).toMatchObject({ nodes: top, finalCpus: top, initialCpus: top });
    },
  );
});

describe("frame kinds", () => {
  test("ffi/native/lxcri.h's enum frame_kind is src/contract/frames.ts's FRAME, name for name", () => {
    const body = /enum frame_kind \{([^}]*)\}/.exec(native("lxcri.h"))?.[1] ?? "";
    const c = Object.fromEntries([...body.matchAll(/FRAME_(\w+) = (\d+)/g)].map((m) => [m[1], Number(m[2])]));
    expect(Object.keys(c).length).toBeGreaterThan(0);
    expect(c).toEqual({ ...FRAME });
  });
});

describe("the fd layout init inherits", () => {
  test("ffi/native/lxcri.h's INHERITED_* and fixed fds are src/contract/layout.ts's", () => {
    const header = native("lxcri.h");
    expect(define(header, "INHERITED_STDIN")).toBe(INHERITED.stdin);
    expect(define(header, "INHERITED_DEVNULL")).toBe(INHERITED.devNull);
    expect(define(header, "INHERITED_REPORT")).toBe(INHERITED.report);
    expect(define(header, "CHANNEL_FD")).toBe(CHANNEL_FD);
    expect(define(header, "TERMINAL_MASTER_FD")).toBe(TERMINAL_MASTER_FD);
  });
});

describe("failure steps", () => {
  test("ffi/native/steps.h and src/contract/steps.ts list the same steps in the same order", () => {
    const c = [...native("steps.h").matchAll(/X\((\w+), "([^"]*)"\)/g)].map((m) => [m[1], m[2]]);
    expect(c).toEqual(STEPS.map(([name, text]) => [name, text]));
  });
});
