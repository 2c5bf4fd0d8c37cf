// Help: citty renders the usage of the root and of each command, from
// definitions made out of table.ts. Loaded only to print help, so no other
// call pays for citty (docs/performance.md).
import type { ArgDef, ArgsDef, CommandDef } from "citty";
import { type CommandName, type CommandSpec, COMMANDS, type Flag, GLOBAL_FLAGS } from "./table.ts";
import { VERSION } from "./version.ts";

function args(flags: Readonly<Record<string, Flag>>, positionals: CommandSpec["args"] = []): ArgsDef {
  const out: ArgsDef = {};
  for (const p of positionals) out[p.name] = { type: "positional", description: p.description, required: false };
  for (const [name, f] of Object.entries(flags))
    if (!f.hidden)
      out[name] = {
        type: f.type,
        description: f.description,
        ...(f.alias && { alias: f.alias }),
        ...(f.default !== undefined && { default: f.default }),
      } as ArgDef;
  return out;
}

/** citty's definition of one command, from the table. */
export function commandDef(name: CommandName): CommandDef {
  const spec: CommandSpec = COMMANDS[name];
  return { meta: { name, description: spec.description }, args: args(spec.flags, spec.args) };
}

/** citty's definition of the root: the global flags and every command. */
export function rootDef(): CommandDef {
  return {
    meta: { name: "lxcri", version: VERSION, description: "OCI container runtime on LXC" },
    args: args(GLOBAL_FLAGS),
    subCommands: Object.fromEntries(Object.keys(COMMANDS).map((n) => [n, commandDef(n as CommandName)])),
  };
}

/** Prints the usage of a command, or of lxcri itself. */
export async function printUsage(command?: CommandName): Promise<void> {
  process.env.NO_COLOR = "1"; // plain text: read before citty loads
  const { showUsage } = await import("citty");
  if (command) await showUsage(commandDef(command), rootDef());
  else await showUsage(rootDef());
}
