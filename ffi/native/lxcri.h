/*
 * lxcri's native helpers: one static program, lxcri-init, that is the
 * container's init until `start` (init.c), enters a container for `exec`
 * (enter.c), mounts bind mounts with shared propagation from the host as
 * liblxc's start-host hook (propagate.c), and confines every process it starts — the user's process,
 * startContainer hooks, exec'd processes — with one step (confine.c; the
 * AppArmor profile's write: apparmor.c). Its
 * input is a process plan that src/contract/plan.ts encodes (plan.c
 * decodes it); what it reports travels as frames (frames.c), whose kinds
 * src/contract/frames.ts knows. The program is exec'd from a read-only
 * detached mount of the installed file, so no process that enters a
 * container ever has a writable host file as /proc/self/exe.
 */
#ifndef LXCRI_H
#define LXCRI_H

#include <stdint.h>
#include <stddef.h>
#include "steps.h"

#define PLAN_MAGIC "LXCRIPLN"
#define PLAN_VERSION 4
#define PLAN_INIT 1
#define PLAN_EXEC 2

/* Frames: u32 payload length, u8 kind, payload (little-endian). */
enum frame_kind {
	FRAME_READY = 1, /* init: set up, waiting for start */
	FRAME_ERROR = 2, /* u32 step, i32 errno, str message */
	FRAME_HOOK = 3,  /* a startContainer hook ran: see hooks.c */
	FRAME_EXEC = 4,  /* about to execve the process: EOF follows when it worked */
	FRAME_GO = 5,    /* start → init: run the startContainer hooks and the process */
	FRAME_PID = 6,   /* exec: u32 host pid of the new process */
	/* 7: unused (the mount hook's JSON while it was a Bun program) */
	FRAME_LISTENER = 8, /* no payload; the process's seccomp notify fd rides along (SCM_RIGHTS) */
	FRAME_HOOKS = 9,    /* create → mount hook: the createContainer hooks to run (struct hook_run) */
	FRAME_OUTPUT = 10,  /* mount hook → create: u32 stream (1 stdout, 2 stderr), bytes a hook wrote */
	FRAME_DONE = 11,    /* mount hook → create: every createContainer hook ran */
	FRAME_HERE = 12,    /* init → create, on the report pipe: init runs, look for it now (a wake-up, never trusted) */
};

/* What init inherits through liblxc, at keep_fds - 1 + these (src/contract/layout.ts INHERITED). */
#define INHERITED_STDIN 3
#define INHERITED_DEVNULL 6
#define INHERITED_REPORT 8

/* Fds init keeps at fixed numbers for `create` and `start` to copy with pidfd_getfd. */
#define TERMINAL_MASTER_FD 1000
#define CHANNEL_FD 1001
#define DEVNULL_FD 999 /* init's own, until the masks are done */
#define PROC_ROOT_FD 998 /* init's own, with process.apparmorProfile: the procfs its writes go through */

struct str_list {
	uint32_t count;
	char **items; /* NULL-terminated */
};

struct rlimit_item {
	uint32_t resource;
	uint64_t soft, hard;
};

#define CPU_MASK_WORDS 16 /* 1024 bits */

struct process_plan {
	struct str_list args, env;
	char *cwd;
	uint32_t umask;
	uint32_t uid, gid;
	uint32_t ngroups;
	uint32_t *groups;
	uint64_t caps[5]; /* bounding, effective, permitted, inheritable, ambient */
	uint32_t last_cap;
	uint32_t nrlimits;
	struct rlimit_item *rlimits;
	uint32_t no_new_privs;
	uint32_t seccomp_len; /* bytes of BPF (8 per instruction); 0: none */
	uint8_t *seccomp;
	uint32_t seccomp_flags;
	uint32_t seccomp_first; /* load before the capabilities go (no_new_privs off) */
	uint32_t attrs;         /* ATTR_* set */
	uint64_t personality, ioprio, mempolicy_mode;
	uint8_t sched_attr[48];
	uint64_t nodemask[CPU_MASK_WORDS];
	uint32_t lookup_home; /* env has no HOME: take it from /etc/passwd */
	uint32_t keep_fds;    /* fds from here on are closed before the exec */
	uint32_t has_final_cpus;
	uint64_t final_cpus[CPU_MASK_WORDS];
	char *apparmor; /* process.apparmorProfile; NULL: none, or "unconfined" (nothing to write) */
	char *selinux;  /* process.selinuxLabel; NULL: none */
};

