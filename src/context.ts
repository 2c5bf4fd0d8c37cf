// What every operation needs from the Runtime that runs it.
import { join } from "node:path";
import type { Logger } from "./log.ts";

export interface Context {
  /** State root, e.g. /run/lxcri. */
  root: string;
  log: Logger;
  /** Default timeout in seconds for hooks without one. */
  hookTimeout: number;
  /** liblxc log level for lxc.log (trace debug info notice warn error). */
  lxcLogLevel: string;
  /** --systemd-cgroup: cgroupsPath values are "slice:prefix:name". */
  systemdCgroup?: boolean;
}

export const containerDir = (ctx: Context, id: string) => join(ctx.root, id);
