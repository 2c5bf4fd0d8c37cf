// The fds a container process gets besides stdio, as runc passes them: the
// LISTEN_FDS meant for lxcri (socket activation: passed on as LISTEN_FDS with
// LISTEN_PID=1), then --preserve-fds more. Used by create and exec.
import { isInheritable } from "../../ffi/fds.ts";
import { LxcriError } from "../errors.ts";

/** The fds lxcri's helpers keep above the passed ones must stay below init's parked fds (1000). */
const MAX_PASSED = 900;

/**
 * The process env with LISTEN_FDS/LISTEN_PID added when they apply, and the
 * highest fd to pass. Each must be open, as runc requires.
 */
export function inheritedFds(processEnv: readonly string[], preserve: number): { env: string[]; highest: number } {
  const env = [...processEnv];
  if (!Number.isInteger(preserve) || preserve < 0)
    throw new LxcriError("invalid-argument", `--preserve-fds: expected a count, got ${preserve}`);
  const listen = process.env.LISTEN_PID === String(process.pid) ? Number(process.env.LISTEN_FDS) || 0 : 0;
  if (listen) env.push(`LISTEN_FDS=${listen}`, "LISTEN_PID=1");
  const highest = 2 + listen + preserve;
  if (highest > MAX_PASSED)
    throw new LxcriError("invalid-argument", `cannot pass ${highest - 2} fds to a container (at most ${MAX_PASSED - 2})`);
  // An fd the caller passed is inheritable; Bun opens its own (epoll, eventfd) close-on-exec
  // in the lowest free numbers, so an fd the caller did not pass may be open all the same.
  for (let fd = 3; fd <= highest; fd++) {
    if (!isInheritable(fd))
      throw new LxcriError(
        "invalid-argument",
        `fd ${fd} is to be passed to the container (LISTEN_FDS ${listen}, --preserve-fds ${preserve}) but the caller did not pass it open`,
      );
  }
  return { env, highest };
}
