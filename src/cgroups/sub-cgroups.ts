// exec --cgroup (runc ≥ 1.1): the exec'd process joins an existing
// sub-cgroup of the container's cgroup instead of the cgroup itself. The
// form is runc's: one `path` (every hierarchy; the only form on cgroup v2),
// or `controller[,controller…]:path` per cgroup v1 hierarchy. The path is
// relative to the container's cgroup and must stay inside it: a ".."
// anywhere is refused (runc checks only a string prefix), as is an unknown
// controller or a controller named twice. Pure: the caller opens the result.
import { LxcriError } from "../errors.ts";

/** controller → sub-path; "" is every hierarchy's. */
export type SubCgroups = ReadonlyMap<string, string>;

const bad = (arg: string, why: string) => new LxcriError("invalid-argument", `invalid --cgroup argument: ${arg} (${why})`);

function cleanSub(arg: string, path: string): string {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw bad(arg, 'a sub-cgroup of the container\'s: no ".."');
  return parts.join("/");
}

/** The --cgroup values as runc reads them; undefined when none was given. */
export function parseSubCgroups(args: readonly string[]): SubCgroups | undefined {
  if (!args.length) return undefined;
  const out = new Map<string, string>();
  for (const arg of args) {
    const colon = arg.indexOf(":");
    if (colon < 0) {
      if (args.length !== 1) throw bad(arg, "missing <controller>: prefix");
      out.set("", cleanSub(arg, arg));
      continue;
    }
    const path = cleanSub(arg, arg.slice(colon + 1));
    for (const c of arg.slice(0, colon).split(",")) {
      if (c === "") throw bad(arg, "empty <controller> prefix");
      if (out.has(c)) throw new LxcriError("invalid-argument", `invalid --cgroup argument(s): controller ${c} specified multiple times`);
      out.set(c, path);
    }
  }
  return out;
}

/** One of the container's cgroup directories and the controllers of its hierarchy ([] for cgroup v2). */
export interface CgroupDir {
  dir: string;
  controllers: readonly string[];
}

/**
 * The directory the process joins in each hierarchy: `dir` with its sub-path,
 * or undefined where none applies (the caller's default then). A controller
 * none of the hierarchies has is refused, as runc refuses it; so is one on
 * cgroup v2, which has no controllers to choose between.
 */
export function subCgroupDirs(dirs: readonly CgroupDir[], subs: SubCgroups): (string | undefined)[] {
  const all = subs.get("");
  for (const c of subs.keys()) {
    if (c === "") continue;
    if (!dirs.some((d) => d.controllers.includes(c)))
      throw new LxcriError(
        "invalid-argument",
        `invalid --cgroup argument: unknown controller ${c}` +
          (dirs.every((d) => !d.controllers.length) ? " (cgroup v2: give the path without a controller)" : ""),
      );
  }
  return dirs.map((d) => {
    const sub = all ?? d.controllers.map((c) => subs.get(c)).find((s) => s !== undefined);
    return sub === undefined ? undefined : sub === "" ? d.dir : `${d.dir}/${sub}`;
  });
}
