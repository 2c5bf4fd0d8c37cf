// The name of the signal that ended a process, as a hook record (contract/hooks.ts)
// gives it, the same whichever runner saw it: Bun names 1-31 itself and gives a
// real-time signal as its number; init (ffi/native/hooks.c) reports numbers.
/** Linux's (x86_64) signal names by number, as src/host/signals.ts has them (test/unit/hooks.test.ts compares the two). */
const SIGNALS = [
  ...["", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1"],
  ...["SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP"],
  ...["SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"],
];
const SIGRTMIN = 34;

/**
 * A signal's name: SIGTERM, SIGSYS; a real-time one as SIGRTMIN+n, as kill takes it.
 */
export function signalName(n: number): string {
  if (n > 0 && n < SIGNALS.length) return SIGNALS[n]!;
  if (n >= SIGRTMIN && n <= 64) return n === SIGRTMIN ? "SIGRTMIN" : `SIGRTMIN+${n - SIGRTMIN}`;
  return `signal ${n}`;
}
