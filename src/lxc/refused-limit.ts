// A cgroup limit the host refused at start (liblxc logs `Failed to set "cpuset.cpus" to "63"`,
// as runc's "failed to write" does): named by its linux.resources field, as every refusal is.
// Which field writes which file is src/cgroups/settings.ts's alone: a field's items are what its group
// translates to with it and not without it, and the one whose items write the refused file is the answer.
import { type ConfigError, unsupportedOnHost } from "../errors.ts";
import type { Resources } from "../spec/types.ts";
import type { CgroupLayout } from "../cgroups/layout.ts";
import { cgroupSettings } from "../cgroups/settings.ts";

/** "key\0value" of what `r` translates to (undefined where it does not translate on its own). */
function written(r: Resources, layout: CgroupLayout): Set<string> | undefined {
  try {
    return new Set(cgroupSettings(r, layout, () => {}).map((c) => `${c.file}\0${c.value}`));
  } catch {
    return undefined;
  }
}

/**
 * [JSON path below linux.resources, the items that field writes]: what its group writes with it
 * and not without it (a field alone may not translate: v2's swap needs the limit beside it).
 */
function leaves(r: Resources, layout: CgroupLayout): [string, Set<string>][] {
  const out: [string, Set<string>][] = [];
  const diff = (path: string, whole: Resources, without: Resources) => {
    const all = written(whole, layout);
    const rest = written(without, layout) ?? new Set();
    if (all) out.push([path, new Set([...all].filter((i) => !rest.has(i)))]);
  };
  for (const [k, v] of Object.entries(r) as [keyof Resources, unknown][]) {
    if (k === "devices" || v === undefined || v === null) continue;
    if (Array.isArray(v)) v.forEach((e, i) => diff(`${k}[${i}]`, { [k]: [e] }, {}));
    else if (typeof v !== "object") continue;
    else if (k === "unified")
      for (const key of Object.keys(v))
        diff(`unified[${JSON.stringify(key)}]`, { unified: { [key]: (v as Record<string, string>)[key]! } }, {});
    else
      for (const [sk, sv] of Object.entries(v)) {
        const others = { [k]: Object.fromEntries(Object.entries(v).filter(([o]) => o !== sk)) };
        if (Array.isArray(sv)) sv.forEach((e, i) => diff(`${k}.${sk}[${i}]`, { [k]: { [sk]: [e] } }, {}));
        else diff(`${k}.${sk}`, { [k]: v } as Resources, others as Resources);
      }
  }
  return out;
}

/**
 * The linux.resources field that wrote `file` (as "memory.limit_in_bytes"), if one did: of the
 * fields whose items write it, the one that writes least (v2's swap needs the limit, so the
 * limit's items hold the swap's too).
 */
export function fieldOfCgroupFile(r: Resources | undefined, layout: CgroupLayout, file: string): string | undefined {
  const writers = leaves(r ?? {}, layout).filter(([, items]) => [...items].some((i) => i.startsWith(`${file}\0`)));
  writers.sort((a, b) => a[1].size - b[1].size);
  return writers[0] && `linux.resources.${writers[0][0]}`;
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
