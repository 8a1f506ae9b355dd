/* pg_wait.c -- waiting for one connection's socket with a deadline (pg_wait.h). The socket
 * stays registered in the connection's epoll set (level-triggered) between waits; only the
 * rare wait for room to write moves the registration to POLLOUT and the next wait for input
 * moves it back. A wait is cut into calls of at most a minute, each with the time left to
 * the deadline taken from the monotonic clock, so that neither a clock change nor a signal
 * stretches it. */
#include "pg_wait.h"

#include <errno.h>
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#define SLICE_MS 60000

void pg_wait_init(struct pg_wait *w, int fd)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    w->fd = fd;
    w->armed = POLLIN;
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (w->epfd >= 0 && epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        close(w->epfd);
        w->epfd = -1;
    }
}

void pg_wait_free(struct pg_wait *w)
{
    if (w->epfd >= 0)
        close(w->epfd);
    w->epfd = -1;
}

/* One wait of at most ms: > 0 ready, 0 nothing yet, < 0 error (errno set). */
static int wait_once(struct pg_wait *w, short events, int ms)
{
    struct epoll_event ev;
    if (w->epfd < 0) {
        struct pollfd p = {w->fd, events, 0};
        return poll(&p, 1, ms);
    }
    if (w->armed != events) {
        ev.events = events == POLLOUT ? EPOLLOUT : EPOLLIN;
        ev.data.fd = w->fd;
        if (epoll_ctl(w->epfd, EPOLL_CTL_MOD, w->fd, &ev) != 0)
            return -1;
        w->armed = events;
    }
    return epoll_wait(w->epfd, &ev, 1, ms);
}

int pg_wait_fd(struct pg_wait *w, short events, int64_t deadline_us)
{
    for (;;) {
        int64_t left = deadline_us - lw_mono_us();
        int64_t ms = (left + 999) / 1000;
        int rc;
        if (left <= 0)
            return 0;
        rc = wait_once(w, events, (int)(ms > SLICE_MS ? SLICE_MS : ms));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return -1;
        if (rc > 0)
            return 1;
    }
}