#define ATTR_PERSONALITY 1
#define ATTR_IOPRIO 2
#define ATTR_SCHED 4
#define ATTR_MEMPOLICY 8

struct device_node {
	char *path;
	uint32_t mode, major, minor, uid, gid;
};

struct mount_attr_item {
	char *path;
	uint64_t set, clr;
	uint32_t top; /* the mount at path only; else AT_RECURSIVE */
};

#define TMPFS_COPY_UP 1 /* "tmpcopyup" */
struct tmpfs_item {
	char *path;
	uint32_t flags;
};

struct propagation_item {
	char *path;
	uint64_t flags; /* MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE, | MS_REC */
};

struct hook {
	uint32_t index;
	char *path;
	struct str_list argv;
	uint32_t has_env;
	struct str_list env;
	uint32_t timeout; /* seconds; 0: the plan's default */
};

struct init_plan {
	uint32_t terminal;
	uint32_t ndevices;
	struct device_node *devices;
	char *hostname, *domainname; /* NULL: leave as is */
	struct str_list mask, readonly;
	uint32_t nrecursive;
	struct mount_attr_item *recursive;
	uint32_t npropagation;
	struct propagation_item *propagation;
	uint32_t ntmpfs;
	struct tmpfs_item *tmpfs;
	struct str_list detach;
	char *mount_label;      /* linux.mountLabel; NULL: none */
	struct str_list labelled; /* mount roots labelled by xattr (mqueue) */
	uint32_t hook_timeout;
	char *state_before, *state_after; /* the state JSON on either side of the pid */
	uint32_t nhooks;
	struct hook *hooks;
};

/*
 * What create sends the mount hook (FRAME_HOOKS) once prestart and createRuntime ran:
 * src/contract/plan.ts encodeHookRun, plan.c read_hook_run.
 */
struct hook_run {
	uint32_t timeout; /* seconds, for hooks without their own */
	uint32_t relay;   /* send each hook's output back (FRAME_OUTPUT): the hook output annotations */
	char *cwd;        /* the bundle */
	struct str_list env; /* for hooks without env: the runtime's */
	char *state_before, *state_after; /* the state JSON on either side of the pid */
	uint32_t nhooks;
	struct hook *hooks;
};

struct exec_plan {
	uint32_t nns, ncg;
	int32_t *ns_fds, *cg_fds;
	int32_t status_fd, tty_fd;
	uint32_t has_initial_cpus;
	uint64_t initial_cpus[CPU_MASK_WORDS];
};

struct plan {
	uint32_t kind;
	struct process_plan process;
	struct init_plan init;
	struct exec_plan exec;
};

/* plan.c */
int read_plan(int fd, struct plan *plan);
/* read_plan of a sealed memfd only (EPERM unsealed, EINVAL not a memfd) */
int read_sealed_plan(int fd, struct plan *plan);
/* Decodes a FRAME_HOOKS payload into `run`; -1 with errno EPROTO when malformed. */
int read_hook_run(const uint8_t *data, uint32_t len, struct hook_run *run);

/* frames.c */
int send_frame(int fd, int kind, const void *payload, uint32_t len);
/* An empty frame of `kind` with `passfd` as SCM_RIGHTS, in one sendmsg; no allocation. */
int send_fd_frame(int sock, int kind, int passfd);
int send_error(int fd, int step, int err, const char *message);
int read_frame(int fd, int *kind, uint8_t *buf, uint32_t max, uint32_t *len);
/* One frame of at most `max` payload bytes, its payload malloc'd (the caller's to free); NULL on EOF or a bad frame. */
uint8_t *read_frame_alloc(int fd, int *kind, uint32_t max, uint32_t *len);
struct buf {
	uint8_t *data;
	uint32_t len, cap;
};
void buf_u32(struct buf *b, uint32_t v);
void buf_u64(struct buf *b, uint64_t v);
void buf_str(struct buf *b, const char *s, uint32_t len);

