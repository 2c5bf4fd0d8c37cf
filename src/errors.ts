// Typed errors of the library. The CLI maps them to exit status 1 and prints
// `message`; callers match on `code` (and on the runc-compatible texts).

export type ErrorCode =
  | "invalid-config" // config.json is malformed or asks for something lxcri cannot do
  | "invalid-argument" // a bad id, signal, path or flag
  | "not-found" // the container does not exist
  | "exists" // the container id is taken
  | "bad-state" // the operation is not allowed in the container's current status
  | "hook-failed" // an OCI hook failed
  | "runtime"; // liblxc or the host failed

export class LxcriError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = "LxcriError";
  }
}

/** Error in config.json: names the file, the JSON path and what is wrong. */
export function configError(path: string, message: string): LxcriError {
  return new LxcriError("invalid-config", `config.json: ${path ? path + ": " : ""}${message}`);
}
