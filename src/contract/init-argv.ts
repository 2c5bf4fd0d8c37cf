// The container init's command line, in a file of its own: `state` compares
// /proc/<pid>/cmdline with it and must not load the whole translation for that.

/** Where the launcher's files appear inside the container until `start`. */
export const LAUNCHER_MOUNT = "/.lxcri";
export const INIT_ARGV = [`${LAUNCHER_MOUNT}/ld.so`, "--library-path", `${LAUNCHER_MOUNT}/lib`, `${LAUNCHER_MOUNT}/lxcri-launcher`, "init"];
