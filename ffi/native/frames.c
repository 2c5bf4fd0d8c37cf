/*
 * Frames between the native helpers and lxcri (src/contract/frames.ts): a u32
 * payload length, a u8 kind, then the payload, little-endian. Each frame is
 * written with one write(2): on a pipe or a socket of this size it arrives
 * whole or not at all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "lxcri.h"

#define MAX_FRAME (1u << 20)

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int send_fd_frame(int sock, int kind, int passfd)
{
	uint8_t f[5] = {0, 0, 0, 0, (uint8_t)kind};
	struct iovec iov = {f, sizeof f};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	memset(&control, 0, sizeof control);
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &passfd, sizeof(int));
	for (;;) {
		ssize_t r = sendmsg(sock, &msg, MSG_NOSIGNAL);
		if (r == (ssize_t)sizeof f)
			return 0;
		if (r < 0 && errno == EINTR)
			continue;
		return -1;
	}
}

int send_frame(int fd, int kind, const void *payload, uint32_t len)
{
	if (fd < 0 || len > MAX_FRAME)
		return -1;
	/* small frames (READY, GO, EXEC) on the stack: init may send them under the process's RLIMIT_AS (confine.c) */
	uint8_t small[64];
	uint8_t *f = 5 + (size_t)len <= sizeof small ? small : malloc(5 + (size_t)len);
	if (!f)
		return -1;
	f[0] = len & 0xff;
	f[1] = (len >> 8) & 0xff;
	f[2] = (len >> 16) & 0xff;
	f[3] = (len >> 24) & 0xff;
	f[4] = (uint8_t)kind;
	if (len)
		memcpy(f + 5, payload, len);
	int saved = errno, r = write_all(fd, f, 5 + (size_t)len);
	if (f != small)
		free(f);
	errno = saved;
	return r;
}

static void buf_grow(struct buf *b, uint32_t n)
{
	if (b->len + n <= b->cap)
		return;
	uint32_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n)
		cap *= 2;
	uint8_t *d = realloc(b->data, cap);
	if (!d)
		abort();
	b->data = d;
	b->cap = cap;
}

void buf_u32(struct buf *b, uint32_t v)
{
	buf_grow(b, 4);
	for (int i = 0; i < 4; i++)
		b->data[b->len++] = (uint8_t)(v >> (8 * i));
}

void buf_u64(struct buf *b, uint64_t v)
{
	buf_u32(b, (uint32_t)v);
	buf_u32(b, (uint32_t)(v >> 32));
}

void buf_str(struct buf *b, const char *s, uint32_t len)
{
	buf_u32(b, len);
	buf_grow(b, len);
	if (len)
		memcpy(b->data + b->len, s, len);
	b->len += len;
}

/* ERROR: the failed step, errno, and a message (may be empty). Keeps errno. */
int send_error(int fd, int step, int err, const char *message)
{
	struct buf b = {0};
	buf_u32(&b, (uint32_t)step);
	buf_u32(&b, (uint32_t)err);
	buf_str(&b, message ? message : "", message ? (uint32_t)strnlen(message, 4096) : 0);
	int r = send_frame(fd, FRAME_ERROR, b.data, b.len);
	free(b.data);
	errno = err;
	return r;
}

/* One frame into `buf` (at most `max` payload bytes); -1 on EOF or a bad frame. */
int read_frame(int fd, int *kind, uint8_t *buf, uint32_t max, uint32_t *len)
{
	uint8_t h[5];
	if (read_all(fd, h, 5) != 0)
		return -1;
	uint32_t n = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
	if (n > max) {
		errno = EMSGSIZE;
		return -1;
	}
	if (read_all(fd, buf, n) != 0)
		return -1;
	*kind = h[4];
	*len = n;
	return 0;
}

uint8_t *read_frame_alloc(int fd, int *kind, uint32_t max, uint32_t *len)
{
	uint8_t h[5];
	if (read_all(fd, h, 5) != 0)
		return NULL;
	uint32_t n = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
	if (n > max) {
		errno = EMSGSIZE;
		return NULL;
	}
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		return NULL;
	if (read_all(fd, buf, n) != 0) {
		free(buf);
		return NULL;
	}
	*kind = h[4];
	*len = n;
	return buf;
}
