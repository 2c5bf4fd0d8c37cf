// The command line parsed with the whole table (table.ts): what cli.ts, which
// runs every command, and the tests use. The parser itself is parser.ts,
// which the hot calls' bundles run with table-hot.ts's part alone.
import { type Parsed, parseArgvWith, toCallWith, isCommandOf } from "./parser.ts";
import { type Call, type CommandName, COMMANDS } from "./table.ts";

export { type Parsed, preserveFds, type Values } from "./parser.ts";

export const parseArgv = (argv: readonly string[]): Parsed => parseArgvWith(argv, COMMANDS);
export const toCall = (p: Parsed): Call => toCallWith(p, COMMANDS);
export const isCommand = (name: string | undefined): name is CommandName => isCommandOf(name, COMMANDS);
