// x86_64 system call numbers and the flags lxcri passes, in one table: every
// raw syscall lxcri makes goes through ffi/ with these names.
export const SYS = {
  read: 0,
  pread64: 17,
  pwrite64: 18,
  prlimit64: 302,
  write: 1,
  close: 3,
  poll: 7,
  flock: 73,
  getrusage: 98,
  getdents64: 217,
  openat: 257,
  mkdirat: 258,
  newfstatat: 262,
  unlinkat: 263,
  renameat: 264,
  renameat2: 316,
  readlinkat: 267,
  fchmodat: 268,
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
  pidfd_send_signal: 424,
  pidfd_open: 434,
  pidfd_getfd: 438,
  open_tree: 428,
  mount_setattr: 442,
  openat2: 437,
  setns: 308,
  mount: 165,
  umount2: 166,
} as const;

export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_DIRECTORY = 0o200000;
export const O_NONBLOCK = 0o4000;
export const O_NOCTTY = 0o400;
export const O_NOFOLLOW = 0o400000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;
export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const RENAME_EXCHANGE = 2;
export const AT_EMPTY_PATH = 0x1000;
export const AT_RECURSIVE = 0x8000;

// openat2(2)'s resolve flags
export const RESOLVE_NO_MAGICLINKS = 0x02;
export const RESOLVE_NO_SYMLINKS = 0x04;
export const RESOLVE_BENEATH = 0x08;
export const RESOLVE_IN_ROOT = 0x10;

export const MFD_CLOEXEC = 1;
export const MFD_ALLOW_SEALING = 2;

// unix sockets and SCM_RIGHTS
export const AF_UNIX = 1;
export const SOCK_STREAM = 1;
export const SOL_SOCKET = 1;
export const SCM_RIGHTS = 1;
export const MSG_CMSG_CLOEXEC = 0x40000000;

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

export const ENOENT = 2;
export const EINTR = 4;
export const EIO = 5;
export const EBADF = 9;
export const ECHILD = 10;
export const EAGAIN = 11;
export const EACCES = 13;
export const EEXIST = 17;
export const EXDEV = 18;
export const EISDIR = 21;
export const EINVAL = 22;
export const ELOOP = 40;
export const ECONNRESET = 104;

/**
 * errno values as node:fs (libuv) names and words them in its errors' `code`
 * and message, so that ffi/files.ts's errors read as node's did: a table, not
 * strerror(3), whose binding costs a call that fails (docs/performance.md, "What start-up costs").
 */
export const ERRNO: Record<number, readonly [code: string, text: string]> = {
  1: ["EPERM", "operation not permitted"],
  2: ["ENOENT", "no such file or directory"],
  3: ["ESRCH", "no such process"],
  4: ["EINTR", "interrupted system call"],
  5: ["EIO", "i/o error"],
  6: ["ENXIO", "no such device or address"],
  9: ["EBADF", "bad file descriptor"],
  11: ["EAGAIN", "resource temporarily unavailable"],
  12: ["ENOMEM", "not enough memory"],
  13: ["EACCES", "permission denied"],
  16: ["EBUSY", "resource busy or locked"],
  17: ["EEXIST", "file already exists"],
  18: ["EXDEV", "cross-device link not permitted"],
  19: ["ENODEV", "no such device"],
  20: ["ENOTDIR", "not a directory"],
  21: ["EISDIR", "illegal operation on a directory"],
  22: ["EINVAL", "invalid argument"],
  23: ["ENFILE", "file table overflow"],
  24: ["EMFILE", "too many open files"],
  26: ["ETXTBSY", "text file is busy"],
  27: ["EFBIG", "file too large"],
  28: ["ENOSPC", "no space left on device"],
  30: ["EROFS", "read-only file system"],
  32: ["EPIPE", "broken pipe"],
  36: ["ENAMETOOLONG", "name too long"],
  39: ["ENOTEMPTY", "directory not empty"],
  40: ["ELOOP", "too many symbolic links encountered"],
  95: ["ENOTSUP", "operation not supported on socket"],
  104: ["ECONNRESET", "connection reset by peer"],
  122: ["EDQUOT", "disk quota exceeded"],
};
