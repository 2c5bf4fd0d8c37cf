import pkg from "../../package.json" with { type: "json" };
import { OCI_VERSION_MAX } from "../spec/versions.ts";

export const VERSION: string = pkg.version;

/** `lxcri --version`, `-v` or `version`, alone. */
export function isVersionArgv(argv: readonly string[]): boolean {
  return argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v" || argv[0] === "version");
}

export function versionText(): string {
  return `lxcri version ${VERSION}\nspec: ${OCI_VERSION_MAX}`;
}
