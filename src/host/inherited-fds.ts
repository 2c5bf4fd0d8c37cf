// The fds a container process gets besides stdio, as runc passes them: the
// LISTEN_FDS meant for lxcri (socket activation: passed on as LISTEN_FDS with
// LISTEN_PID=1), then --preserve-fds more. Used by create and exec.
import { F_GETFD, FD_CLOEXEC, libc } from "../../ffi/libc.ts";
import { LxcriError } from "../errors.ts";

/** Adds LISTEN_FDS/LISTEN_PID to `env` when they apply; the highest fd to pass. Each must be open, as runc requires. */
export function inheritedFds(env: string[], preserve: number): { highest: number } {
  if (!Number.isInteger(preserve) || preserve < 0)
    throw new LxcriError("invalid-argument", `--preserve-fds: expected a count, got ${preserve}`);
  const listen = process.env.LISTEN_PID === String(process.pid) ? Number(process.env.LISTEN_FDS) || 0 : 0;
  if (listen) env.push(`LISTEN_FDS=${listen}`, "LISTEN_PID=1");
  const highest = 2 + listen + preserve;
  // An fd the caller passed is inheritable; Bun opens its own (epoll, eventfd) close-on-exec
  // in the lowest free numbers, so an fd the caller did not pass may be open all the same.
  for (let fd = 3; fd <= highest; fd++) {
    const flags = libc.fcntl(fd, F_GETFD, 0);
    if (flags < 0 || flags & FD_CLOEXEC)
      throw new LxcriError(
        "invalid-argument",
        `fd ${fd} is to be passed to the container (LISTEN_FDS ${listen}, --preserve-fds ${preserve}) but the caller did not pass it open`,
      );
  }
  return { highest };
}
