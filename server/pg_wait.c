/* pg_wait.c -- waiting for one socket with a deadline (pg_wait.h). The wait is cut into
 * poll() calls of at most a minute, each with the time left to the deadline taken from the
 * monotonic clock, so that neither a clock change nor a signal stretches it. */
#include "pg_wait.h"

#include <errno.h>
#include <poll.h>

int pg_wait_fd(int fd, short events, int64_t deadline_us)
{
    for (;;) {
        int64_t left = deadline_us - lw_mono_us();
        struct pollfd p = {fd, events, 0};
        int rc;
        if (left <= 0)
            return 0;
        rc = poll(&p, 1, (int)((left + 999) / 1000 > 60000 ? 60000 : (left + 999) / 1000));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return -1;
        if (rc > 0)
            return 1;
    }
}
