// `lxcri delete`'s entry: the command line with delete's handler alone, which the build
// bundles on its own (scripts/hot-bundles.ts); main.ts picks it by argv.
import remove from "../commands/delete.ts";
import { runOnly } from "../run.ts";

export const main = (argv: string[]): boolean => runOnly(argv, "delete", remove);
