/*
 * Decodes the process plan src/contract/plan.ts encodes: a magic, a version,
 * the kind (init or exec), the process, then the init or exec part. Integers
 * are little-endian; a string is a u32 length and its bytes (no NUL); a list
 * is a u32 count and its items. Every read is bounds-checked: a short or
 * malformed plan is an error, never a read past the buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lxcri.h"

#define MAX_PLAN (64u << 20)

struct reader {
	const uint8_t *p, *end;
	int bad;
};

static const uint8_t *take(struct reader *r, uint32_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	const uint8_t *at = r->p;
	r->p += n;
	return at;
}

static uint32_t u32(struct reader *r)
{
	const uint8_t *b = take(r, 4);
	return b ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24 : 0;
}

static uint64_t u64(struct reader *r)
{
	uint64_t lo = u32(r);
	return lo | (uint64_t)u32(r) << 32;
}

static char *str(struct reader *r)
{
	uint32_t n = u32(r);
	const uint8_t *b = take(r, n);
	if (!b)
		return NULL;
	if (memchr(b, 0, n)) {
		r->bad = 1;
		return NULL;
	}
	char *s = malloc(n + 1);
	if (!s) {
		r->bad = 1;
		return NULL;
	}
	memcpy(s, b, n);
	s[n] = 0;
	return s;
}

static void *array(struct reader *r, uint32_t count, size_t size)
{
	/* every item takes at least 4 bytes of input: a count beyond that is malformed */
	if (r->bad || count > (uint32_t)(r->end - r->p) / 4 + 1) {
		r->bad = 1;
		return NULL;
	}
	void *a = calloc(count + 1, size);
	if (!a)
		r->bad = 1;
	return a;
}

static void strs(struct reader *r, struct str_list *l)
{
	l->count = u32(r);
	l->items = array(r, l->count, sizeof(char *));
	for (uint32_t i = 0; l->items && i < l->count; i++)
		l->items[i] = str(r);
}

static void bytes(struct reader *r, uint8_t *out, uint32_t n)
{
	const uint8_t *b = take(r, n);
	if (b)
		memcpy(out, b, n);
}

static char *optional(struct reader *r)
{
	return u32(r) ? str(r) : NULL;
}

static void process(struct reader *r, struct process_plan *p)
{
	strs(r, &p->args);
	strs(r, &p->env);
	p->cwd = str(r);
	p->umask = u32(r);
	p->uid = u32(r);
	p->gid = u32(r);
	p->ngroups = u32(r);
	p->groups = array(r, p->ngroups, sizeof(uint32_t));
	for (uint32_t i = 0; p->groups && i < p->ngroups; i++)
		p->groups[i] = u32(r);
	for (int i = 0; i < 5; i++)
		p->caps[i] = u64(r);
	p->last_cap = u32(r);
	p->nrlimits = u32(r);
	p->rlimits = array(r, p->nrlimits, sizeof(struct rlimit_item));
	for (uint32_t i = 0; p->rlimits && i < p->nrlimits; i++) {
		p->rlimits[i].resource = u32(r);
		p->rlimits[i].soft = u64(r);
		p->rlimits[i].hard = u64(r);
	}
	p->no_new_privs = u32(r);
	p->seccomp_len = u32(r);
	if (p->seccomp_len % 8)
		r->bad = 1;
	p->seccomp = p->seccomp_len ? malloc(p->seccomp_len) : NULL;
	if (p->seccomp_len && !p->seccomp)
		r->bad = 1;
	if (p->seccomp)
		bytes(r, p->seccomp, p->seccomp_len);
	p->seccomp_flags = u32(r);
	p->seccomp_first = u32(r);
	p->attrs = u32(r);
	p->personality = u64(r);
	p->ioprio = u64(r);
	p->mempolicy_mode = u64(r);
	bytes(r, p->sched_attr, sizeof p->sched_attr);
	for (int i = 0; i < CPU_MASK_WORDS; i++)
		p->nodemask[i] = u64(r);
	p->lookup_home = u32(r);
	p->keep_fds = u32(r);
	p->has_final_cpus = u32(r);
	for (int i = 0; i < CPU_MASK_WORDS; i++)
		p->final_cpus[i] = u64(r);
	p->apparmor = optional(r);
	p->selinux = optional(r);
}

/* Hooks as init's plan and the mount hook's run carry them (src/contract/plan.ts hookList). */
static void hook_list(struct reader *r, uint32_t *n, struct hook **hooks)
{
	*n = u32(r);
	*hooks = array(r, *n, sizeof(struct hook));
	for (uint32_t i = 0; *hooks && i < *n; i++) {
		struct hook *h = &(*hooks)[i];
		h->index = u32(r);
		h->path = str(r);
		strs(r, &h->argv);
		h->has_env = u32(r);
		strs(r, &h->env);
		h->timeout = u32(r);
	}
}

