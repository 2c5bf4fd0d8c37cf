// Mutation fuzzing of config.json through validation and translation (pure,
// no root): every input either passes or fails with an LxcriError that names
// config.json and a field — never a TypeError or another crash. Fixed seed,
// so a failure reproduces; LXCRI_FUZZ_CASES and LXCRI_FUZZ_SEED explore more locally.
import { describe, expect, test } from "bun:test";
import { LxcriError } from "../../src/errors.ts";
import { translate, type TranslateContext } from "../../src/lxc/translate.ts";
import { defaultSpec } from "../../src/spec/default.ts";
import { validateSpec } from "../../src/spec/validate.ts";

const CASES = Number(process.env.LXCRI_FUZZ_CASES ?? 2000);

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ctx: TranslateContext = {
  id: "fuzz", bundle: "/b", rootfs: "/b/rootfs", runtimeDir: "/run/lxcri/fuzz",
  launcher: { binary: "/l", loader: "/ld.so", libs: [] }, cgroup: "v1", cgroupHierarchies: [], hardRlimits: {},
  logLevel: "warn", hookTimeout: 60, hasCreateHooks: true, hasStartContainerHooks: true,
  stat: (p) => (p.endsWith("fifo") ? "fifo" : p.includes("missing") ? "missing" : p.includes("file") ? "file" : "dir"),
  warn: () => {},
};

const SEED_SPEC = (() => {
  const s = defaultSpec(["sh", "-c", "true"]) as Record<string, any>;
  s.hooks = { prestart: [{ path: "/bin/true", args: ["true"], env: ["A=1"], timeout: 5 }], poststop: [{ path: "/bin/false" }] };
  s.linux.seccomp = { defaultAction: "SCMP_ACT_ERRNO", syscalls: [{ names: ["read"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 1, op: "SCMP_CMP_EQ" }] }] };
  s.linux.resources.memory = { limit: 1 << 20 };
  s.linux.resources.cpu = { shares: 512, cpus: "0" };
  s.linux.resources.pids = { limit: 10 };
  s.linux.sysctl = { "net.ipv4.ip_forward": "1" };
  s.linux.cgroupsPath = "/x";
  s.mounts.push({ destination: "/data", source: "/data", options: ["bind"] });
  s.annotations = { a: "b" };
  return s;
})();

function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) paths(x, [...prefix, Array.isArray(v) ? Number(k) : k], out);
  return out;
}

function junk(r: () => number): unknown {
  const options: (() => unknown)[] = [
    () => null, () => undefined, () => true, () => 0, () => -1, () => 2 ** 64, () => 1.5, () => NaN,
    () => "", () => "x".repeat(10000), () => "\u0000", () => "../../etc", () => "\ud800", () => "/abs/path",
    () => [], () => [[[]]], () => ({}), () => Array.from({ length: 5000 }, () => "a"),
    () => { let o: unknown = 1; for (let i = 0; i < 2000; i++) o = { o }; return o; },
    () => ({ type: "pid" }), () => ["SCMP_ACT_ALLOW"], () => -(2 ** 31),
  ];
  return options[Math.floor(r() * options.length)]!();
}

function mutate(spec: unknown, r: () => number): unknown {
  const doc = JSON.parse(JSON.stringify(spec));
  const all = paths(doc);
  for (let n = 1 + Math.floor(r() * 3); n > 0; n--) {
    const path = all[Math.floor(r() * all.length)]!;
    if (path.length === 0) return junk(r);
    let parent = doc;
    for (const k of path.slice(0, -1)) parent = parent?.[k];
    if (!parent || typeof parent !== "object") continue;
    const key = path[path.length - 1]!;
    if (r() < 0.2) delete parent[key];
    else parent[key] = junk(r);
  }
  return doc;
}

describe("config.json fuzzing (validation + translation)", () => {
  test(`${CASES} mutated configs: success or an error naming config.json and a field`, () => {
    const r = rng(Number(process.env.LXCRI_FUZZ_SEED ?? 20261129));
    const outcomes = { ok: 0, rejected: 0 };
    for (let i = 0; i < CASES; i++) {
      const input = mutate(SEED_SPEC, r);
      try {
        translate(validateSpec(input), ctx);
        outcomes.ok++;
      } catch (e) {
        if (!(e instanceof LxcriError) || !e.message.startsWith("config.json")) {
          throw new Error(`case ${i}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\ninput: ${JSON.stringify(input)?.slice(0, 400)}`);
        }
        outcomes.rejected++;
      }
    }
    expect(outcomes.ok + outcomes.rejected).toBe(CASES);
    expect(outcomes.rejected).toBeGreaterThan(CASES / 4);
  });
});
