import { describe, expect, test } from "bun:test";
import { defaultSpec } from "../../src/spec/default.ts";
import { validateSpec } from "../../src/spec/validate.ts";

const valid = () => JSON.parse(JSON.stringify(defaultSpec())) as Record<string, any>;
const errorOf = (json: unknown) => {
  try {
    validateSpec(json);
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
};

describe("config.json validation", () => {
  test("the default spec is valid", () => {
    expect(errorOf(valid())).toBeUndefined();
  });

  test("unknown properties are ignored, at every level", () => {
    const s = valid();
    s.futureField = { x: 1 };
    s.process.somethingNew = true;
    s.linux.namespaces[0].extra = "y";
    expect(errorOf(s)).toBeUndefined();
    expect((validateSpec(s) as any).futureField).toBeUndefined();
  });

  test.each([
    [(s: any) => (s.process.args[0] = 5), "config.json: process.args[0]: expected a string, got number 5"],
    [(s: any) => delete s.ociVersion, "config.json: ociVersion: is required"],
    [(s: any) => (s.ociVersion = "invalid"), 'config.json: ociVersion: unsupported version "invalid"'],
    [(s: any) => (s.ociVersion = "2.0.0"), 'unsupported version "2.0.0"'],
    [(s: any) => (s.process.cwd = "relative"), 'config.json: process.cwd: must be an absolute path, got "relative"'],
    [(s: any) => (s.process.user.uid = -1), "config.json: process.user.uid: -1 is out of range"],
    [(s: any) => (s.process.env = ["NOEQUALS"]), 'config.json: process.env[0]: environment entry "NOEQUALS" has no "="'],
    [(s: any) => (s.linux.namespaces[1].type = "foo"), 'config.json: linux.namespaces[1].type: unknown value "foo"'],
    [(s: any) => s.linux.namespaces.push({ type: "pid" }), 'config.json: linux.namespaces[6].type: duplicate namespace "pid"'],
    [
      (s: any) => (s.process.rlimits = [{ type: "RLIMIT_TEST", soft: 1, hard: 1 }]),
      'config.json: process.rlimits[0].type: unknown value "RLIMIT_TEST"',
    ],
    [
      (s: any) => s.process.rlimits.push({ type: "RLIMIT_NOFILE", soft: 1, hard: 1 }),
      'process.rlimits[1].type: duplicate rlimit "RLIMIT_NOFILE"',
    ],
    [(s: any) => (s.process.rlimits[0].soft = 5000), "soft limit 5000 is above the hard limit 1024"],
    [
      (s: any) => (s.hooks = { prestart: [{ path: "relative/hook" }] }),
      'config.json: hooks.prestart[0].path: must be an absolute path, got "relative/hook"',
    ],
    [
      (s: any) => (s.hooks = { poststop: [{ path: "/bin/true", timeout: 0 }] }),
      "config.json: hooks.poststop[0].timeout: 0 is out of range",
    ],
    [(s: any) => (s.mounts = "nope"), "config.json: mounts: expected an array, got string"],
    [(s: any) => (s.root = { readonly: true }), "config.json: root.path: is required"],
    [(s: any) => (s.annotations = { a: 1 }), 'config.json: annotations["a"]: expected a string, got number 1'],
    [
      (s: any) => (s.process.capabilities.bounding = ["chown"]),
      'config.json: process.capabilities.bounding[0]: invalid capability name "chown"',
    ],
  ])("rejects bad input with the JSON path (%#)", (edit, message) => {
    const s = valid();
    edit(s);
    expect(errorOf(s)).toContain(message);
  });

  test("a non-object document is rejected", () => {
    expect(errorOf([])).toBe("config.json: expected an object, got an array");
    expect(errorOf(null)).toBe("config.json: expected an object, got null");
  });

  test("null counts as absent for optional fields", () => {
    const s = valid();
    s.hooks = null;
    s.annotations = null;
    expect(errorOf(s)).toBeUndefined();
  });
});
