// Shared by the fuzz tests: a seeded generator and config.json mutations
// (wrong types, missing fields, huge arrays, deep nesting, odd strings).
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) paths(x, [...prefix, Array.isArray(v) ? Number(k) : k], out);
  return out;
}

export function junk(r: () => number): unknown {
  const options: (() => unknown)[] = [
    () => null,
    () => undefined,
    () => true,
    () => 0,
    () => -1,
    () => 2 ** 64,
    () => 1.5,
    () => NaN,
    () => "",
    () => "x".repeat(10000),
    () => "\u0000",
    () => "../../etc",
    () => "\ud800",
    () => "/abs/path",
    () => [],
    () => [[[]]],
    () => ({}),
    () => Array.from({ length: 5000 }, () => "a"),
    () => {
      let o: unknown = 1;
      for (let i = 0; i < 2000; i++) o = { o };
      return o;
    },
    () => ({ type: "pid" }),
    () => ["SCMP_ACT_ALLOW"],
    () => -(2 ** 31),
  ];
  return options[Math.floor(r() * options.length)]!();
}

/** Up to `most` mutations; each deletes the value with probability `deleteRate`, else replaces it with junk. */
export function mutate(spec: unknown, r: () => number, most = 3, deleteRate = 0.2): unknown {
  const doc = JSON.parse(JSON.stringify(spec));
  const all = paths(doc);
  for (let n = 1 + Math.floor(r() * most); n > 0; n--) {
    const path = all[Math.floor(r() * all.length)]!;
    if (path.length === 0) return junk(r);
    let parent = doc;
    for (const k of path.slice(0, -1)) parent = parent?.[k];
    if (!parent || typeof parent !== "object") continue;
    const key = path[path.length - 1]!;
    if (r() < deleteRate) delete parent[key];
    else parent[key] = junk(r);
  }
  return doc;
}
