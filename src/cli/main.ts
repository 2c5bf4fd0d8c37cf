// The entry of the one executable: `--version` is answered here, with nothing
// else loaded (it runs at Bun's own start-up cost, docs/performance.md);
// everything else is cli.ts.
import { isVersionArgv, versionText } from "./version.ts";

const argv = process.argv.slice(2);
if (isVersionArgv(argv)) console.log(versionText());
else import("./cli.ts").then(({ main }) => main(argv));
