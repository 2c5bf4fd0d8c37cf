/*
 * `lxcri-init plan <fd>` and `hook-run <fd>`: decode a plan (or the mount
 * hook's run) and print it as JSON, so that a test can check that what
 * src/contract/plan.ts encodes is what plan.c reads
 * (test/integration/plan-codec.test.ts). Change nothing.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lxcri.h"

static void str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void strs(const struct str_list *l)
{
	putchar('[');
	for (uint32_t i = 0; i < l->count; i++) {
		if (i)
			putchar(',');
		str(l->items[i]);
	}
	putchar(']');
}

static void mask(const uint64_t *m)
{
	putchar('[');
	int first = 1;
	for (int i = 0; i < CPU_MASK_WORDS * 64; i++)
		if ((m[i / 64] >> (i % 64)) & 1) {
			printf(first ? "%d" : ",%d", i);
			first = 0;
		}
	putchar(']');
}

static void hooks(const struct hook *list, uint32_t n)
{
	putchar('[');
	for (uint32_t i = 0; i < n; i++) {
		const struct hook *h = &list[i];
		printf("%s{\"index\":%u,\"path\":", i ? "," : "", h->index);
		str(h->path);
		printf(",\"argv\":");
		strs(&h->argv);
		printf(",\"env\":");
		h->has_env ? strs(&h->env) : (void)printf("null");
		printf(",\"timeout\":%u}", h->timeout);
	}
	putchar(']');
}

/* `lxcri-init hook-run <fd>`: a HOOKS frame's payload (the whole of fd), as the mount hook reads it. */
int dump_hook_run_main(int fd)
{
	static uint8_t data[1 << 20];
	uint32_t len = 0;
	for (ssize_t n; len < sizeof data && (n = read(fd, data + len, sizeof data - len)) > 0;)
		len += (uint32_t)n;
	static struct hook_run run;
	if (read_hook_run(data, len, &run) != 0) {
		perror("read_hook_run");
		return 1;
	}
	printf("{\"timeout\":%u,\"relay\":%u,\"cwd\":", run.timeout, run.relay);
	str(run.cwd);
	printf(",\"env\":");
	strs(&run.env);
	printf(",\"state\":[");
	str(run.state_before);
	putchar(',');
	str(run.state_after);
	printf("],\"hooks\":");
	hooks(run.hooks, run.nhooks);
	printf("}\n");
	return 0;
}

