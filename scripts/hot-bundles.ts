// One bundle per hot call (docs/performance.md, "Issue 23, round 6"): the
// command line with that call's handler alone (src/cli/hot/<call>.ts), bundled
// without splitting, so that the call loads one module, not the 13–18 chunks
// the split graph of the executable would give it. What only a rarer case
// needs (a failure's wording, hooks, destroy, --all, a systemd scope, the
// Runtime) stays an `import()` of its source file, left external here: the
// executable's build (scripts/build.ts) then bundles the hot bundle in place of
// its entry, and its split graph serves those imports as ever. errors.ts is
// left external too, imported not copied: an LxcriError made in the split graph
// (native-error.ts at start, the hooks' runner) must be the class the bundle's
// `instanceof` checks know (reportError, start's failure path).
import { dirname, join, resolve } from "node:path";
import type { BunPlugin } from "bun";
import { HOT, type HotCall } from "../src/cli/route.ts";

const root = join(import.meta.dir, "..");
const src = (f: string) => join(root, "src", f);

/** Per call, the `import()`s its plain path takes: bundled in. Every other `import()` stays external. */
export const HOT_PATH: Record<HotCall, string[]> = {
  start: [src("log.ts"), src("container/start.ts")],
  kill: [src("log.ts"), src("container/kill.ts")],
  delete: [src("log.ts"), src("container/delete.ts")],
  state: [],
  create: [src("log.ts"), src("container/create/index.ts")],
};

/** Imported, never copied into a bundle: what must be one module with the split graph's. */
export const SHARED = [src("errors.ts")];

/** `call`'s bundle (or the hooks' runner's) leaves SHARED and every `import()` not on its path to the split graph. */
function keepOut(call: HotCall | "runner"): BunPlugin {
  const onPath = call === "runner" ? [] : HOT_PATH[call];
  return {
    name: `lxcri-hot-${call}`,
    setup(build) {
      build.onResolve({ filter: /^\.{0,2}\// }, (args) => {
        if (args.kind === "entry-point-build" || args.kind === "entry-point-run" || !args.importer) return undefined;
        const path = resolve(dirname(args.importer), args.path);
        if (SHARED.includes(path)) return { path, external: true };
        if (args.kind === "dynamic-import" && !onPath.includes(path)) return { path, external: true };
        return undefined;
      });
    },
  };
}

/** Bundles each hot call into `outdir`/<call>.js; returns call → the bundle's path. */
export async function bundleHot(outdir: string): Promise<Record<HotCall, string>> {
  const out = {} as Record<HotCall, string>;
  for (const call of HOT) {
    const r = await Bun.build({
      entrypoints: [src(`cli/hot/${call}.ts`)],
      outdir,
      naming: `${call}.js`,
      target: "bun",
      format: "esm",
      splitting: false,
      plugins: [keepOut(call)],
    });
    if (!r.success || r.outputs.length !== 1) throw new AggregateError(r.logs, `bundling the hot call ${call} failed`);
    out[call] = r.outputs[0]!.path;
  }
  return out;
}

/** The hooks' runner as start and delete import it when a container has hooks (src/hooks/runner.ts). */
export const RUNNER = src("hooks/runner.ts");

/**
 * The hooks' runner bundled alone into `outdir`/runner.js, as a hot call is: the executable's build
 * serves start's and delete's `import()` of it with this one module, not with the split graph's
 * 14 chunks (docs/performance.md, "Issue 23, round 8: the hooks' runner's import"). errors.ts is
 * imported, as by the hot bundles; it takes no `import()`. Returns its path.
 */
export async function bundleRunner(outdir: string): Promise<string> {
  const r = await Bun.build({
    entrypoints: [RUNNER],
    outdir,
    naming: "runner.js",
    target: "bun",
    format: "esm",
    splitting: false,
    plugins: [keepOut("runner")],
  });
  if (!r.success || r.outputs.length !== 1) throw new AggregateError(r.logs, "bundling the hooks' runner failed");
  return r.outputs[0]!.path;
}
