// Bun's floor: a one-line program compiled exactly as lxcri is
// (scripts/compile-options.ts), timed against runc's `--version` in the same
// alternating run. No call of a compiled Bun program can take less, so for
// each step the floor over runc's time is the least ratio lxcri could reach
// there, and lxcri's time less the floor is its own work and waits
// (docs/performance.md, "Issue 23, round 7: Bun's floor in the bench").
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMPILE } from "../scripts/compile-options.ts";
import { settle } from "./folios.ts";
import { LIFECYCLE_PARTS, STATE_FIGURE, timeCall, VERSION_FIGURE } from "./lifecycle.ts";
import { compare, medians, work } from "./common.ts";

const FLOOR_FIGURE = "Bun's floor: a one-line program compiled as lxcri is (runc: `--version`)";

/** Builds the one-line program into the bench's work directory; returns its path. */
export async function buildFloor(): Promise<string> {
  const dir = join(work, "floor-build");
  mkdirSync(dir, { recursive: true });
  const source = join(dir, "floor.ts");
  writeFileSync(source, 'console.log("floor");\n');
  const outfile = join(dir, "floor");
  const r = await Bun.build({ entrypoints: [source], ...COMPILE, compile: { ...COMPILE.compile, outfile } });
  if (!r.success) throw new AggregateError(r.logs, "building Bun's floor failed");
  Bun.spawnSync(["sync"]); // written out before it is timed, as bench/hot-ab.ts's copies
  settle(outfile); // its page cache in large folios, as every fresh copy's (bench/folios.ts)
  return outfile;
}

/** The floor's row, beside runc's `--version`. */
export async function floorRow(n: number, floor: string): Promise<string> {
  return compare(
    FLOOR_FIGURE,
    (name) => {
      if (name === "runc") return timeCall("runc", ["--version"], false);
      const t0 = performance.now();
      const p = Bun.spawnSync({ cmd: [floor], stdio: ["ignore", "ignore", "ignore"] });
      if (p.exitCode !== 0) throw new Error(`${floor} failed`);
      return performance.now() - t0;
    },
    n,
  );
}

/** Per step: runc's time, the floor over it (the least ratio any Bun program reaches), lxcri's ratio, and lxcri less the floor. */
export function floorTable(): string[] {
  const floor = medians.get(FLOOR_FIGURE)?.lxcri;
  if (floor === undefined) throw new Error("floorTable before floorRow");
  const steps: [string, string][] = [
    ["create", LIFECYCLE_PARTS.create],
    ["start", LIFECYCLE_PARTS.start],
    ["delete", LIFECYCLE_PARTS.delete],
    ["`state`", STATE_FIGURE],
    ["`--version`", VERSION_FIGURE],
  ];
  const rows = [`| step | runc | floor / runc (the least ratio) | lxcri / runc | lxcri − floor (ms) |`, "|---|---|---|---|---|"];
  for (const [step, figure] of steps) {
    const m = medians.get(figure);
    if (!m) continue;
    rows.push(
      `| ${step} | ${m.runc.toFixed(2)} | ${(floor / m.runc).toFixed(2)} | ${(m.lxcri / m.runc).toFixed(2)} | ${(m.lxcri - floor).toFixed(2)} |`,
    );
  }
  return rows;
}
