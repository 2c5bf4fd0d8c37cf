// What a local user plants where a root process might dlopen() a shared
// object: its constructor runs at load time, as root, and leaves a marker.
// Built with: gcc -shared -fPIC -DMARKER='"/path"' -o x.so evil-so.c
#include <fcntl.h>
#include <unistd.h>

__attribute__((constructor)) static void planted(void) {
  int fd = open(MARKER, O_WRONLY | O_CREAT | O_APPEND, 0666);
  if (fd >= 0) {
    (void)!write(fd, "planted shared object ran\n", 26);
    close(fd);
  }
}
