/*
 * process.selinuxLabel, applied as runc does (go-selinux's SetExecLabel): the
 * label written to this task's attr/exec, so that the kernel gives the process
 * that context at its next execve. The write goes through apparmor.c's
 * write_task_attr: the same rules hold (only this task's own file, opened by
 * itself, before no_new_privs; only the real procfs, reached from a root fd
 * opened while /proc could be trusted — CVE-2019-16884 was an SELinux label
 * written into an image's fake procfs too). A failure fails the start: the
 * kernel refuses a label its policy does not know (EINVAL) or a transition the
 * policy does not allow (EACCES), and the process never runs unlabelled.
 */
#include <string.h>
#include "lxcri.h"

int selinux_exec(const char *label)
{
	return write_task_attr("attr/exec", NULL, label, strlen(label));
}
