// What lxcri's processes agree on, in one place: the runtime directory's
// files, the fd numbers the native helpers and the mount hook use, and the
// shape of the container init's command line. Below every layer of src/;
// imports nothing.
//
//   <root>/                      0700, root's
//     <id>/                      0700, root's: checked before every use
//       record.json              the container record (src/contract/record.ts), written atomically
//       config.json              the bytes of config.json create read once and checked (0600: it holds the env)
//       lxc.conf, lxc.log        the LXC config the monitor set, liblxc's log
//       hooks/<type>/<n>/…       the hooks layout (src/hooks/layout.ts), 0600 files
//       hooks.log                one JSON line per hook run
//       .lock                    flock for mutating operations
//
// Nothing of it is mounted into a container, and nothing in a container can
// reach it: init gets its plan as a sealed memfd, and `start` reaches init
// through an fd init holds (CHANNEL_FD), never a path.

/** The files of a runtime directory (`dir` as containerDir makes it: absolute, normalised). */
export const runtimeFiles = (dir: string) => ({
  record: `${dir}/record.json`,
  config: `${dir}/config.json`,
  lxcConf: `${dir}/lxc.conf`,
  lxcLog: `${dir}/lxc.log`,
  hooks: `${dir}/hooks`,
  hooksLog: `${dir}/hooks.log`,
  lock: `${dir}/.lock`,
});

/** Where init parks the pty master until create has copied it (pidfd_getfd); ffi/native/lxcri.h has the same. */
export const TERMINAL_MASTER_FD = 1000;
/** Where init parks its end of the channel to create and start; ffi/native/lxcri.h has the same. */
export const CHANNEL_FD = 1001;

/**
 * The fds create hands the monitor right after the caller's preserved ones
 * (3 … P), as P + these; liblxc keeps every fd up to $LISTEN_FDS for the
 * container (init, and the mount hook) and in the monitor (its start-host
 * hook, ffi/native/propagate.c). The caller's stdio travels at P+3 … P+5
 * while liblxc runs init with /dev/null (liblxc chmods init's stdio to 0700);
 * init puts it back. devNull is the host's /dev/null as a detached mount,
 * which init puts over masked paths (never a /dev/null of the container's).
 * The report pipe, where the monitor and the start-host hook write an ERROR
 * frame, is the last: init writes HERE there (create then looks for it), then
 * closes it (and every fd above P) first thing.
 * ffi/native/lxcri.h has the same numbers (INHERITED_*; a test compares).
 */
export const INHERITED = {
  initExe: 1,
  plan: 2,
  stdin: 3,
  stdout: 4,
  stderr: 5,
  devNull: 6,
  hookSocket: 7,
  report: 8,
} as const;

/** The container init's argv: liblxc execs it from the sealed lxcri-init at fd `exeFd`. */
export function initArgv(exeFd: number, planFd: number): string[] {
  return [`/proc/self/fd/${exeFd}`, "init", String(planFd)];
}

/** Whether a process's argv is still our init (the container is "created"). */
export function isInitArgv(argv: string[] | undefined): boolean {
  return !!argv && argv.length === 3 && /^\/proc\/self\/fd\/\d+$/.test(argv[0]!) && argv[1] === "init" && /^\d+$/.test(argv[2]!);
}

/** The mode of lxcri-init that liblxc runs as lxc.hook.mount (ffi/native/mounthook.c). */
export const MOUNT_HOOK_COMMAND = "mount-hook";
