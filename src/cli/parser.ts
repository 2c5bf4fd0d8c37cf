// The one parser of the command line, driven by table.ts. It takes the forms
// runc's callers write (urfave/cli): `--root=/x`, `-root /x`, `--debug=true`,
// `--force=false`, `-b /x`, `-b=/x`, `-dt`, `--no-<flag>`, and `--` to end the
// flags. Global flags come before the command (and are still taken after it);
// a command's flags may come anywhere before `--`, except for exec, ps and
// kill, whose arguments after the id are taken untouched. An unknown flag is
// refused as runc (Go's flag package) refuses it: "flag provided but not
// defined: -bogus"; so are a value flag without its value, a boolean with a
// value that is not one, and a value a flag's `choices` do not list.
// It parses with the commands it is given: parse.ts gives it the whole table
// (cli.ts, every command); a hot call's entry (run.ts runOnly) gives it
// table-hot.ts's five, so that the call's bundle loads no other command's
// flags: a command word it is not given is no command to it, and the entry
// then hands the line to cli.ts untouched.
import { LxcriError } from "../errors.ts";
import type { Call, CommandName } from "./table.ts";
import { type CommandSpec, type Flag, GLOBAL_FLAGS, REFUSED_COMMANDS } from "./table-hot.ts";

/** The commands a parse knows: the whole table, or its hot part. */
export type Commands = Readonly<Record<string, CommandSpec>>;

export type Values = Record<string, string | boolean | string[]>;

export interface Parsed {
  /** Global flags as given (no defaults). */
  globals: Values;
  /** The command word; undefined when there is none. */
  command?: string;
  /** The command's flags as given (no defaults). */
  flags: Values;
  positionals: string[];
  /** --help or -h among the flags. */
  help: boolean;
  /** --version or -v among the global flags before the command: runc (urfave/cli) prints its version then, whatever follows. */
  version: boolean;
}

interface Scope {
  flags: Readonly<Record<string, Flag>>;
  out: Values;
}

const isFlag = (a: string) => a.length > 1 && a.startsWith("-");

// Object.keys and plain loops, not for…in, Object.hasOwn or Object.entries: each hot call parses once,
// and the first use of each of those cost it 0.02–0.03 ms here (docs/performance.md, "Issue 23, round 7:
// the hot calls' shell"). The tables are object literals: their own keys are all enumerable, in order.
function find(scopes: Scope[], name: string): [Scope, string, Flag] | undefined {
  for (const s of scopes) {
    const keys = Object.keys(s.flags);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const f = s.flags[key]!;
      if (key === name || f.alias === name) return [s, key, f];
    }
  }
  return undefined;
}

/** `key` is one of `table`'s own keys (Object.hasOwn for an object literal). */
const own = (table: object, key: string): boolean => Object.keys(table).includes(key);

const undefinedFlag = (token: string, name: string) =>
  new LxcriError("invalid-argument", `flag provided but not defined: -${name || token.replace(/^-+/, "")}`);

/** Go's strconv.ParseBool, which runc's boolean flags take after `=`. */
function parseBool(token: string, name: string, v: string): boolean {
  if (["1", "t", "T", "true", "TRUE", "True"].includes(v)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(v)) return false;
  throw new LxcriError("invalid-argument", `invalid boolean value ${JSON.stringify(v)} for -${name}: parse error (${token})`);
}

function value(argv: readonly string[], i: number, name: string): string {
  if (i + 1 >= argv.length) throw new LxcriError("invalid-argument", `flag needs an argument: -${name}`);
  return argv[i + 1]!;
}

function set(scope: Scope, key: string, flag: Flag, value: string | boolean): void {
  if (flag.choices && typeof value === "string" && !flag.choices.includes(value))
    throw new LxcriError("invalid-argument", `--${key}: expected ${flag.choices.join(" or ")}, got ${JSON.stringify(value)}`);
  if (flag.multiple) scope.out[key] = [...((scope.out[key] as string[] | undefined) ?? []), String(value)];
  else scope.out[key] = value;
}

