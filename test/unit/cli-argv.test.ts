// The command line as callers write it (urfave/cli forms), parsed from the one
// table (src/cli/table.ts); and the table checked against what is built from it.
import { describe, expect, test } from "bun:test";
import { renderUsage } from "citty";
import { HANDLERS } from "../../src/cli/cli.ts";
import { parseArgv, toCall } from "../../src/cli/parse.ts";
import { COMMANDS, type CommandName, type Flag, GLOBAL_FLAGS, RESOURCE_FLAGS } from "../../src/cli/table.ts";
import { commandDef, rootDef } from "../../src/cli/usage.ts";

const call = (argv: string[]) => toCall(parseArgv(argv)) as { id: string; args: string[]; flags: Record<string, unknown> };

describe("argv parsing", () => {
  test("global flags in every form callers use", () => {
    expect(parseArgv(["--root=/run/x", "state", "c1"]).globals).toEqual({ root: "/run/x" });
    expect(parseArgv(["-root", "/run/x", "state", "c1"]).globals).toEqual({ root: "/run/x" });
    expect(parseArgv(["--systemd-cgroup=true", "--debug=false", "list"]).globals).toEqual({ "systemd-cgroup": true, debug: false });
    expect(parseArgv(["--rootless=true", "--log-format=json", "--log", "/l", "kill", "c1", "9"])).toEqual({
      globals: { rootless: "true", "log-format": "json", log: "/l" },
      command: "kill",
      flags: {},
      positionals: ["c1", "9"],
      help: false,
      version: false,
    });
    // crun's --cgroup-manager takes a value
    expect(parseArgv(["--cgroup-manager", "systemd", "state", "c1"])).toMatchObject({
      command: "state",
      globals: { "cgroup-manager": "systemd" },
    });
  });

  test("unknown flags are refused as runc refuses them, in every command and before one", () => {
    for (const name of Object.keys(COMMANDS)) {
      expect(() => parseArgv([name, "--bogus", "c1"])).toThrow("flag provided but not defined: -bogus");
      expect(() => parseArgv([name, "-bogus=1", "c1"])).toThrow("flag provided but not defined: -bogus");
    }
    expect(() => parseArgv(["--bogus", "list"])).toThrow("flag provided but not defined: -bogus");
    // a group with an unknown letter, a value flag without its value, a boolean that is not one
    expect(() => parseArgv(["exec", "-dz", "c1", "sh"])).toThrow("flag provided but not defined: -dz");
    expect(() => parseArgv(["create", "c1", "--pid-file"])).toThrow("flag needs an argument: -pid-file");
    expect(() => parseArgv(["delete", "--force=yes", "c1"])).toThrow('invalid boolean value "yes" for -force');
    expect(call(["delete", "--force=1", "c1"]).flags.force).toBe(true);
    expect(call(["delete", "--force=F", "c1"]).flags.force).toBe(false);
    // --no-<flag> negates a boolean only
    expect(() => parseArgv(["create", "--no-bundle", "c1"])).toThrow("flag provided but not defined: -no-bundle");
    // what follows the id of exec, ps and kill is theirs
    expect(call(["exec", "c1", "ls", "--bogus"]).args).toEqual(["ls", "--bogus"]);
    expect(call(["kill", "c1", "-9"]).args).toEqual(["-9"]);
  });

  test("exec --cgroup takes its value (the id comes after it), and is repeatable", () => {
    expect(call(["exec", "--cgroup", "sub", "c1", "sh"])).toMatchObject({ id: "c1", args: ["sh"], flags: { cgroup: ["sub"] } });
    expect(call(["exec", "--cgroup=cpu:a", "--cgroup", "memory:b", "c1", "sh"]).flags.cgroup).toEqual(["cpu:a", "memory:b"]);
  });

  test("spec --rootless is spec's boolean after the command, the global value before it (as runc)", () => {
    expect(call(["spec", "--rootless", "--bundle", "/d"]).flags).toEqual({ bundle: "/d", rootless: true });
    expect(parseArgv(["--rootless", "true", "spec"]).globals).toEqual({ rootless: "true" });
  });

  test("command flags: single-dash long forms, booleans with values, short aliases, groups", () => {
    expect(call(["create", "-bundle", "/b", "-pid-file=/p", "c1"])).toMatchObject({ id: "c1", flags: { bundle: "/b", "pid-file": "/p" } });
    expect(call(["create", "-b=/b", "c1"]).flags.bundle).toBe("/b");
    expect(call(["create", "-b/b", "c1"]).flags.bundle).toBe("/b");
    expect(call(["create", "c1"]).flags).toEqual({ bundle: ".", "no-pivot": false, "no-new-keyring": false });
    expect(call(["run", "-d", "--keep", "c1"]).flags).toMatchObject({ detach: true, keep: true, "no-subreaper": false });
    expect(call(["delete", "--force=true", "c1"]).flags.force).toBe(true);
    expect(call(["delete", "--force=false", "c1"]).flags.force).toBe(false);
    expect(call(["delete", "--no-force", "c1"]).flags.force).toBe(false);
    expect(call(["kill", "-a", "c1", "9"])).toMatchObject({ id: "c1", args: ["9"], flags: { all: true } });
    expect(call(["exec", "-dt", "c1", "sh"]).flags).toMatchObject({ detach: true, tty: true });
    expect(call(["exec", "-e", "A=1", "--env=B=2", "-e", "C", "c1", "sh"]).flags.env).toEqual(["A=1", "B=2", "C"]);
    expect(call(["exec", "--no-new-privs", "c1", "sh"]).flags["no-new-privs"]).toBe(true);
  });

  test("exec and ps: everything after the id belongs to the process or to ps", () => {
    expect(call(["exec", "-t", "--env", "A=b", "c1", "sh", "-c", "echo --root -x -h"])).toMatchObject({
      id: "c1",
      args: ["sh", "-c", "echo --root -x -h"],
      flags: { tty: true, env: ["A=b"] },
    });
    expect(parseArgv(["exec", "c1", "ls", "-h"]).help).toBe(false);
    expect(call(["exec", "--process", "/p.json", "--detach", "c1"])).toMatchObject({ id: "c1", args: [], flags: { process: "/p.json" } });
    expect(call(["exec", "--", "c1", "ls"])).toMatchObject({ id: "c1", args: ["ls"] });
    expect(call(["exec", "c1", "--", "ls"])).toMatchObject({ id: "c1", args: ["--", "ls"] });
    expect(call(["ps", "--format", "json", "c1", "-o", "pid"])).toMatchObject({ id: "c1", args: ["-o", "pid"], flags: { format: "json" } });
  });

  test("help, and the id rules", () => {
    expect(parseArgv(["state", "--help"])).toMatchObject({ command: "state", help: true });
    expect(parseArgv(["--root", "/x", "-h"])).toEqual({ globals: { root: "/x" }, flags: {}, positionals: [], help: true, version: false });
    expect(parseArgv(["--root", "/x", "-v", "state", "c1"])).toMatchObject({ command: "state", version: true });
    expect(parseArgv(["--version=false", "list"])).toMatchObject({ command: "list", version: false });
    expect(() => parseArgv(["state", "-v", "c1"])).toThrow("flag provided but not defined: -v");
    expect(() => call(["state"])).toThrow('"state" requires a container id');
    expect(() => call(["state", "a", "b"])).toThrow('"state" takes exactly 1 argument, got 2');
    expect(() => call(["kill", "a", "b", "c"])).toThrow('"kill" takes at most 2 arguments, got 3');
    expect(() => call(["frobnicate", "c1"])).toThrow("Unknown command frobnicate");
    expect(() => call(["--", "state", "c1"])).toThrow("No command specified.");
    expect(call(["create", "--bundle", "/b", "--", "-rf"]).id).toBe("-rf");
    expect(call(["list", "extra"])).toMatchObject({ id: "", args: ["extra"] });
  });
});

