// How the one executable is compiled, in one place: scripts/build.ts builds
// lxcri with it, and bench/floor.ts builds Bun's floor (a one-line program)
// with it, so that the floor is what any lxcri call pays before its own work.
// Bytecode makes start-up faster; JIT tiers are raised (each call is short);
// .env and bunfig.toml autoloading is off (a runtime runs with cwd = a bundle,
// whose files it must not read as its own settings).
export const COMPILE = {
  target: "bun",
  format: "esm",
  minify: true,
  bytecode: true,
  compile: { jitPolicy: 100, autoloadDotenv: false, autoloadBunfig: false },
} as const;
