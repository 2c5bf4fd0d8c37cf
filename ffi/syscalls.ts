// x86_64 system call numbers and the flags lxcri passes, in one table: every
// raw syscall lxcri makes goes through ffi/ with these names.
export const SYS = {
  close: 3,
  fcntl: 72,
  ioctl: 16,
  pipe2: 293,
  dup3: 292,
  socket: 41,
  connect: 42,
  sendmsg: 46,
  recvmsg: 47,
  bind: 49,
  listen: 50,
  socketpair: 53,
  accept4: 288,
  prctl: 157,
  memfd_create: 319,
  pidfd_open: 434,
  pidfd_getfd: 438,
  open_tree: 428,
  mount_setattr: 442,
  openat2: 437,
} as const;

export const O_RDONLY = 0;
export const O_RDWR = 2;
export const O_NONBLOCK = 0o4000;
export const O_NOCTTY = 0o400;
export const O_NOFOLLOW = 0o400000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;
export const AT_FDCWD = -100;
export const AT_EMPTY_PATH = 0x1000;
export const AT_RECURSIVE = 0x8000;

export const F_GETFD = 1;
export const F_SETFD = 2;
export const FD_CLOEXEC = 1;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const F_DUPFD_CLOEXEC = 1030;
export const F_ADD_SEALS = 1033;
export const F_SEAL_SEAL = 1;
export const F_SEAL_SHRINK = 2;
export const F_SEAL_GROW = 4;
export const F_SEAL_WRITE = 8;

export const POLLIN = 1;
export const POLLOUT = 4;
export const POLLHUP = 0x10;

export const LOCK_EX = 2;
export const WNOHANG = 1;
export const MNT_DETACH = 2;

export const PR_SET_CHILD_SUBREAPER = 36;
export const PR_GET_CHILD_SUBREAPER = 37;

export const EINTR = 4;
export const EBADF = 9;
export const ECHILD = 10;
export const EAGAIN = 11;
