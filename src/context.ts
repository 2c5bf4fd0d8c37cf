// What every operation needs from the Runtime that runs it.
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
  /** --rootless: true, false, undefined for auto (src/host/caller-userns.ts rootless). */
  rootless?: boolean;
}

/** <root>/<id> (for a checked id); no node:path, so `state` can use it. */
export const containerDir = (ctx: Pick<Context, "root">, id: string) => (ctx.root.endsWith("/") ? ctx.root + id : `${ctx.root}/${id}`);
