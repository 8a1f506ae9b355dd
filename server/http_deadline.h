/* http_deadline.h -- per-connection deadlines that a trickling client cannot reset, and the
 * HTTP face's own connection count.
 *
 * libmicrohttpd's connection timeout restarts on every byte received, so one byte every few
 * seconds keeps a connection forever. Here each connection has a clock: the stage it is in
 * (reading the request head, reading the body, being answered, idle between requests) fixes
 * a due time when the stage begins, and a reaper thread shuts the socket down once the due
 * time passes, however many bytes have trickled in meanwhile. */
#ifndef HTTP_DEADLINE_H
#define HTTP_DEADLINE_H

#include "core/lw.h"

enum http_stage {
    HTTP_STAGE_HEAD,    /* connection open, request head not complete */
    HTTP_STAGE_BODY,    /* head complete, body arriving */
    HTTP_STAGE_BUSY,    /* request complete, being answered (no deadline here) */
    HTTP_STAGE_IDLE,    /* answer queued: being sent, then keep-alive until the next head */
    HTTP_STAGE_COUNT
};

struct http_deadline_opts {
    int64_t head_ms;            /* whole request head, from connection start */
    int64_t body_ms;            /* whole body, from the end of the head */
    int64_t idle_ms;            /* keep-alive idle; the next head is due idle_ms + head_ms
                                 * after the previous answer was queued */
    unsigned max_connections;   /* http_deadlines_open refuses past this many */
    const char *name;           /* for log lines and metric labels */
};

struct http_deadlines;
struct http_conn_clock;

/* Starts the reaper thread. NULL and err filled when the thread cannot start. */
struct http_deadlines *http_deadlines_start(const struct http_deadline_opts *opts,
                                            struct lw_err *err) LW_MUSTCHECK;
/* Registers a new connection's socket in stage HEAD. Returns NULL when max_connections are
 * already open (or memory is short): the caller refuses the connection. Thread-safe. */
struct http_conn_clock *http_deadlines_open(struct http_deadlines *d, int fd);
/* Unregisters and frees c (NULL is ignored). The socket must still be open: after this
 * returns the reaper never touches fd again. Thread-safe. */
void http_deadlines_close(struct http_deadlines *d, struct http_conn_clock *c);
/* Moves c (NULL is ignored) to a stage; its due time is now + that stage's budget. Called
 * by the thread that owns the connection; lock-free. */
void http_conn_clock_stage(struct http_deadlines *d, struct http_conn_clock *c,
                           enum http_stage stage);
/* Connections currently registered. */
unsigned http_deadlines_count(struct http_deadlines *d);
/* Stops the reaper and frees d and any clock still registered. */
void http_deadlines_stop(struct http_deadlines *d);

#endif
