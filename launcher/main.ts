// lxcri-launcher: `init` (container init until start) or `hook <dir>` (liblxc
// mount hook). Built with `bun build --compile`; see scripts/build.ts.
import { hook } from "./hook.ts";
import { init } from "./init.ts";

const [mode, arg] = process.argv.slice(2);
let code: number;
try {
  if (mode === "init") code = await init();
  else if (mode === "hook" && arg) code = await hook(arg);
  else {
    console.error("usage: lxcri-launcher init | hook <runtime-dir>");
    code = 2;
  }
} catch (e) {
  console.error(`lxcri-launcher ${mode}: ${(e as Error).message}`);
  code = 1;
}
process.exit(code);
