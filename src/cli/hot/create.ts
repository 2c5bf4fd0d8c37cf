// `lxcri create`'s entry: the command line with create's handler alone, which the build
// bundles on its own (scripts/hot-bundles.ts); main.ts picks it by argv.
import create from "../commands/create.ts";
import { runOnly } from "../run.ts";

export const main = (argv: string[]): boolean => runOnly(argv, "create", create);