/* confine.c */
/* Applies the plan's security context and execs `path` (or the PATH search of
 * args[0]) with `argv` and `envp`. Returns only on failure: the step (errno set). */
int confine_exec(const struct process_plan *p, const char *path, char *const argv[], char *const envp[]);
/* A process of the plan: fds, cwd, umask, HOME when asked, then confine_exec (see confine.c). */
int exec_as(const struct process_plan *p, int status_fd, const char *path, char *const argv[], char *const envp[]);
int exec_process(const struct process_plan *p, int status_fd);
/* exec_as in two halves for init (confine.c): what may run at create, then the rest and execve of `program` (NULL: args[0] searched). */
int exec_prepare(const struct process_plan *p);
int exec_prepared(const struct process_plan *p, int status_fd, char *program);
/* What an ERROR frame for `step` names: the profile for STEP_APPARMOR, else `path`. */
const char *failed_subject(const struct process_plan *p, int step, const char *path);
int find_program(const struct process_plan *p, char *out, size_t outlen);
int lookup_home(uint32_t uid, char *out, size_t outlen);

/* signals.c */
/* Every signal to its default action, none blocked: how a container process starts. */
void reset_signals(void);

/* apparmor.c */
/* A procfs root fd the process's AppArmor write goes through (-1: none), opened
 * by init at create or by the exec helper on the host before setns; exec_as closes it. */
extern int proc_root;
int open_proc_root(void);
/* "exec <profile>" to this task's attr file below proc_root: confined at the next execve. */
int apparmor_exec(const char *profile);
/* Writes val to this task's attr file below proc_root (fallback when attr does not exist). */
int write_task_attr(const char *attr, const char *fallback, const char *val, size_t len);

/* selinux.c */
/* Sets `label` as the context of this task's next execve (attr/exec, through proc_root). */
int selinux_exec(const char *label);

/* hooks.c */
/*
 * How a list of hooks runs: the default timeout, where each hook's output is relayed (-1: nowhere),
 * whether each hook gets a session of its own (else a process group), and `exec`, called in the
 * hook's child with its stdio in place and the status fd at 3: it execs the hook, or reports an
 * ERROR frame on 3 and _exits.
 */
struct hook_runner {
	uint32_t default_timeout;
	int relay;
	int new_session;
	void (*exec)(const struct hook_runner *rn, const struct hook *h);
	const void *ctx;
};
/* Runs the hooks in order: a HOOK frame per run on `channel`; the first failure sends ERROR (step HOOK) and returns -1. */
int run_hooks(const struct hook_runner *rn, const struct hook *hooks, uint32_t n, const char *state, size_t state_len, int channel);
int run_start_hooks(const struct plan *plan, int channel, long pid);
/* `mount-hook <socket fd>` (mounthook.c): createContainer hooks at liblxc's mount hook. */
int mount_hook_main(int sock);

/* propagate.c: a hex-encoded argument decoded (NULL: not hex); the O_PATH fd of `dest` below
 * the container's `root`, resolved in it and made when missing (a directory when `dir`) */
char *unhex(const char *s);
int mount_point(int root, const char *dest, int dir);
/* Each step's propagation on the mount at its path, resolved in `root`; -1 with errno and *failed the path. */
int apply_propagation(int root, const struct propagation_item *steps, uint32_t n, const char **failed);

/* copyup.c */
/* A tmpfs at `dest` takes the image's files from its directory below it (TMPFS_COPY_UP); -1 with errno. */
int tmpfs_from_image(const char *dest, uint32_t flags);

/* userns.c: an fd of a new user namespace with these maps ("c:h:s/c:h:s...", uid then gid), -1 on failure */
int make_userns(const char *uid_maps, const char *gid_maps);

/* init.c, enter.c, propagate.c, idmap.c, stage.c, userns.c, dump.c */
int idmap_main(int argc, char **argv);
int userns_maps_main(const char *path);
int init_main(int plan_fd);
int enter_main(int plan_fd);
int propagate_main(int argc, char **argv);
int stage_main(int argc, char **argv);
int dump_main(int plan_fd);
int dump_hook_run_main(int fd);

#endif
