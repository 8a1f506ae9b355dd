/* pg_cancel.h -- stopping a running statement in a SQL backend process: the flag the SQL
 * engine checks (sql_session_opts.cancel), set by SIGUSR1 (a CancelRequest routed here by
 * another backend) or by SIGUSR2 (the statement_timeout timer); and the table shared by all backends
 * of one postmaster through which a CancelRequest, which arrives on a new connection and so
 * in another backend, finds the backend whose pid AND secret key it names. */
#ifndef PG_CANCEL_H
#define PG_CANCEL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct pg_cancel_table;

/* Postmaster: a shared table of nslots (pid, key) pairs, mapped before any fork. NULL when
 * the mapping fails (then CancelRequests are ignored, as before). */
struct pg_cancel_table *pg_cancel_table_new(unsigned nslots);
void pg_cancel_table_free(struct pg_cancel_table *t);
/* Postmaster: slot now belongs to backend pid with key (pid 0: free). */
void pg_cancel_table_set(struct pg_cancel_table *t, unsigned slot, int32_t pid, int32_t key);

/* Any backend: signals the backend with this pid when key matches its key too. Returns
 * true when one matched. Nothing is sent back to the requester either way (as PostgreSQL
 * does: a wrong key must not be told apart from a finished statement). */
bool pg_cancel_route(const struct pg_cancel_table *t, int32_t pid, int32_t key);

/* Backend process, before its session starts: the SIGUSR1 and SIGUSR2 handlers and the
 * statement timer. Without it statements run unbounded by statement_timeout. */
void pg_cancel_install(void);
/* Backend process: the calling thread leaves SIGUSR1 and the timer's signal to the other
 * threads (the one running the session), so that the handlers run on the thread whose
 * statements they stop and never beside it. */
void pg_cancel_signals_elsewhere(void);
/* The flag for sql_session_opts.cancel (SQL_CANCEL_* values, sql_engine.h). */
volatile sig_atomic_t *pg_cancel_flag(void);
/* Around each statement: start clears the flag and sets the statement's deadline
 * (monotonic µs as lw_mono_us, 0 none; the timer is re-armed only when it would fire later
 * than that); end
 * clears the flag (a cancel that arrives between statements is dropped, as in PostgreSQL)
 * and leaves the timer running: when it fires with no statement past its deadline it does
 * nothing but move on. Neither makes a system call in the common case. */
void pg_cancel_statement_start(int64_t deadline_us);
void pg_cancel_statement_end(void);

#endif
