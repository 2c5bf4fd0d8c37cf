// contract/native-error.ts: a native helper's failure in words, one function
// for the monitor, init at create and start, and the exec helper. The texts
// callers match (podman maps "executable file not found" to 127 and
// "permission denied" to 126) and the error codes are pinned here.
import { describe, expect, test } from "bun:test";
import { describeNative, nativeError } from "../../src/contract/native-error.ts";
import { STEP } from "../../src/contract/steps.ts";

const TEXTS: Record<number, string> = {
  1: "Operation not permitted",
  2: "No such file or directory",
  13: "Permission denied",
  5: "Input/output error",
};
const strerror = (e: number) => TEXTS[e] ?? `Unknown error ${e}`;
const fail = (step: number, errno: number, what = "") => ({ step, errno, what });

describe("nativeError", () => {
  test("a program that is not there or may not run: runc's texts, a config error at create", () => {
    const create = (errno: number, what: string) => nativeError(fail(STEP.LOOKUP, errno, what), "create", strerror);
    expect([create(2, "nosuch").message, create(2, "nosuch").code]).toEqual([
      'exec: "nosuch": executable file not found in $PATH',
      "invalid-config",
    ]);
    expect(create(2, "/bin/nosuch").message).toBe('exec: "/bin/nosuch": no such file or directory');
    expect(create(13, "/etc/passwd").message).toBe('exec: "/etc/passwd": permission denied');
    // another errno at the lookup: init's failure as any other
    expect([create(5, "/x").message, create(5, "/x").code]).toEqual([
      "container init: looking up process.args[0]: /x: Input/output error",
      "runtime",
    ]);

    const exec = (errno: number, arg0: string) => nativeError(fail(STEP.EXEC, errno, arg0), "exec", strerror, { arg0 });
    expect([exec(2, "nosuch").message, exec(2, "nosuch").code]).toEqual(['exec: "nosuch": executable file not found in $PATH', "runtime"]);
    expect(exec(13, "/etc/passwd").message).toBe('exec: "/etc/passwd": permission denied');
    expect(exec(5, "/x").message).toBe('exec: "/x": input/output error');
  });

  test("an AppArmor profile the kernel does not know: the host's refusal at create, a hint elsewhere", () => {
    const create = nativeError(fail(STEP.APPARMOR, 2, "nosuch"), "create", strerror);
    expect([create.message, create.code]).toEqual([
      'config.json: process.apparmorProfile: no AppArmor profile "nosuch" is loaded (load it with apparmor_parser)',
      "unsupported-on-host",
    ]);
    expect(nativeError(fail(STEP.APPARMOR, 2, "nosuch"), "exec", strerror).message).toBe(
      `exec: ${describeNative(fail(STEP.APPARMOR, 2, "nosuch"), strerror)}`,
    );
    expect(describeNative(fail(STEP.APPARMOR, 18, "p"), strerror)).toContain("not on the real procfs");
  });

  test("any other step: who reported it, the step, what it concerned, the errno", () => {
    expect(nativeError(fail(STEP.SETUID, 1, ""), "start", strerror, { id: "c1" }).message).toBe(
      "container c1: setresuid: Operation not permitted",
    );
    expect(nativeError(fail(STEP.CONFIG, 0, "/run/x/lxc.conf"), "monitor", strerror).message).toBe(
      "the monitor could not start the container: liblxc rejected a config item: /run/x/lxc.conf: failed",
    );
    expect(nativeError(fail(STEP.SETNS, 1, "/proc/1/ns/mnt"), "exec", strerror).message).toBe(
      "exec: joining the container's namespaces: operation not permitted",
    );
  });
});
