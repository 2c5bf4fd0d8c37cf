// kill's signal argument as runc and kill(1) take it: a number from 1 to 64
// (every real-time signal too: podman stops a systemd container with 37,
// SIGRTMIN+3), a name (TERM, SIGTERM, any case), or a real-time name
// RTMIN, RTMIN+n, RTMAX, RTMAX-n (with or without SIG). The result is the
// signal's number, which process.kill takes as it is.
import { LxcriError } from "../errors.ts";
import { isDigits } from "../contract/digits.ts";

/**
 * Linux's signal numbers (x86_64) by name, as node:os's constants.signals has
 * them (test/unit/signals.test.ts compares the two): a table here, because
 * importing node:os costs `kill` more than the table (docs/performance.md, "What start-up costs").
 */
export const SIGNALS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGIOT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPOLL: 29,
  SIGPWR: 30,
  SIGSYS: 31,
};

/** What a foreground `run` or `exec` passes on to the container's process (runc forwards these too). */
export const FORWARDED_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const;

/** glibc's SIGRTMIN (the kernel's 32 and 33 are the C library's own) and the kernel's SIGRTMAX. */
export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

// kill's usual argument (containerd's, podman's) is a number or a plain name: those take no regex
// (docs/performance.md, "Issue 23, round 5"); a real-time name does.
export function parseSignal(arg: string | number | undefined): number {
  if (arg === undefined || arg === "") return SIGNALS.SIGTERM!;
  const s = String(arg).trim();
  const invalid = () => new LxcriError("invalid-argument", `invalid signal ${JSON.stringify(s)}`);
  if (isDigits(s)) {
    const n = Number(s);
    // 0 is runc's too: kill(2)'s check that the process is there, sending nothing
    if (n > SIGRTMAX) throw invalid();
    return n;
  }
  const upper = s.toUpperCase();
  const name = upper.startsWith("SIG") ? upper.slice(3) : upper;
  const rt = name.startsWith("RT") ? /^RT(MIN|MAX)(?:([+-])(\d+))?$/.exec(name) : null;
  if (rt) {
    const [, which, sign, offset] = rt;
    if (sign && sign !== (which === "MIN" ? "+" : "-")) throw invalid();
    const n = which === "MIN" ? SIGRTMIN + Number(offset ?? 0) : SIGRTMAX - Number(offset ?? 0);
    if (n < SIGRTMIN || n > SIGRTMAX) throw invalid();
    return n;
  }
  const n = Object.hasOwn(SIGNALS, `SIG${name}`) ? SIGNALS[`SIG${name}`] : undefined;
  if (n === undefined) throw invalid();
  return n;
}
