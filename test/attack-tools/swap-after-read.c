// A bundle owner's swap of config.json, timed by the runtime's own read
// (test/integration/attacks/config-swap.test.ts): watch DIR with inotify and,
// when a reader of DIR/NAME closes it (IN_CLOSE_NOWRITE: the runtime has read
// and checked it), rename(2) FROM over DIR/NAME at once. A runtime that opens
// the bundle's file a second time then reads FROM. Bounded in time; every step
// is appended to LOG.
//
//   swap-after-read DIR NAME FROM SECONDS LOG
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

static int logfd = 2;

static void logline(const char *what, const char *detail) {
  char buf[4200];
  int n = snprintf(buf, sizeof buf, "%s %s\n", what, detail);
  if (n > 0) (void)!write(logfd, buf, n < (int)sizeof buf ? n : (int)sizeof buf - 1);
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: swap-after-read DIR NAME FROM SECONDS LOG\n");
    return 2;
  }
  const char *dir = argv[1], *name = argv[2], *from = argv[3];
  int fd = open(argv[5], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd >= 0) logfd = fd;
  char target[4096];
  snprintf(target, sizeof target, "%s/%s", dir, name);
  int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (in < 0 || inotify_add_watch(in, dir, IN_CLOSE_NOWRITE) < 0) {
    logline("inotify:", strerror(errno));
    return 1;
  }
  logline("ready", target);
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  double seconds = atof(argv[4]);
  for (;;) {
    clock_gettime(CLOCK_MONOTONIC, &t);
    double left = seconds - ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9);
    if (left <= 0) break;
    struct pollfd p = {in, POLLIN, 0};
    if (poll(&p, 1, (int)(left * 1000) + 1) <= 0) continue;
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n = read(in, buf, sizeof buf);
    for (char *at = buf; n > 0 && at < buf + n;) {
      struct inotify_event *e = (struct inotify_event *)at;
      if (e->len && !strcmp(e->name, name)) {
        if (rename(from, target) == 0) {
          logline("SWAPPED", target);
          return 0;
        }
        logline("rename:", strerror(errno));
        return 1;
      }
      at += sizeof *e + e->len;
    }
  }
  logline("no read of", target);
  return 1;
}
