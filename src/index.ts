// lxcri as a library: `import { Runtime } from "lxcri"`.
export { Runtime, DEFAULT_ROOT, type RuntimeOptions } from "./runtime.ts";
export type { CreateOptions } from "./container/create/index.ts";
export type { ExecOptions, ExecResult } from "./container/exec.ts";
export type { Stats } from "./container/stats.ts";
export { ConfigError, LxcriError, type ErrorCode } from "./errors.ts";
export type { HookRecord } from "./hooks/run.ts";
export type { StoredHook } from "./hooks/layout.ts";
export type { Spec, State, Status, Hook, Hooks, HookType } from "./spec/types.ts";
export { validateSpec } from "./spec/validate.ts";
export { loadSpec } from "./host/config-file.ts";
export { defaultSpec } from "./spec/default.ts";
export { createLogger, type Logger } from "./log.ts";
