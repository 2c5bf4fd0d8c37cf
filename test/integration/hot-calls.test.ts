// start, state, kill and delete run from a bundle each (src/cli/hot/,
// scripts/hot-bundles.ts), picked by argv (src/cli/route.ts); what only a
// rarer case needs comes from the executable's split graph, which shares
// errors.ts with the bundle. Their errors read as they always did: the same
// line on stderr, exit 1, one JSON object in --log; an error made in the split
// graph (init's failed execve, worded by contract/native-error.ts) is lxcri's
// own to the bundle's reportError, so LXCRI_DEBUG adds no stack to it (a bundle
// with its own copy of errors.ts printed one). Command lines the bundle does
// not take (help, a refused flag) go to cli.ts and read as before too.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, state, tempDir, testRoot } from "../helpers.ts";

const root = testRoot("hot-calls");
afterAll(() => cleanupRoot(root));

/** Runs `args` with --log (JSON); the result and the log's lines. */
function logged(args: string[], env: Record<string, string> = {}) {
  const log = join(tempDir("hot-log"), "log.json");
  const r = lxcri(root, ["--log", log, "--log-format", "json", ...args], { env });
  return {
    ...r,
    log: readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  };
}

describe.skipIf(!canRunContainers)("the hot calls' bundles: errors as before", () => {
  test("each hot call on a container that does not exist: one line on stderr, exit 1, one JSON error in --log", () => {
    for (const args of [
      ["start", "nope"],
      ["state", "nope"],
      ["kill", "nope", "KILL"],
      ["delete", "nope"],
    ]) {
      const r = logged(args, { LXCRI_DEBUG: "1" });
      expect([args[0], r.code, r.stdout, r.stderr]).toEqual([args[0], 1, "", "lxcri: container nope does not exist\n"]);
      expect(r.log.map((e) => [e.level, e.msg])).toEqual([["error", "container nope does not exist"]]);
    }
    // refusals of the call's own arguments, after the parse
    expect(lxcri(root, ["kill", "nope", "BOGUS"]).stderr).toBe('lxcri: invalid signal "BOGUS"\n');
    expect(lxcri(root, ["start"])).toEqual({ code: 1, stdout: "", stderr: 'lxcri: "start" requires a container id\n' });
    expect(lxcri(root, ["state", "a", "b"]).stderr).toBe('lxcri: "state" takes exactly 1 argument, got 2\n');
  });

  test("an error made in the split graph (init's execve failing at start) is reported by the bundle as lxcri's own", () => {
    const b = bundle(["/bin/vanish"]);
    const program = join(b, "rootfs", "bin", "vanish");
    symlinkSync("busybox", program);
    expect(lxcri(root, ["create", "--bundle", b, "hot-exec"]).code).toBe(0);
    rmSync(program); // found at create, gone at start: init's execve fails
    const r = logged(["start", "hot-exec"], { LXCRI_DEBUG: "1" });
    const message = "container hot-exec: exec: /bin/vanish: No such file or directory";
    expect([r.code, r.stdout, r.stderr]).toEqual([1, "", `lxcri: ${message}\n`]);
    expect(r.log.map((e) => [e.level, e.msg])).toEqual([["error", message]]);
    expect(state(root, "hot-exec").status).toBe("stopped");
    expect(lxcri(root, ["delete", "hot-exec"]).code).toBe(0);
    expect(leftovers(root, "hot-exec")).toEqual([]);
  });

  test("what the bundle does not take goes to cli.ts: help, a refused flag, another command", () => {
    const help = lxcri(root, ["help", "start"]);
    expect(help.code).toBe(0);
    expect(lxcri(root, ["start", "--help"])).toEqual(help);
    expect(lxcri(root, ["--log-format=yaml", "start", "x"]).stderr).toBe('lxcri: --log-format: expected text or json, got "yaml"\n');
    expect(lxcri(root, ["start", "--bogus", "x"]).stderr).toBe("lxcri: flag provided but not defined: -bogus\n");
    expect(lxcri(root, ["list"]).code).toBe(0);
  });
});
