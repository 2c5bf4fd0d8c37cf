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
    });
    // unknown global flags are ignored and take no value: the next word is the command
    expect(parseArgv(["--cgroup-manager", "disabled", "state", "c1"]).command).toBe("disabled");
  });

  test("command flags: single-dash long forms, booleans with values, short aliases, groups", () => {
    expect(call(["create", "-bundle", "/b", "-pid-file=/p", "c1"])).toMatchObject({ id: "c1", flags: { bundle: "/b", "pid-file": "/p" } });
    expect(call(["create", "-b=/b", "c1"]).flags.bundle).toBe("/b");
    expect(call(["create", "-b/b", "c1"]).flags.bundle).toBe("/b");
    expect(call(["create", "c1"]).flags).toEqual({ bundle: ".", "no-pivot": false, "no-new-keyring": false });
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
    expect(parseArgv(["--root", "/x", "-h"])).toEqual({ globals: { root: "/x" }, flags: {}, positionals: [], help: true });
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
      // runc's one such flag: `spec --rootless` (a boolean of spec's; the global one takes a value)
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
    for (const key of Object.keys(GLOBAL_FLAGS)) expect(root).toContain(`--${key}`);
    for (const name of Object.keys(COMMANDS)) expect(root).toContain(name);
  });

  test("update's flags are the resource flags and --resources", () => {
    expect(Object.keys(COMMANDS.update.flags).sort()).toEqual(["resources", ...Object.keys(RESOURCE_FLAGS)].sort());
  });
});
