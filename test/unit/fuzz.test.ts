// Mutation fuzzing of config.json through validation and translation (pure,
// no root): every input either passes or fails with an LxcriError that names
// config.json and a field — never a TypeError or another crash. Fixed seed,
// so a failure reproduces; LXCRI_FUZZ_CASES and LXCRI_FUZZ_SEED explore more locally.
import { describe, expect, test } from "bun:test";
import { LxcriError } from "../../src/errors.ts";
import { translate } from "../../src/lxc/translate.ts";
import { defaultSpec } from "../../src/spec/default.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import { mutate, rng } from "../fuzz-gen.ts";
import { translateContext } from "./translate-context.ts";

const CASES = Number(process.env.LXCRI_FUZZ_CASES ?? 2000);

const ctx = translateContext({
  id: "fuzz",
  runtimeDir: "/run/lxcri/fuzz",
  startHostHook: { exeFd: 10, reportFd: 12 },
  cgroup: "v1",
  mountHook: { exeFd: 10, socketFd: 9 },
  stat: (p) => (p.endsWith("fifo") ? "fifo" : p.includes("missing") ? "missing" : p.includes("file") ? "file" : "dir"),
});

const SEED_SPEC = (() => {
  const s = defaultSpec(["sh", "-c", "true"]) as Record<string, any>;
  s.hooks = { prestart: [{ path: "/bin/true", args: ["true"], env: ["A=1"], timeout: 5 }], poststop: [{ path: "/bin/false" }] };
  s.linux.seccomp = {
    defaultAction: "SCMP_ACT_ERRNO",
    syscalls: [{ names: ["read"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 1, op: "SCMP_CMP_EQ" }] }],
  };
  s.linux.resources.memory = { limit: 1 << 20 };
  s.linux.resources.cpu = { shares: 512, cpus: "0" };
  s.linux.resources.pids = { limit: 10 };
  s.linux.sysctl = { "net.ipv4.ip_forward": "1" };
  s.linux.cgroupsPath = "/x";
  s.mounts.push({ destination: "/data", source: "/data", options: ["bind"] });
  s.annotations = { a: "b" };
  return s;
})();

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
          throw new Error(
            `case ${i}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\ninput: ${JSON.stringify(input)?.slice(0, 400)}`,
          );
        }
        outcomes.rejected++;
      }
    }
    expect(outcomes.ok + outcomes.rejected).toBe(CASES);
    expect(outcomes.rejected).toBeGreaterThan(CASES / 4);
  });
});