static void init_part(struct reader *r, struct init_plan *p)
{
	p->terminal = u32(r);
	p->ndevices = u32(r);
	p->devices = array(r, p->ndevices, sizeof(struct device_node));
	for (uint32_t i = 0; p->devices && i < p->ndevices; i++) {
		struct device_node *d = &p->devices[i];
		d->path = str(r);
		d->mode = u32(r);
		d->major = u32(r);
		d->minor = u32(r);
		d->uid = u32(r);
		d->gid = u32(r);
	}
	p->hostname = optional(r);
	p->domainname = optional(r);
	strs(r, &p->mask);
	strs(r, &p->readonly);
	p->nrecursive = u32(r);
	p->recursive = array(r, p->nrecursive, sizeof(struct mount_attr_item));
	for (uint32_t i = 0; p->recursive && i < p->nrecursive; i++) {
		p->recursive[i].path = str(r);
		p->recursive[i].set = u64(r);
		p->recursive[i].clr = u64(r);
		p->recursive[i].top = u32(r);
	}
	p->npropagation = u32(r);
	p->propagation = array(r, p->npropagation, sizeof(struct propagation_item));
	for (uint32_t i = 0; p->propagation && i < p->npropagation; i++) {
		p->propagation[i].path = str(r);
		p->propagation[i].flags = u64(r);
	}
	p->ntmpfs = u32(r);
	p->tmpfs = array(r, p->ntmpfs, sizeof(struct tmpfs_item));
	for (uint32_t i = 0; p->tmpfs && i < p->ntmpfs; i++) {
		p->tmpfs[i].path = str(r);
		p->tmpfs[i].flags = u32(r);
	}
	strs(r, &p->detach);
	p->mount_label = optional(r);
	strs(r, &p->labelled);
	p->hook_timeout = u32(r);
	p->state_before = str(r);
	p->state_after = str(r);
	hook_list(r, &p->nhooks, &p->hooks);
}

static void exec_part(struct reader *r, struct exec_plan *p)
{
	p->nns = u32(r);
	p->ns_fds = array(r, p->nns, sizeof(int32_t));
	for (uint32_t i = 0; p->ns_fds && i < p->nns; i++)
		p->ns_fds[i] = (int32_t)u32(r);
	p->ncg = u32(r);
	p->cg_fds = array(r, p->ncg, sizeof(int32_t));
	for (uint32_t i = 0; p->cg_fds && i < p->ncg; i++)
		p->cg_fds[i] = (int32_t)u32(r);
	p->status_fd = (int32_t)u32(r);
	p->tty_fd = (int32_t)u32(r);
	p->has_initial_cpus = u32(r);
	for (int i = 0; i < CPU_MASK_WORDS; i++)
		p->initial_cpus[i] = u64(r);
}

/*
 * read_plan, of a plan no one can change any more: create and exec seal the memfd before the
 * helper gets it (ffi/sealed.ts). One that is not sealed (a regular file: EINVAL; an unsealed
 * memfd: EPERM) is refused rather than read while someone could still write it: a caller that
 * filled the plan after the spawn (docs/performance.md, "Issue 23, round 8") must seal it first.
 */
int read_sealed_plan(int fd, struct plan *plan)
{
	const int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
	int have = fcntl(fd, F_GET_SEALS);
	if (have < 0)
		return -1;
	if ((have & seals) != seals) {
		errno = EPERM;
		return -1;
	}
	return read_plan(fd, plan);
}

/* Reads the whole plan from `fd` (then closed) into `plan`; -1 with errno on failure. */
int read_plan(int fd, struct plan *plan)
{
	size_t cap = 1 << 16, len = 0;
	uint8_t *data = malloc(cap);
	for (;;) {
		if (!data)
			return -1;
		if (len == cap) {
			if (cap >= MAX_PLAN) {
				errno = EFBIG;
				return -1;
			}
			cap *= 2;
			data = realloc(data, cap);
			continue;
		}
		ssize_t n = pread(fd, data + len, cap - len, (off_t)len);
		if (n < 0 && errno == ESPIPE)
			n = read(fd, data + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	struct reader r = {data, data + len, 0};
	memset(plan, 0, sizeof *plan);
	const uint8_t *magic = take(&r, 8);
	if (!magic || memcmp(magic, PLAN_MAGIC, 8) || u32(&r) != PLAN_VERSION) {
		errno = EPROTO;
		return -1;
	}
	plan->kind = u32(&r);
	process(&r, &plan->process);
	if (plan->kind == PLAN_INIT)
		init_part(&r, &plan->init);
	else if (plan->kind == PLAN_EXEC)
		exec_part(&r, &plan->exec);
	else
		r.bad = 1;
	if (r.bad || r.p != r.end) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int read_hook_run(const uint8_t *data, uint32_t len, struct hook_run *run)
{
	struct reader r = {data, data + len, 0};
	memset(run, 0, sizeof *run);
	run->timeout = u32(&r);
	run->relay = u32(&r);
	run->cwd = str(&r);
	strs(&r, &run->env);
	run->state_before = str(&r);
	run->state_after = str(&r);
	hook_list(&r, &run->nhooks, &run->hooks);
	if (r.bad || r.p != r.end) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}
