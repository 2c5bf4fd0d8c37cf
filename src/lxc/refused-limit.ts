// A cgroup limit the host refused at start (liblxc logs `Failed to set "cpuset.cpus" to "63"`,
// as runc's "failed to write" does): named by its linux.resources field, as every refusal is.
// Which field writes which file is resources.ts's alone: each leaf field is translated on its
// own and the one whose items write the refused file is the answer.
import { type ConfigError, unsupportedOnHost } from "../errors.ts";
import type { Resources } from "../spec/types.ts";
import type { CgroupLayout } from "./devices.ts";
import { resourceItems } from "./resources.ts";

/** [JSON path below linux.resources, a Resources with that field alone]. */
function leaves(r: Resources): [string, Resources][] {
  const out: [string, Resources][] = [];
  for (const [k, v] of Object.entries(r) as [keyof Resources, unknown][]) {
    if (k === "devices" || v === undefined) continue;
    if (Array.isArray(v)) v.forEach((e, i) => out.push([`${k}[${i}]`, { [k]: [e] }]));
    else if (v !== null && typeof v === "object" && k !== "unified")
      for (const [sk, sv] of Object.entries(v)) {
        if (Array.isArray(sv)) sv.forEach((e, i) => out.push([`${k}.${sk}[${i}]`, { [k]: { [sk]: [e] } }]));
        else out.push([`${k}.${sk}`, { [k]: { [sk]: sv } }]);
      }
    else if (k === "unified")
      for (const key of Object.keys(v as object))
        out.push([`unified[${JSON.stringify(key)}]`, { unified: { [key]: (v as Record<string, string>)[key]! } }]);
  }
  return out;
}

/** The linux.resources field that wrote `file` (as "memory.limit_in_bytes"), if one did. */
export function fieldOfCgroupFile(r: Resources | undefined, layout: CgroupLayout, file: string): string | undefined {
  for (const [path, alone] of leaves(r ?? {})) {
    let keys: string[];
    try {
      keys = resourceItems(alone, layout, () => {}).map(([key]) => key.replace(/^lxc\.cgroup2?\./, ""));
    } catch {
      continue; // a field that needs another to translate (v2 swap needs a limit) is not this one
    }
    if (keys.includes(file)) return `linux.resources.${path}`;
  }
  return undefined;
}

/** A start's failure message that carries liblxc's refusal of a limit → that field's error, else undefined. */
export function refusedLimit(message: string, r: Resources | undefined, layout: CgroupLayout): ConfigError | undefined {
  const m = /(?:([^;:]+) - )?Failed to set "([^"]+)" to "([^"]*)"/.exec(message);
  if (!m) return undefined;
  const field = fieldOfCgroupFile(r, layout, m[2]!);
  if (!field) return undefined;
  const why = m[1] ? `: ${m[1].trim()}` : "";
  return unsupportedOnHost(field, `the host refused ${m[2]} = ${JSON.stringify(m[3])}${why}`);
}