/** Takes the flag at argv[i] (and its value); returns the index of the last token it used. */
function takeFlag(argv: readonly string[], i: number, scopes: Scope[], p: Parsed): number {
  const token = argv[i]!;
  const start = token.startsWith("--") ? 2 : 1;
  const eq = token.indexOf("=");
  const name = token.slice(start, eq < 0 ? undefined : eq);
  const inline = eq < 0 ? undefined : token.slice(eq + 1);
  const hit = name !== "" && find(scopes, name);
  if (hit) {
    const [scope, key, flag] = hit;
    if (flag.type === "boolean") set(scope, key, flag, inline === undefined || parseBool(token, name, inline));
    else if (inline !== undefined) set(scope, key, flag, inline);
    else set(scope, key, flag, value(argv, i++, name));
    return i;
  }
  // --no-force: lxcri's own negation, of boolean flags only
  if (inline === undefined && name.startsWith("no-")) {
    const negated = find(scopes, name.slice(3));
    if (negated && negated[2].type === "boolean") {
      set(negated[0], negated[1], negated[2], false);
      return i;
    }
  }
  if (name === "help" || name === "h") {
    p.help = true;
    return i;
  }
  // runc's --version is a global boolean flag, taken before the command only (`runc state --version` is refused)
  if ((name === "version" || name === "v") && scopes.length === 1) {
    p.version = inline === undefined || parseBool(token, name, inline);
    return i;
  }
  // -dt: a group of one-letter flags; a value flag takes the rest of the group, or the next argument
  if (!token.startsWith("--") && inline === undefined && token.length > 2) {
    // checked whole first: nothing is set from a group that is refused
    const picked: [Scope, string, Flag, string | true][] = [];
    for (let j = 1; j < token.length; j++) {
      const short = find(scopes, token[j]!);
      if (!short) throw undefinedFlag(token, name);
      const [scope, key, flag] = short;
      if (flag.type === "boolean") {
        picked.push([scope, key, flag, true]);
        continue;
      }
      const rest = token.slice(j + 1);
      picked.push([scope, key, flag, rest !== "" ? rest : value(argv, i++, flag.alias ?? key)]);
      break;
    }
    for (const [scope, key, flag, v] of picked) set(scope, key, flag, v);
    return i;
  }
  throw undefinedFlag(token, name);
}

export function parseArgvWith(argv: readonly string[], commands: Commands): Parsed {
  const p: Parsed = { globals: {}, flags: {}, positionals: [], help: false, version: false };
  const globals: Scope = { flags: GLOBAL_FLAGS, out: p.globals };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") return p; // no command
    if (!isFlag(a)) break;
    i = takeFlag(argv, i, [globals], p);
  }
  if (i >= argv.length) return p;
  p.command = argv[i++];
  if (!isCommandOf(p.command, commands)) {
    p.positionals.push(...argv.slice(i));
    return p;
  }
  const spec = commands[p.command]!;
  const scopes: Scope[] = [{ flags: spec.flags, out: p.flags }, globals];
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      p.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (isFlag(a)) {
      i = takeFlag(argv, i, scopes, p);
      continue;
    }
    p.positionals.push(a);
    if ("verbatim" in spec) {
      p.positionals.push(...argv.slice(i + 1));
      break;
    }
  }
  return p;
}

export function isCommandOf(name: string | undefined, commands: Commands): name is CommandName {
  return name !== undefined && own(commands, name);
}

/**
 * The command's call: its flags with their defaults, and the id checked as
 * runc checks it (`"state" requires a container id`, `takes exactly 1 argument`).
 */
export function toCallWith(p: Parsed, commands: Commands): Call {
  if (p.command === undefined) throw new LxcriError("invalid-argument", "No command specified.");
  if (own(REFUSED_COMMANDS, p.command))
    throw new LxcriError("invalid-argument", `${p.command}: not supported: ${REFUSED_COMMANDS[p.command]}`);
  if (!isCommandOf(p.command, commands)) throw new LxcriError("invalid-argument", `Unknown command ${p.command}`);
  const command = p.command;
  const spec = commands[command]!;
  const flags: Values = {};
  const keys = Object.keys(spec.flags);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const flag = spec.flags[key]!;
    const v = p.flags[key] ?? flag.default ?? (flag.multiple ? [] : flag.type === "boolean" ? false : undefined);
    if (v !== undefined) flags[key] = v;
  }
  const pos = p.positionals;
  const call = (id: string, args: string[]) => ({ command, id, args, flags }) as Call;
  if (spec.args.length === 0) return call("", pos);
  if (pos.length < 1) throw new LxcriError("invalid-argument", `"${command}" requires a container id`);
  const max = spec.args.length;
  if (!("rest" in spec) && pos.length > max)
    throw new LxcriError(
      "invalid-argument",
      `"${command}" takes ${max === 1 ? "exactly 1 argument" : `at most ${max} arguments`}, got ${pos.length}`,
    );
  return call(pos[0]!, pos.slice(1));
}

/** --preserve-fds N of create and exec: how many fds after 2 (and after LISTEN_FDS) to pass on. */
export function preserveFds(value: string | undefined): number {
  const n = value === undefined ? 0 : Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new LxcriError("invalid-argument", `--preserve-fds: expected a number, got ${JSON.stringify(value)}`);
  return n;
}
