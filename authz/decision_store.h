/* decision_store.h -- the decision store: every decision record also goes to a table in
 * PostgreSQL (libpq), so that SQL on any replica sees every replica's decisions and a restart
 * loses none. A decision never waits for the store: records go into a bounded in-memory
 * queue that one writer thread of the main process drains in batches (COPY); when the store
 * is down or slow the queue fills to its bound, further records are dropped and counted
 * (one log line per burst), and writing resumes by itself once the store answers again.
 * The writer creates and migrates the schema on connect and deletes records older than the
 * retention. authz_decision_store_sql.h reads the table back for the SQL face.
 *
 * Metrics: lakeward_decision_store_written_total, lakeward_decision_store_dropped_total,
 * lakeward_decision_store_queue (records waiting, incl. a batch being retried),
 * lakeward_decision_store_up (1 while connected). */
#ifndef DECISION_STORE_H
#define DECISION_STORE_H

#include "authz_decision_log.h"

/* The table and its schema version (decision_store.c holds the migrations). */
#define DECISION_STORE_TABLE "lakeward_decisions"

struct decision_store_opts {
    const char *dsn;            /* libpq connection string or URI; never logged */
    const char *replica;        /* this replica's name (NULL: the host name) */
    int queue_max;              /* records held while the store is behind (> 0) */
    int batch_max;              /* records per COPY (> 0) */
    int retention_days;         /* records older than this are deleted, hourly; 0: keep */
};

struct decision_store;

/* Starts the writer thread (it connects in the background: a store that is down at start
 * is not an error). Fails only on bad options or memory. */
struct decision_store *decision_store_start(const struct decision_store_opts *o,
                                            struct lw_err *err) LW_MUSTCHECK;
/* Queues a copy of rec, taking ownership of rec->json (may be NULL; set NULL). Never blocks
 * on the store: at the bound the record is dropped and counted. Thread-safe. */
void decision_store_add(struct decision_store *s, struct authz_decision_summary *rec);
/* Stops the writer after one last attempt (bounded by the connection timeouts) to write what
 * is queued; then frees everything. NULL is fine. */
void decision_store_stop(struct decision_store *s);

/* Counters for tests and the bench (also exported as metrics). */
struct decision_store_stats {
    uint64_t written, dropped, queued;
    bool connected;
};
void decision_store_stats(struct decision_store *s, struct decision_store_stats *out);

#endif
