/* pg_wait.h -- waiting for one socket until a deadline: what the plain socket (pg_wire.c)
 * and the TLS stream over it (pg_tls.c) both do when a read or write cannot go on. */
#ifndef PG_WAIT_H
#define PG_WAIT_H

#include "core/lw.h"

/* Waits until fd is ready for `events` (POLLIN, POLLOUT) or the monotonic deadline
 * (lw_mono_us) passes: 1 ready, 0 timeout, -1 error. */
int pg_wait_fd(int fd, short events, int64_t deadline_us);

#endif
