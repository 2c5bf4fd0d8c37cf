import { describe, expect, test } from "bun:test";
import { seccompPlan } from "../../src/lxc/seccomp.ts";
import { defaultSpec } from "../../src/spec/default.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import { errorOf } from "./error-of.ts";

const error = errorOf;

/** linux.seccomp of the default spec set to `profile`, checked (src/spec/seccomp.ts), then planned. */
const planOf = (profile: unknown) => {
  const s = defaultSpec();
  s.linux!.seccomp = profile as never;
  return seccompPlan(validateSpec(s).linux!.seccomp!);
};

describe("seccomp → init's libseccomp plan", () => {
  test("actions with their errno, architectures, flags, and argument conditions kept together (AND)", () => {
    const plan = planOf({
      defaultAction: "SCMP_ACT_ERRNO",
      defaultErrnoRet: 38,
      architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
      flags: ["SECCOMP_FILTER_FLAG_LOG"],
      syscalls: [
        { names: ["read", "write"], action: "SCMP_ACT_ALLOW" },
        { names: ["getcwd"], action: "SCMP_ACT_ERRNO", errnoRet: 13 },
        {
          names: ["personality"],
          action: "SCMP_ACT_ALLOW",
          args: [
            { index: 0, value: 0, op: "SCMP_CMP_EQ" },
            { index: 1, value: 8, op: "SCMP_CMP_NE" },
          ],
        },
        { names: ["clone"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 2114060288, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }] },
        { names: ["kexec_load"], action: "SCMP_ACT_KILL_PROCESS" },
        { names: ["ptrace"], action: "SCMP_ACT_ERRNO", errnoRet: 38 },
        { names: ["big"], action: "SCMP_ACT_LOG", args: [{ index: 2, value: "18446744073709551615", op: "SCMP_CMP_EQ" }] },
      ],
    });
    expect(plan.defaultAction).toBe(0x00050000 + 38);
    expect(plan.architectures).toEqual(["x86_64", "x86", "x32"]);
    expect(plan.attributes).toEqual([6]);
    expect(plan.rules).toEqual([
      { names: ["read", "write"], action: 0x7fff0000, args: [] },
      { names: ["getcwd"], action: 0x00050000 + 13, args: [] },
      {
        names: ["personality"],
        action: 0x7fff0000,
        args: [
          { index: 0, op: 4, a: "0", b: "0" },
          { index: 1, op: 1, a: "8", b: "0" },
        ],
      },
      { names: ["clone"], action: 0x7fff0000, args: [{ index: 0, op: 7, a: "2114060288", b: "0" }] },
      { names: ["kexec_load"], action: 0x80000000, args: [] },
      // ptrace is dropped: its action is the default
      { names: ["big"], action: 0x7ffc0000, args: [{ index: 2, op: 4, a: "18446744073709551615", b: "0" }] },
    ]);
  });

  test("ERRNO without errnoRet means EPERM", () => {
    expect(planOf({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["mount"], action: "SCMP_ACT_ERRNO" }] }).rules[0]!.action).toBe(
      0x00050001,
    );
  });

  test("SECCOMP_FILTER_FLAG_TSYNC is kept as libseccomp's CTL_TSYNC attribute", () => {
    expect(
      planOf({ defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"] }).attributes,
    ).toEqual([4, 7]);
  });

  test("SCMP_ACT_NOTIFY rules ask for a notify listener (NEW_LISTENER), WAIT_KILLABLE_RECV goes with it", () => {
    const plan = planOf({
      defaultAction: "SCMP_ACT_ALLOW",
      listenerPath: "/run/agent.sock",
      flags: ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
      syscalls: [{ names: ["mkdir"], action: "SCMP_ACT_NOTIFY" }],
    });
    expect(plan.rules).toEqual([{ names: ["mkdir"], action: 0x7fc00000, args: [] }]);
    expect(plan.filterFlags).toBe(8 | 32);
    expect(plan.attributes).toEqual([]);
    expect(planOf({ defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/run/agent.sock" }).filterFlags).toBe(0);
  });

  test("what cannot be done is an error naming the field", () => {
    expect(error(() => planOf({ defaultAction: "SCMP_ACT_NOTIFY", listenerPath: "/run/agent.sock" }))).toContain(
      "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action",
    );
    const notify = (names: string[]) => ({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names, action: "SCMP_ACT_NOTIFY" }] });
    expect(error(() => planOf(notify(["mkdir"])))).toContain("linux.seccomp.listenerPath: SCMP_ACT_NOTIFY needs a listenerPath");
    expect(error(() => planOf({ ...notify(["mkdir"]), listenerPath: "agent.sock" }))).toContain(
      "linux.seccomp.listenerPath: must be an absolute path",
    );
    expect(error(() => planOf({ ...notify(["mkdir", "sendmsg"]), listenerPath: "/a" }))).toContain(
      "linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for sendmsg",
    );
    expect(
      error(() =>
        planOf({ defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"] }),
      ),
    ).toContain("linux.seccomp.flags[1]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV applies to a notify listener");
    expect(error(() => planOf({ defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_NEW"] }))).toContain(
      'linux.seccomp.flags[0]: unsupported seccomp flag "SECCOMP_FILTER_FLAG_NEW"',
    );
    expect(error(() => planOf({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["a b"], action: "SCMP_ACT_KILL" }] }))).toContain(
      'linux.seccomp.syscalls[0].names[0]: invalid syscall name "a b"',
    );
    expect(
      error(() =>
        planOf({
          defaultAction: "SCMP_ACT_ALLOW",
          syscalls: [{ names: ["x"], action: "SCMP_ACT_KILL", args: [{ index: 7, value: 1, op: "SCMP_CMP_EQ" }] }],
        }),
      ),
    ).toContain("linux.seccomp.syscalls[0].args[0].index: 7 is out of range");
    expect(error(() => planOf({ defaultAction: "SCMP_ACT_BOGUS" }))).toContain(
      'linux.seccomp.defaultAction: unknown value "SCMP_ACT_BOGUS"',
    );
  });
});
