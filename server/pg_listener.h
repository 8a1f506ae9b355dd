/* pg_listener.h -- the Postgres-wire listener: one thread accepting connections (poll on
 * the listening socket and a wake-up pipe), one thread per connection running
 * pg_session_run, and a bound on how many connections are served at once (clients beyond
 * it get FATAL 53300 and are closed). Authentication is trust when the listener address is
 * loopback and refused otherwise, until TLS and password methods arrive. */
#ifndef PG_LISTENER_H
#define PG_LISTENER_H

#include "../sql/sql_tables.h"

struct pg_listener_opts {
    const char *listen;             /* "host:port"; port 0 picks a free port */
    unsigned max_connections;
    int idle_timeout_s;             /* a connection idle this long is closed (0: 600) */
    size_t max_message;             /* bound of one client message body (0: 1 MiB) */
    const struct sql_tables *tables;    /* borrowed until pg_listener_stop returns */
    const char *lakeward_version;
};

struct pg_listener;

/* Binds and starts accepting. Returns NULL and fills err when the address is invalid or
 * cannot be bound. The caller frees the result with pg_listener_stop. */
struct pg_listener *pg_listener_start(const struct pg_listener_opts *opts, struct lw_err *err)
    LW_MUSTCHECK;
/* The port actually bound (useful with port 0). */
int pg_listener_port(const struct pg_listener *l);
/* Stops accepting, shuts down every open connection, waits for their threads, frees l.
 * NULL is a no-op. */
void pg_listener_stop(struct pg_listener *l);

#endif
