import { describe, expect, test } from "bun:test";
import { seccompProfile } from "../../src/lxc/seccomp.ts";

const error = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
};

describe("seccomp → LXC profile (v2)", () => {
  test("default action with its errno, rules with theirs, argument conditions ANDed on one line", () => {
    const profile = seccompProfile({
      defaultAction: "SCMP_ACT_ERRNO",
      defaultErrnoRet: 38,
      architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      syscalls: [
        { names: ["read", "write"], action: "SCMP_ACT_ALLOW" },
        { names: ["getcwd"], action: "SCMP_ACT_ERRNO", errnoRet: 13 },
        { names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 0, op: "SCMP_CMP_EQ" }, { index: 1, value: 8, op: "SCMP_CMP_NE" }] },
        { names: ["clone"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 2114060288, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }] },
        { names: ["kexec_load"], action: "SCMP_ACT_KILL" },
        { names: ["ptrace"], action: "SCMP_ACT_ERRNO", errnoRet: 38 },
      ],
    });
    expect(profile).toBe(
      [
        "2",
        "allowlist errno 38",
        "read allow",
        "write allow",
        "getcwd errno 13",
        "personality allow [0,0,SCMP_CMP_EQ][1,8,SCMP_CMP_NE]",
        "clone allow [0,0,SCMP_CMP_MASKED_EQ,2114060288]",
        "kexec_load kill",
        // ptrace: same as the default action, so no rule (libseccomp refuses one)
        "",
      ].join("\n"),
    );
  });

  test("ERRNO without errnoRet means EPERM", () => {
    expect(seccompProfile({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["mount"], action: "SCMP_ACT_ERRNO" }] })).toBe("2\nallowlist allow\nmount errno 1\n");
  });

  test("what LXC cannot express is an error naming the field", () => {
    expect(error(() => seccompProfile({ defaultAction: "SCMP_ACT_LOG" }))).toContain("linux.seccomp.defaultAction: SCMP_ACT_LOG cannot be expressed");
    expect(error(() => seccompProfile({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["x"], action: "SCMP_ACT_TRACE" }] }))).toContain(
      "linux.seccomp.syscalls[0].action: SCMP_ACT_TRACE",
    );
    expect(error(() => seccompProfile({ defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_LOG"] }))).toContain("linux.seccomp.flags");
    expect(error(() => seccompProfile({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["a b"], action: "SCMP_ACT_KILL" }] }))).toContain(
      'linux.seccomp.syscalls[0].names[0]: invalid syscall name "a b"',
    );
    expect(error(() => seccompProfile({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["x"], action: "SCMP_ACT_KILL", args: [{ index: 7, value: 1, op: "SCMP_CMP_EQ" }] }] }))).toContain(
      "linux.seccomp.syscalls[0].args[0].index: 7 is out of range",
    );
  });
});
