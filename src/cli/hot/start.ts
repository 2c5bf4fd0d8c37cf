// `lxcri start`'s entry: the command line with start's handler alone, which the build
// bundles on its own (scripts/hot-bundles.ts); main.ts picks it by argv.
import start from "../commands/start.ts";
import { runOnly } from "../run.ts";

export const main = (argv: string[]): boolean => runOnly(argv, "start", start);
