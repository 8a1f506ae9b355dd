/* pg_wait.h -- waiting for one connection's socket until a deadline: what the plain socket
 * (pg_wire.c) and the TLS stream over it (pg_tls.c) both do when a read or write cannot go
 * on. Each connection keeps one epoll set with its socket registered once, as PostgreSQL's
 * backend keeps its WaitEventSet, so a wait costs one epoll_wait and not the set-up and
 * tear-down of a poll() call. */
#ifndef PG_WAIT_H
#define PG_WAIT_H

#include "core/lw.h"

struct pg_wait {
    int fd;             /* the socket (the caller's) */
    int epfd;           /* its epoll set; -1 when none could be made: poll() each time */
    short armed;        /* what the socket is registered for: POLLIN or POLLOUT */
};

/* Makes fd's epoll set, registered for POLLIN. Cannot fail: without an epoll set (out of
 * descriptors) the waits fall back to poll(). pg_wait_free closes the set, not fd. */
void pg_wait_init(struct pg_wait *w, int fd);
void pg_wait_free(struct pg_wait *w);

/* Waits until the socket is ready for `events` (POLLIN or POLLOUT; an error or hang-up on
 * it counts as ready, for the next read or write to report) or the monotonic deadline
 * (lw_mono_us) passes: 1 ready, 0 timeout, -1 error. */
int pg_wait_fd(struct pg_wait *w, short events, int64_t deadline_us);

#endif
