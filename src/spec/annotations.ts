// The config annotations lxcri acts on: each changes what the runtime does
// on the host, so `features` lists them under potentiallyUnsafeConfigAnnotations
// (a caller that passes annotations from a less trusted party filters these).
// A name ending in "." stands for every annotation with that prefix.

/** crun's: a host file each hook's stdout (stderr) is appended to (src/hooks/output.ts). */
export const HOOKS_STDOUT = "run.oci.hooks.stdout";
export const HOOKS_STDERR = "run.oci.hooks.stderr";

export const POTENTIALLY_UNSAFE_ANNOTATIONS: string[] = [HOOKS_STDOUT, HOOKS_STDERR];
