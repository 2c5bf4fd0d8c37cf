// cgroups/ owns the container's cgroups: the settings are one typed list
// (src/cgroups/settings.ts), and only translation (src/lxc/) speaks liblxc's
// cgroup keys. A string or pattern "lxc.cgroup…" anywhere else in src/ is a
// consumer parsing LXC keys back (what the list replaced); cgroups/ imports
// nothing from container/ (its record is src/cgroups/record.ts).
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");
const files = [...new Bun.Glob("src/**/*.ts").scanSync({ cwd: ROOT })];
const text = (f: string) => readFileSync(join(ROOT, f), "utf8");

test('no "lxc.cgroup…" string or pattern outside src/lxc/', () => {
  const wrong = files.filter((f) => !f.startsWith("src/lxc/") && /["'`/]\^?lxc\\?\.cgroup/.test(text(f)));
  expect(wrong).toEqual([]);
  // the check sees one where it is
  expect(/["'`/]\^?lxc\\?\.cgroup/.test(text("src/lxc/cgroup-items.ts"))).toBe(true);
});

const imports = (f: string) => [...text(f).matchAll(/(?:from\s+|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);

test("cgroups/ imports nothing from container/; its record imports nothing that runs", () => {
  const wrong = files
    .filter((f) => f.startsWith("src/cgroups/"))
    .flatMap((f) =>
      imports(f)
        .filter((i) => i.includes("container/"))
        .map((i) => `${f} → ${i}`),
    );
  expect(wrong).toEqual([]);
  expect(imports("src/cgroups/record.ts")).toEqual([]);
});
