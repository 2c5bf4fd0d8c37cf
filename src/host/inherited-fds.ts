// The fds a container process gets besides stdio, as runc passes them: the
// LISTEN_FDS meant for lxcri (socket activation: passed on as LISTEN_FDS with
// LISTEN_PID=1), then --preserve-fds more. Used by create and exec.
import { readLink } from "./fs.ts";
import { isOpen } from "../../ffi/fds.ts";
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
  for (let fd = 3; fd <= highest; fd++) {
    const own = isOpen(fd) ? bunsOwn(fd) : "closed";
    if (own)
      throw new LxcriError(
        "invalid-argument",
        `fd ${fd} is to be passed to the container (LISTEN_FDS ${listen}, --preserve-fds ${preserve}) but the caller did not pass it open` +
          (own === "closed" ? "" : ` (it is ${own}, as lxcri's own event loop's)`),
      );
  }
  return { env, highest };
}

/**
 * Whether an open fd is one Bun opened for itself rather than one the caller
 * passed: its close-on-exec flag cannot tell, for Bun's start-up marks every
 * inherited fd from 4 up close-on-exec (close_range(4, ~0,
 * CLOSE_RANGE_CLOEXEC), before any JavaScript runs). What can: right after
 * that, Bun opens its event loop's epoll and eventfd in the lowest free
 * numbers (0–2 it fills with /dev/null first), so when the caller left any of
 * 3…N unpassed, the lowest such number holds one of them, and this check, run
 * from 3 upwards, refuses there — before it reaches any higher gap where
 * lxcri's own files (a log, a lock) may sit. A caller's own epoll or eventfd
 * in the range is refused too: the two cannot be told apart.
 */
function bunsOwn(fd: number): string | undefined {
  let target: string;
  try {
    target = readLink(`/proc/self/fd/${fd}`);
  } catch {
    return "closed";
  }
  return target === "anon_inode:[eventpoll]" ? "an epoll" : target === "anon_inode:[eventfd]" ? "an eventfd" : undefined;
}
