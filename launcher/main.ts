// (a module: top-level await)
export {};
// lxcri-launcher: `init` (container init until start) or `hook <dir>` (liblxc
// mount hook). Built with `bun build --compile`; see scripts/build.ts. Each
// mode is imported when chosen, so a hook point does not load init's code.

const [mode, arg] = process.argv.slice(2);
let code: number;
try {
  if (mode === "init") code = await (await import("./init.ts")).init();
  else if (mode === "hook" && arg) code = await (await import("./hook.ts")).hook(arg);
  else {
    console.error("usage: lxcri-launcher init | hook <runtime-dir>");
    code = 2;
  }
} catch (e) {
  console.error(`lxcri-launcher ${mode}: ${(e as Error).message}`);
  code = 1;
}
process.exit(code);
