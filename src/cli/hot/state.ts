// `lxcri state`'s entry: the command line with state's handler alone, which the build
// bundles on its own (scripts/hot-bundles.ts); main.ts picks it by argv.
import state from "../commands/state.ts";
import { runOnly } from "../run.ts";

export const main = (argv: string[]): boolean => runOnly(argv, "state", state);
