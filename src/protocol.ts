// What `create`/`start` and the launcher tell each other. The launcher reads
// only its init/ directory and the hooks layout, never config.json.
import type { HookRecord } from "./hooks/run.ts";

/** init/process.json: what the launcher execs at `start`. */
export interface InitProcess {
  args: string[];
  env: string[];
  cwd: string;
  umask?: number;
  rlimits: { resource: number; soft: number; hard: number }[];
  /** Capability numbers the launcher adds to the inheritable and ambient sets (bounding, effective, permitted: liblxc and execve). */
  capabilities: { inheritable: number[]; ambient: number[] };
  /** Seconds, for startContainer hooks without their own timeout. */
  hookTimeout: number;
}

/** Launcher (init) → start, one JSON object per line over init/sync. EOF after "ready" means exec'd. */
export type InitMessage = { hook: HookRecord } | { error: string } | { ready: true };

/** Mount hook ↔ create over hook.sock, one JSON object per line. */
export type MountHookHello = { pid: number };
export type MountHookReply = { ok: true } | { ok: false; error: string };
export type MountHookResult = { error: string } | { done: true };
