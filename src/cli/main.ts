// The entry of the one executable: `--version` is answered here, with nothing
// else loaded (it runs at Bun's own start-up cost, docs/performance.md); a hot
// call (`start`, `state`, `kill`, `delete`, `create`: route.ts) loads its own bundle
// (hot/, bundled alone by scripts/hot-bundles.ts), which gives the command line
// back when its parser finds something else; everything else is cli.ts.
import { hotCall } from "./route.ts";
import { isVersionArgv, versionText } from "./version.ts";

const argv = process.argv.slice(2);
const full = (): void => {
  import("./cli.ts").then(({ main }) => main(argv));
};
// one literal import() each: the bundler must see every entry
const take = ({ main }: { main: (argv: string[]) => boolean }): void => {
  if (!main(argv)) full();
};
if (isVersionArgv(argv)) console.log(versionText());
else
  switch (hotCall(argv)) {
    case "start":
      import("./hot/start.ts").then(take);
      break;
    case "state":
      import("./hot/state.ts").then(take);
      break;
    case "kill":
      import("./hot/kill.ts").then(take);
      break;
    case "delete":
      import("./hot/delete.ts").then(take);
      break;
    case "create":
      import("./hot/create.ts").then(take);
      break;
    default:
      full();
  }
