// Rootless mode's rules (src/rootless.ts), the runtime directory's rule for a user
// (src/contract/status-rules.ts), and `spec --rootless` (src/spec/default.ts).
import { describe, expect, test } from "bun:test";
import { runtimeDirError } from "../../src/contract/status-rules.ts";
import { defaultRoot, inUserNamespace, isRootless, parseRootless, rootUnmapped, trustedOwners } from "../../src/rootless.ts";
import { defaultSpec } from "../../src/spec/default.ts";
import { toRootless } from "../../src/spec/rootless.ts";

const HOST_MAP = "         0          0 4294967295\n";
const PODMAN_MAP = "         0       1001          1\n         1     100000      65536\n";

describe("rootless rules", () => {
  test("the host's uid_map is the initial namespace; podman's and a missing one are told apart", () => {
    expect(inUserNamespace(HOST_MAP)).toBe(false);
    expect(inUserNamespace(PODMAN_MAP)).toBe(true);
    expect(inUserNamespace(undefined)).toBe(false);
  });

  test("--rootless: true, false, auto; anything else is refused naming the flag", () => {
    expect(parseRootless("true")).toBe(true);
    expect(parseRootless("false")).toBe(false);
    expect(parseRootless("auto")).toBeUndefined();
    expect(parseRootless(undefined)).toBeUndefined();
    expect(() => parseRootless("yes")).toThrow(/--rootless: expected true, false or auto/);
  });

  test("auto: rootless for a user and for uid 0 of a user namespace, not for root on the host", () => {
    expect(isRootless(undefined, 0, false)).toBe(false);
    expect(isRootless(undefined, 1001, false)).toBe(true);
    expect(isRootless(undefined, 0, true)).toBe(true);
    expect(isRootless(false, 1001, false)).toBe(false);
    expect(isRootless(true, 0, false)).toBe(true);
  });

  test("default root, runc's rule", () => {
    const never = () => {
      throw new Error("userns asked although it does not matter");
    };
    expect(defaultRoot({}, 0, never)).toBe("/run/lxcri");
    expect(defaultRoot({ XDG_RUNTIME_DIR: "/run/user/0" }, 0, () => false)).toBe("/run/lxcri");
    expect(defaultRoot({ XDG_RUNTIME_DIR: "/run/user/1001" }, 1001, never)).toBe("/run/user/1001/lxcri");
    expect(defaultRoot({ XDG_RUNTIME_DIR: "/run/user/1001/" }, 1001, never)).toBe("/run/user/1001/lxcri");
    expect(defaultRoot({ XDG_RUNTIME_DIR: "/run/user/1001" }, 0, () => true)).toBe("/run/user/1001/lxcri");
    expect(defaultRoot({ XDG_RUNTIME_DIR: "/run/user/1001", USER: "root" }, 0, () => true)).toBe("/run/lxcri");
    expect(defaultRoot({ XDG_RUNTIME_DIR: "relative" }, 1001, never)).toBe("/run/lxcri");
    expect(defaultRoot({}, 1001, never)).toBe("/run/lxcri");
  });

  test("root is unmapped in podman's namespace, mapped on the host and where a range covers it", () => {
    expect(rootUnmapped(PODMAN_MAP)).toBe(true);
    expect(rootUnmapped(HOST_MAP)).toBe(false);
    expect(rootUnmapped("0 0 1\n1 100000 65536\n")).toBe(false);
  });

  test("who may own an installed part: root alone for root; the caller, root and the overflow uid rootless", () => {
    expect(trustedOwners(false, 0, 65534)).toEqual([0]);
    expect(trustedOwners(true, 1001, undefined)).toEqual([0, 1001]);
    expect(trustedOwners(true, 0, 65534)).toEqual([0, 65534]);
    // a subordinate uid (a container's) is never among them
    expect(trustedOwners(true, 0, 65534)).not.toContain(100000);
  });
});

describe("the runtime directory", () => {
  const st = (uid: number, gid: number, mode: number) => ({ isDirectory: () => true, uid, gid, mode: 0o40000 | mode });
  test("root's: uid 0, gid 0, 0700", () => {
    expect(runtimeDirError("/d", st(0, 0, 0o700), 0)).toBeUndefined();
    expect(runtimeDirError("/d", st(0, 5, 0o700), 0)?.message).toMatch(/not root's and private/);
    expect(runtimeDirError("/d", st(1001, 1001, 0o700), 0)?.message).toMatch(/not root's and private \(owner 1001:1001/);
  });
  test("a user's: the caller's euid and 0700; root's or another user's is refused", () => {
    expect(runtimeDirError("/d", st(1001, 1001, 0o700), 1001)).toBeUndefined();
    expect(runtimeDirError("/d", st(0, 0, 0o700), 1001)?.message).toMatch(/not uid 1001's and private/);
    expect(runtimeDirError("/d", st(1002, 1001, 0o700), 1001)?.message).toMatch(/not uid 1001's/);
    expect(runtimeDirError("/d", st(1001, 1001, 0o750), 1001)?.message).toMatch(/mode 750/);
  });
});

test("spec --rootless: runc's ToRootless", () => {
  const s = toRootless(defaultSpec(), 1001, 1002);
  expect(s.linux!.namespaces!.map((n) => n.type)).toEqual(["pid", "ipc", "uts", "mount", "cgroup", "user"]);
  expect(s.linux!.uidMappings).toEqual([{ containerID: 0, hostID: 1001, size: 1 }]);
  expect(s.linux!.gidMappings).toEqual([{ containerID: 0, hostID: 1002, size: 1 }]);
  expect(s.linux!.resources).toBeUndefined();
  expect(s.mounts!.find((m) => m.destination === "/sys")).toEqual({
    destination: "/sys",
    type: "none",
    source: "/sys",
    options: ["rbind", "nosuid", "noexec", "nodev", "ro"],
  });
  expect(s.mounts!.find((m) => m.destination === "/dev/pts")!.options).not.toContain("gid=5");
  // the default is left as it was
  expect(defaultSpec().linux!.namespaces!.map((n) => n.type)).toContain("network");
});