int dump_main(int fd)
{
	static struct plan plan;
	if (read_plan(fd, &plan) != 0) {
		perror("read_plan");
		return 1;
	}
	const struct process_plan *p = &plan.process;
	printf("{\"kind\":%u,\"args\":", plan.kind);
	strs(&p->args);
	printf(",\"env\":");
	strs(&p->env);
	printf(",\"cwd\":");
	str(p->cwd);
	printf(",\"umask\":%u,\"uid\":%u,\"gid\":%u,\"groups\":[", p->umask, p->uid, p->gid);
	for (uint32_t i = 0; i < p->ngroups; i++)
		printf(i ? ",%u" : "%u", p->groups[i]);
	printf("],\"caps\":[\"%llx\",\"%llx\",\"%llx\",\"%llx\",\"%llx\"],\"lastCap\":%u,\"rlimits\":[", (unsigned long long)p->caps[0],
	       (unsigned long long)p->caps[1], (unsigned long long)p->caps[2], (unsigned long long)p->caps[3], (unsigned long long)p->caps[4],
	       p->last_cap);
	for (uint32_t i = 0; i < p->nrlimits; i++)
		printf("%s[%u,\"%llu\",\"%llu\"]", i ? "," : "", p->rlimits[i].resource, (unsigned long long)p->rlimits[i].soft,
		       (unsigned long long)p->rlimits[i].hard);
	printf("],\"noNewPrivs\":%u,\"seccompBytes\":%u,\"seccompFlags\":%u,\"seccompFirst\":%u,\"attrs\":%u,\"personality\":%llu,\"ioprio\":%llu,"
	       "\"mempolicy\":%llu,\"nodes\":",
	       p->no_new_privs, p->seccomp_len, p->seccomp_flags, p->seccomp_first, p->attrs, (unsigned long long)p->personality,
	       (unsigned long long)p->ioprio, (unsigned long long)p->mempolicy_mode);
	mask(p->nodemask);
	uint32_t policy, size;
	memcpy(&size, p->sched_attr, 4);
	memcpy(&policy, p->sched_attr + 4, 4);
	printf(",\"schedSize\":%u,\"schedPolicy\":%u,\"lookupHome\":%u,\"keepFds\":%u,\"finalCpus\":", size, policy, p->lookup_home, p->keep_fds);
	if (p->has_final_cpus)
		mask(p->final_cpus);
	else
		printf("null");
	printf(",\"apparmor\":");
	p->apparmor ? str(p->apparmor) : (void)printf("null");
	printf(",\"selinux\":");
	p->selinux ? str(p->selinux) : (void)printf("null");
	if (plan.kind == PLAN_INIT) {
		const struct init_plan *ip = &plan.init;
		printf(",\"terminal\":%u,\"devices\":[", ip->terminal);
		for (uint32_t i = 0; i < ip->ndevices; i++) {
			printf(i ? ",[" : "[");
			str(ip->devices[i].path);
			printf(",%u,%u,%u,%u,%u]", ip->devices[i].mode, ip->devices[i].major, ip->devices[i].minor, ip->devices[i].uid, ip->devices[i].gid);
		}
		printf("],\"hostname\":");
		ip->hostname ? str(ip->hostname) : (void)printf("null");
		printf(",\"domainname\":");
		ip->domainname ? str(ip->domainname) : (void)printf("null");
		printf(",\"mask\":");
		strs(&ip->mask);
		printf(",\"readonly\":");
		strs(&ip->readonly);
		printf(",\"recursive\":[");
		for (uint32_t i = 0; i < ip->nrecursive; i++) {
			printf(i ? ",[" : "[");
			str(ip->recursive[i].path);
			printf(",%llu,%llu,%u]", (unsigned long long)ip->recursive[i].set, (unsigned long long)ip->recursive[i].clr, ip->recursive[i].top);
		}
		printf("],\"propagation\":[");
		for (uint32_t i = 0; i < ip->npropagation; i++) {
			printf(i ? ",[" : "[");
			str(ip->propagation[i].path);
			printf(",%llu]", (unsigned long long)ip->propagation[i].flags);
		}
		printf("],\"tmpfs\":[");
		for (uint32_t i = 0; i < ip->ntmpfs; i++) {
			printf(i ? ",[" : "[");
			str(ip->tmpfs[i].path);
			printf(",%u]", ip->tmpfs[i].flags);
		}
		printf("]");
		printf(",\"detach\":");
		strs(&ip->detach);
		printf(",\"mountLabel\":");
		ip->mount_label ? str(ip->mount_label) : (void)printf("null");
		printf(",\"labelled\":");
		strs(&ip->labelled);
		printf(",\"hookTimeout\":%u,\"state\":[", ip->hook_timeout);
		str(ip->state_before);
		putchar(',');
		str(ip->state_after);
		printf("],\"hooks\":");
		hooks(ip->hooks, ip->nhooks);
	} else {
		const struct exec_plan *e = &plan.exec;
		printf(",\"nsFds\":[");
		for (uint32_t i = 0; i < e->nns; i++)
			printf(i ? ",%d" : "%d", e->ns_fds[i]);
		printf("],\"cgroupFds\":[");
		for (uint32_t i = 0; i < e->ncg; i++)
			printf(i ? ",%d" : "%d", e->cg_fds[i]);
		printf("],\"statusFd\":%d,\"ttyFd\":%d,\"initialCpus\":", e->status_fd, e->tty_fd);
		if (e->has_initial_cpus)
			mask(e->initial_cpus);
		else
			printf("null");
	}
	printf("}\n");
	return 0;
}
