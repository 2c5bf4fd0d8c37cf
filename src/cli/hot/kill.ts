// `lxcri kill`'s entry: the command line with kill's handler alone, which the build
// bundles on its own (scripts/hot-bundles.ts); main.ts picks it by argv.
import kill from "../commands/kill.ts";
import { runOnly } from "../run.ts";

export const main = (argv: string[]): boolean => runOnly(argv, "kill", kill);
