// The CLI's fast path takes only the plain forms and leaves the rest to citty.
import { expect, test } from "bun:test";
import { parseFast } from "../../src/cli/fast.ts";

test("plain forms of state, start, delete and kill", () => {
  expect(parseFast(["--root", "/r", "state", "c1"])).toEqual({ globals: { root: "/r" }, command: "state", id: "c1", force: false });
  expect(parseFast(["--root=/r", "--debug", "start", "c1"])?.globals).toEqual({ root: "/r", debug: true });
  expect(parseFast(["delete", "--force", "c1"])).toMatchObject({ command: "delete", id: "c1", force: true });
  expect(parseFast(["delete", "c1", "-f"])).toMatchObject({ command: "delete", id: "c1", force: true });
  expect(parseFast(["kill", "c1", "KILL"])).toMatchObject({ command: "kill", id: "c1", signal: "KILL" });
  expect(parseFast(["kill", "c1"])).toMatchObject({ command: "kill", id: "c1", signal: undefined });
  expect(parseFast(["create", "--bundle", "/b", "--pid-file=/p", "c1"])).toMatchObject({
    command: "create",
    id: "c1",
    bundle: "/b",
    pidFile: "/p",
  });
  expect(parseFast(["create", "c1", "-b", "/b", "--no-pivot"])).toMatchObject({
    command: "create",
    id: "c1",
    bundle: "/b",
    pidFile: undefined,
  });
  expect(parseFast(["create", "c1"])).toMatchObject({ command: "create", id: "c1", bundle: "." });
});

test("anything else goes to citty", () => {
  for (const argv of [
    [],
    ["state"],
    ["state", "a", "b"],
    ["state", "--help", "c1"],
    ["--unknown", "state", "c1"],
    ["-r", "/x", "state", "c1"],
    ["--root"],
    ["--debug=true", "state", "c1"],
    ["create", "--console-socket", "/s", "c1"],
    ["create", "-b"],
    ["create", "a", "b"],
    ["create", "--bundle", "", "c1"],
    ["create", "--preserve-fds", "1", "c1"],
    ["kill", "--all", "c1"],
    ["kill", "c1", "TERM", "x"],
    ["delete", "--force=false", "c1"],
    ["start", ""],
    ["list"],
  ])
    expect(parseFast(argv)).toBeUndefined();
});
