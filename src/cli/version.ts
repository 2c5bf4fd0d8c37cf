import pkg from "../../package.json" with { type: "json" };
import { OCI_VERSION_MAX } from "../spec/versions.ts";

export const VERSION: string = pkg.version;

export function versionText(): string {
  return `lxcri version ${VERSION}\nspec: ${OCI_VERSION_MAX}`;
}
