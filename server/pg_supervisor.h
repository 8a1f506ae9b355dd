/* pg_supervisor.h -- the main process's side of the SQL face: it binds the Postgres port,
 * creates the shared counters page, and runs the SQL process (pg_listener.h) as a child
 * that it restarts within a second whenever it dies, so that nothing arriving on the
 * Postgres port can stop or stall the authorizer. The child is the same executable,
 * re-executed with an internal option (fork + exec, which is safe from a threaded process,
 * unlike a bare fork), inheriting the listening socket, the decision ring's memfd, the
 * counters' memfd and the read end of a pipe whose hang-up tells it main is gone.
 * See docs/architecture-process.md. */
#ifndef PG_SUPERVISOR_H
#define PG_SUPERVISOR_H

#include "core/lw.h"

/* The internal option the child is started with: --pg-sql-process=LISTEN,RING,STATS,ALIVE
 * (descriptor numbers). */
#define PG_SUPERVISOR_OPTION "pg-sql-process"

struct pg_supervisor_opts {
    const char *listen;             /* "host:port"; port 0 picks a free port */
    char *const *argv;              /* main's argv (NULL-terminated), repeated to the child */
    int ring_fd;                    /* the decision ring's memfd */
    int nice;                       /* the SQL process's priority (setpriority) */
};

struct pg_supervisor;

/* Binds, spawns the SQL process and starts the thread that watches it. NULL and err on a
 * bad address, a port that cannot be bound, or a first spawn that fails. */
struct pg_supervisor *pg_supervisor_start(const struct pg_supervisor_opts *opts,
                                          struct lw_err *err) LW_MUSTCHECK;
int pg_supervisor_port(const struct pg_supervisor *s);
/* Stops the watcher, terminates the SQL process (and so its backends), frees s. NULL: no-op. */
void pg_supervisor_stop(struct pg_supervisor *s);

/* In the child: parses the option's value into the four descriptors (listening socket,
 * ring memfd, counters memfd, alive pipe) and closes every other descriptor above stderr
 * that the main process happened to leave without close-on-exec. */
int pg_supervisor_child_fds(const char *value, int fds[4]) LW_MUSTCHECK;
struct pg_shared_stats;
/* In the child: maps the counters page from its memfd; NULL on failure. */
struct pg_shared_stats *pg_supervisor_attach_stats(int fd);
void pg_supervisor_detach_stats(struct pg_shared_stats *stats);

#endif
