// The command line as callers write it (urfave/cli forms), normalised for citty.
import { describe, expect, test } from "bun:test";
import { COMMAND_FLAGS, GLOBAL_FLAGS, normalizeArgv } from "../../src/cli/argv.ts";
import { commands } from "../../src/cli/root.ts";
import { globalArgs } from "../../src/cli/globals.ts";

describe("argv normalisation", () => {
  test("global flags in every form callers use", () => {
    expect(normalizeArgv(["--root=/run/x", "state", "c1"])).toEqual(["--root=/run/x", "state", "c1"]);
    expect(normalizeArgv(["-root", "/run/x", "state", "c1"])).toEqual(["--root", "/run/x", "state", "c1"]);
    expect(normalizeArgv(["--systemd-cgroup=true", "--debug=false", "list"])).toEqual(["--systemd-cgroup", "list"]);
    expect(normalizeArgv(["--rootless=true", "--log-format=json", "--log", "/l", "kill", "c1", "9"])).toEqual([
      "--rootless=true",
      "--log-format=json",
      "--log",
      "/l",
      "kill",
      "c1",
      "9",
    ]);
  });

  test("command flags: single-dash long forms, booleans with values, short aliases", () => {
    expect(normalizeArgv(["create", "-bundle", "/b", "-pid-file=/p", "c1"])).toEqual(["create", "--bundle", "/b", "--pid-file=/p", "c1"]);
    expect(normalizeArgv(["delete", "--force=true", "c1"])).toEqual(["delete", "--force", "c1"]);
    expect(normalizeArgv(["kill", "-a", "c1", "9"])).toEqual(["kill", "-a", "c1", "9"]);
  });

  test("exec and ps: everything after the id belongs to the process or to ps", () => {
    expect(normalizeArgv(["exec", "-t", "--env", "A=b", "c1", "sh", "-c", "echo --root -x"])).toEqual([
      "exec",
      "-t",
      "--env",
      "A=b",
      "c1",
      "--",
      "sh",
      "-c",
      "echo --root -x",
    ]);
    expect(normalizeArgv(["exec", "--process", "/p.json", "--detach", "c1"])).toEqual(["exec", "--process", "/p.json", "--detach", "c1"]);
    expect(normalizeArgv(["ps", "--format", "json", "c1", "-o", "pid"])).toEqual(["ps", "--format", "json", "c1", "--", "-o", "pid"]);
  });

  test("the flag table matches the commands' own definitions", async () => {
    const defined = (args: Record<string, { type: string; alias?: string | string[] }>) => {
      const value: string[] = [];
      const bool: string[] = [];
      for (const [name, def] of Object.entries(args)) {
        if (def.type === "positional") continue;
        const names = [name, ...(def.alias === undefined ? [] : [def.alias].flat())];
        (def.type === "boolean" ? bool : value).push(...names);
      }
      return { value: value.sort(), bool: bool.sort() };
    };
    expect(defined(globalArgs)).toEqual({ value: [...GLOBAL_FLAGS.value].sort(), bool: [...GLOBAL_FLAGS.bool].sort() });
    for (const [name, load] of Object.entries(commands)) {
      const cmd = (await load()) as { args?: Record<string, { type: string; alias?: string }> };
      const flags = COMMAND_FLAGS[name] ?? { value: [], bool: [] };
      expect({ name, ...defined(cmd.args ?? {}) }).toEqual({ name, value: [...flags.value].sort(), bool: [...flags.bool].sort() });
    }
  });
});
