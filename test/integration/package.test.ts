// lxcri as a Bun project gets it: the packed package (`bun pm pack`) added to a
// fresh project that trusts it, whose postinstall builds the helpers and the
// executable in node_modules/lxcri/build; then a script of that
// project runs a real container through `import { Runtime } from "lxcri"`,
// with a createRuntime hook (which needs the executable); run deletes it.
// And the project type-checks examples/ against the installed package with
// its own TypeScript (`bun x tsc`): the public types are what a user gets.
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, REPO, tempDir, testRoot } from "../helpers.ts";
import { devDependencies } from "../../package.json";

const root = testRoot("package");
const project = tempDir("package");
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

function run(cmd: string[], cwd: string): { code: number; out: string } {
  const p = Bun.spawnSync({ cmd, cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  return { code: p.exitCode ?? -1, out: `${p.stdout.toString()}${p.stderr.toString()}` };
}

describe.skipIf(!canRunContainers)("the npm package", () => {
  test("bun add of the packed package builds what it needs; a script runs a container with a hook", () => {
    const packed = run([process.execPath, "pm", "pack", "--destination", project], REPO);
    expect(packed.code).toBe(0);
    const tgz = readdirSync(project).find((f) => f.endsWith(".tgz"))!;
    expect(tgz).toBeDefined();
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "uses-lxcri",
        type: "module",
        dependencies: { lxcri: `./${tgz}` },
        devDependencies: { typescript: devDependencies.typescript, "@types/bun": devDependencies["@types/bun"] },
        trustedDependencies: ["lxcri"],
      }),
    );
    const installed = run([process.execPath, "install"], project);
    expect(installed.out).not.toContain("error");
    expect(installed.code).toBe(0);
    for (const f of ["lxcri", "lxcri-init", "lxcri-monitor"]) expect(existsSync(join(project, "node_modules/lxcri/build", f))).toBe(true);

    const b = bundle(["sh", "-c", "exit 7"], (s) => {
      s.hooks = { createRuntime: [{ path: "/bin/sh", args: ["sh", "-c", `cat > ${project}/hook-state.json`] }] };
    });
    writeFileSync(
      join(project, "main.ts"),
      `import { Runtime } from "lxcri";
const rt = new Runtime({ root: ${JSON.stringify(root)} });
const code = await rt.run("pkg1", { bundle: ${JSON.stringify(b)} });
console.log("exit", code);`,
    );
    const r = run([process.execPath, "main.ts"], project);
    expect(r.out.trim()).toBe("exit 7");
    expect(existsSync(join(project, "hook-state.json"))).toBe(true);
  }, 120_000);

  test("bun x tsc type-checks examples/ in the project, against the installed package", () => {
    expect(existsSync(join(project, "node_modules/lxcri"))).toBe(true); // the test above installed it
    mkdirSync(join(project, "examples"), { recursive: true });
    for (const f of readdirSync(join(REPO, "examples"))) copyFileSync(join(REPO, "examples", f), join(project, "examples", f));
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          lib: ["ESNext"],
          target: "ESNext",
          module: "Preserve",
          moduleResolution: "bundler",
          types: ["bun"],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          allowImportingTsExtensions: true,
          verbatimModuleSyntax: true,
        },
        include: ["examples"],
      }),
    );
    const ok = run([process.execPath, "x", "tsc", "-p", "."], project);
    expect(ok.out).toBe("");
    expect(ok.code).toBe(0);
    // and it does check them: a misuse of the API's types is an error
    writeFileSync(
      join(project, "examples/misuse.ts"),
      `import { Runtime } from "lxcri";
const p = await new Runtime().exec("c", { process: { args: ["true"], cwd: "/", user: { uid: 0, gid: 0 } } });
p.stdout.getReader(); // stdout was not piped: undefined
`,
    );
    const bad = run([process.execPath, "x", "tsc", "-p", "."], project);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain("misuse.ts(3,");
    rmSync(join(project, "examples/misuse.ts"));
  }, 120_000);
});
