// package.json's postinstall: where a Bun project installs lxcri as a
// dependency (and trusts it: `bun pm trust lxcri`), build the native helpers
// and the executable there (scripts/build.ts; needs gcc, libc6-dev and
// lxc-dev). In this repository itself `bun install` builds nothing:
// scripts/setup.sh builds after it.
import { sep } from "node:path";

if (import.meta.dir.split(sep).includes("node_modules")) await import("./build.ts");