describe("the table", () => {
  const entries = Object.entries(COMMANDS) as [CommandName, (typeof COMMANDS)[CommandName]][];

  test("every command has a handler, and every handler a command", async () => {
    expect(Object.keys(HANDLERS).sort()).toEqual(Object.keys(COMMANDS).sort());
    for (const load of Object.values(HANDLERS)) expect(typeof (await load()).default).toBe("function");
  });

  test("names and aliases: one-letter aliases, unique per command, and no command flag is also a global one", () => {
    const globalNames = Object.keys(GLOBAL_FLAGS);
    for (const [name, spec] of entries) {
      const flags = Object.entries(spec.flags as Record<string, Flag>);
      const aliases = flags.flatMap(([, f]) => (f.alias ? [f.alias] : []));
      for (const a of aliases) expect({ name, a, length: a.length }).toEqual({ name, a, length: 1 });
      expect(new Set([...flags.map(([k]) => k), ...aliases]).size).toBe(flags.length + aliases.length);
      // spec --rootless (a boolean) and the global --rootless (a value) are runc's: position tells them apart
      for (const [k] of flags)
        if (!(name === "spec" && k === "rootless"))
          expect({ name, k, global: globalNames.includes(k) }).toEqual({ name, k, global: false });
    }
  });

  test("--rootless: spec's after spec (runc's), the global one before the command", () => {
    const after = parseArgv(["spec", "--rootless"]);
    expect(after.flags).toEqual({ rootless: true });
    expect(after.globals).toEqual({});
    const before = parseArgv(["--rootless", "true", "spec"]);
    expect(before.globals).toEqual({ rootless: "true" });
    expect(before.flags).toEqual({});
  });

  test("citty's definitions (for help) are the table's, and its usage text shows every flag", async () => {
    for (const [name, spec] of entries) {
      const def = commandDef(name);
      const args = def.args as Record<string, { type: string; description?: string; alias?: string; default?: string }>;
      for (const p of spec.args) expect(args[p.name]?.type).toBe("positional");
      for (const [key, f] of Object.entries(spec.flags as Record<string, Flag>)) {
        if (f.hidden) {
          expect({ name, key, shown: key in args }).toEqual({ name, key, shown: false });
          continue;
        }
        const { description: _, ...derived } = args[key]!;
        expect({ name, key, ...derived }).toEqual({
          name,
          key,
          type: f.type,
          ...(f.alias && { alias: f.alias }),
          ...(f.default && { default: f.default }),
        });
        const usage = await renderUsage(def, rootDef());
        expect(usage).toContain(`--${key}`);
        if (f.alias) expect(usage).toContain(`-${f.alias},`);
      }
    }
    const root = await renderUsage(rootDef());
    for (const [key, f] of Object.entries(GLOBAL_FLAGS) as [string, Flag][])
      if (f.hidden) expect(root).not.toContain(`--${key}`);
      else expect(root).toContain(`--${key}`);
    for (const name of Object.keys(COMMANDS)) expect(root).toContain(name);
  });

  test("update's flags are the resource flags and --resources", () => {
    expect(Object.keys(COMMANDS.update.flags).sort()).toEqual(
      ["resources", "l3-cache-schema", "mem-bw-schema", ...Object.keys(RESOURCE_FLAGS)].sort(),
    );
  });
});
