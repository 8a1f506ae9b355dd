/* decision_store.c -- the bounded queue and the libpq writer thread of the decision store
 * (decision_store.h): schema migrations, COPY batches, retention, reconnects.
 *
 * The queue is a ring of queue_max records guarded by one mutex that decision threads hold
 * only to copy a record in; the writer holds it only to move a batch out. A batch that fails
 * stays with the writer and is retried after a reconnect (it still counts in the queue
 * gauge), so an outage loses only the records that arrive while the ring is full. */
#include "decision_store.h"

#include "../server/core/lw_buf.h"
#include "../server/core/lw_log.h"
#include "../server/core/lw_metrics.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RECONNECT_MIN_MS 200
#define RECONNECT_MAX_MS 5000
#define RETENTION_EVERY_MS (3600 * 1000)
#define IDLE_WAIT_MS 200            /* the writer waits this long for a batch to fill */
#define COPY_MAX_BYTES (256u << 20) /* one batch's COPY text */
#define STOP_FLUSH_MS 5000          /* at shutdown, the last flush may take this long */

struct rec {
    struct authz_decision_summary sum;  /* sum.json: owned copy or NULL */
};

struct decision_store {
    char *dsn;
    char replica[128];
    int queue_max, batch_max, retention_days;

    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct rec *ring;               /* queue_max slots */
    int head, count;
    bool stop;
    uint64_t burst_dropped;         /* drops since the last log line about them */
    bool dropping;

    pthread_t thread;
    bool started;
    bool done;                      /* the writer has finished (under mu) */
    pthread_cond_t done_cv;
    int conn_fd;                    /* the connection's socket, -1: none (under mu) */
    PGconn *conn;                   /* writer thread only */
    bool failing;                   /* writer thread only: the last connect failed */
    struct rec *batch;              /* writer thread only: batch_max slots */
    int nbatch;
    int64_t next_retention_ms;

    struct lw_counter *written, *dropped, *queued, *up;
};

/* Schema steps, applied in order once each, under an advisory lock so that replicas starting
 * together do not race; lakeward_decisions_schema holds the number applied. Append only. */
static const char *const migrations[] = {
    "CREATE TABLE " DECISION_STORE_TABLE " ("
    " time timestamptz NOT NULL, replica text NOT NULL, decision_id text NOT NULL,"
    " query_id text, user_name text, operation text, endpoint text NOT NULL,"
    " allowed boolean NOT NULL, items integer, allowed_items integer,"
    " lakekeeper_calls integer, cache_hits integer, latency_ms double precision, record json);"
    "CREATE INDEX " DECISION_STORE_TABLE "_time ON " DECISION_STORE_TABLE " (time);"
    "CREATE INDEX " DECISION_STORE_TABLE "_user_time ON " DECISION_STORE_TABLE
    " (user_name, time)",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

static void *writer(void *arg);

/* A libpq message fit for one key="value" log field: quotes and line breaks replaced. */
static const char *log_safe(char *dst, size_t n, const char *msg)
{
    size_t i = 0;
    for (; msg && msg[i] && i + 1 < n; i++)
        dst[i] = msg[i] == '"' ? '\'' : (msg[i] == '\n' || msg[i] == '\r' || msg[i] == '\t') ? ' ' : msg[i];
    dst[i] = '\0';
    while (i > 0 && dst[i - 1] == ' ')
        dst[--i] = '\0';
    return dst;
}

static void rec_free(struct rec *r)
{
    lw_free(r->sum.json);
    r->sum.json = NULL;
}

struct decision_store *decision_store_start(const struct decision_store_opts *o,
                                            struct lw_err *err)
{
    struct decision_store *s;
    if (!o->dsn || !*o->dsn || o->queue_max <= 0 || o->batch_max <= 0 || o->retention_days < 0) {
        lw_err_set(err, LW_ECONFIG, "decision store: a DSN, a queue and a batch size are needed");
        return NULL;
    }
    if (!(s = lw_calloc(1, sizeof *s)) || !(s->dsn = lw_strdup(o->dsn)) ||
        !(s->ring = lw_calloc((size_t)o->queue_max, sizeof *s->ring)) ||
        !(s->batch = lw_calloc((size_t)o->batch_max, sizeof *s->batch))) {
        if (s) {
            lw_free(s->dsn);
            lw_free(s->ring);
            lw_free(s);
        }
        lw_err_set(err, LW_ENOMEM, "out of memory for the decision store's queue");
        return NULL;
    }
    s->queue_max = o->queue_max;
    s->batch_max = o->batch_max;
    s->retention_days = o->retention_days;
    if (o->replica && *o->replica)
        snprintf(s->replica, sizeof s->replica, "%s", o->replica);
    else if (gethostname(s->replica, sizeof s->replica - 1) != 0)
        snprintf(s->replica, sizeof s->replica, "lakeward");
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_cond_init(&s->done_cv, NULL);
    s->conn_fd = -1;
    s->written = lw_metrics_counter("lakeward_decision_store_written_total",
                                    "Decision records written to the decision store", "");
    s->dropped = lw_metrics_counter("lakeward_decision_store_dropped_total",
                                    "Decision records dropped because the store's queue was full",
                                    "");
    s->queued = lw_metrics_gauge("lakeward_decision_store_queue",
                                 "Decision records waiting for the decision store", "");
    s->up = lw_metrics_gauge("lakeward_decision_store_up",
                             "1 while the decision store is connected", "");
    if (pthread_create(&s->thread, NULL, writer, s) != 0) {
        decision_store_stop(s);
        lw_err_set(err, LW_ENOMEM, "cannot start the decision store's writer thread");
        return NULL;
    }
    s->started = true;
    return s;
}

void decision_store_add(struct decision_store *s, struct authz_decision_summary *rec)
{
    char *copy = rec->json;
    bool log_burst = false;
    struct rec *r;

    pthread_mutex_lock(&s->mu);
    if (s->count >= s->queue_max) {
        s->burst_dropped++;
        if (!s->dropping)
            log_burst = s->dropping = true;
        pthread_mutex_unlock(&s->mu);
        lw_counter_add(s->dropped, 1);
        lw_free(copy);
        rec->json = NULL;
        if (log_burst)
            LW_WARN("decision_store", "dropping", "queue=%d reason=\"the store is behind; "
                    "records are dropped until it catches up\"", s->queue_max);
        return;
    }
    r = &s->ring[(s->head + s->count) % s->queue_max];
    r->sum = *rec;
    r->sum.json = copy;
    rec->json = NULL;
    s->count++;
    lw_gauge_set(s->queued, (uint64_t)(s->count + s->nbatch));
    if (s->count >= s->batch_max)
        pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* COPY text format: backslash, tab, newline and carriage return escaped; NULL is \N. */
static void put_text(struct lw_buf *b, const char *v)
{
    if (!v || !*v) {
        lw_buf_puts(b, "\\N");
        return;
    }
    for (const char *p = v; *p; p++) {
        switch (*p) {
        case '\\': lw_buf_puts(b, "\\\\"); break;
        case '\t': lw_buf_puts(b, "\\t"); break;
        case '\n': lw_buf_puts(b, "\\n"); break;
        case '\r': lw_buf_puts(b, "\\r"); break;
        default: lw_buf_putc(b, *p);
        }
    }
}

static void put_row(struct lw_buf *b, const char *replica, const struct authz_decision_summary *r)
{
    time_t secs = (time_t)(r->time_ms / 1000);
    struct tm tm;
    char ts[64];
    gmtime_r(&secs, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
    lw_buf_printf(b, "%s.%03d+00\t", ts, (int)(r->time_ms % 1000));
    put_text(b, replica);
    lw_buf_putc(b, '\t');
    put_text(b, r->decision_id);
    lw_buf_putc(b, '\t');
    put_text(b, r->query_id);
    lw_buf_putc(b, '\t');
    put_text(b, r->user);
    lw_buf_putc(b, '\t');
    put_text(b, r->operation);
    lw_buf_printf(b, "\t%s\t%s\t%d\t%d\t%d\t%d\t%.3f\t", r->batch ? "batch" : "allow",
                  r->allowed ? "t" : "f", r->nitems, r->nallowed, r->lk_calls, r->cache_hits,
                  (double)r->latency_us / 1000.0);
    put_text(b, r->json);
    lw_buf_putc(b, '\n');
}

/* Runs one command; returns true when it succeeded (status ok or tuples). */
static bool exec_ok(PGconn *c, const char *sql, const char *what)
{
    PGresult *res = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(res);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    char why[256];
    if (!ok)
        LW_WARN("decision_store", "command_failed", "what=%s error=\"%s\"", what,
                log_safe(why, sizeof why, PQresultErrorMessage(res)));
    PQclear(res);
    return ok;
}

static bool migrate(PGconn *c)
{
    PGresult *res;
    int64_t have = 0;
    bool ok;
    char sql[64];

    if (!exec_ok(c, "BEGIN; SELECT pg_advisory_xact_lock(hashtext('" DECISION_STORE_TABLE "'));"
                    "CREATE TABLE IF NOT EXISTS " DECISION_STORE_TABLE "_schema (version integer "
                    "NOT NULL)", "schema lock"))
        goto fail;
    res = PQexec(c, "SELECT coalesce(max(version), 0) FROM " DECISION_STORE_TABLE "_schema");
    ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
         lw_parse_i64(PQgetvalue(res, 0, 0), 0, 1000000, &have) == 0;
    PQclear(res);
    if (!ok)
        goto fail;
    for (int v = (int)have; v < NMIGRATIONS; v++)
        if (!exec_ok(c, migrations[v], "migration"))
            goto fail;
    snprintf(sql, sizeof sql, "%d", NMIGRATIONS);
    if (have < NMIGRATIONS) {
        char upd[160];
        snprintf(upd, sizeof upd, "DELETE FROM " DECISION_STORE_TABLE "_schema; INSERT INTO "
                 DECISION_STORE_TABLE "_schema VALUES (%s)", sql);
        if (!exec_ok(c, upd, "schema version"))
            goto fail;
        LW_INFO("decision_store", "migrated", "from=%lld to=%d", (long long)have, NMIGRATIONS);
    }
    return exec_ok(c, "COMMIT", "schema commit");
fail:
    exec_ok(c, "ROLLBACK", "schema rollback");
    return false;
}

static void disconnect(struct decision_store *s)
{
    pthread_mutex_lock(&s->mu);
    s->conn_fd = -1;
    pthread_mutex_unlock(&s->mu);
    if (s->conn)
        PQfinish(s->conn);
    s->conn = NULL;
    lw_gauge_set(s->up, 0);
}

static bool connect_store(struct decision_store *s)
{
    /* Defaults first: with expand_dbname the DSN's own settings override them. */
    const char *const keys[] = {"connect_timeout", "application_name", "keepalives_idle",
                                "dbname", NULL};
    const char *const vals[] = {"5", "lakeward-decision-store", "30", s->dsn, NULL};
    char why[256];
    s->conn = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        /* One line when the store goes away, not one per retry. */
        if (!s->failing)
            LW_WARN("decision_store", "connect_failed", "error=\"%s\" retry=\"every %d..%d ms\"",
                    log_safe(why, sizeof why, PQerrorMessage(s->conn)), RECONNECT_MIN_MS,
                    RECONNECT_MAX_MS);
        s->failing = true;
        disconnect(s);
        return false;
    }
    s->failing = false;
    /* A statement that hangs (a locked table, a stuck server) must not hold the queue for
     * ever: the batch fails and is retried. */
    if (!exec_ok(s->conn, "SET statement_timeout = '30s'", "statement_timeout") ||
        !migrate(s->conn)) {
        disconnect(s);
        return false;
    }
    pthread_mutex_lock(&s->mu);
    s->conn_fd = PQsocket(s->conn);
    pthread_mutex_unlock(&s->mu);
    LW_INFO("decision_store", "connected", "host=%s db=%s replica=%s", PQhost(s->conn),
            PQdb(s->conn), s->replica);
    lw_gauge_set(s->up, 1);
    return true;
}

static bool copy_batch(struct decision_store *s)
{
    struct lw_buf b;
    PGresult *res;
    bool ok;

    lw_buf_init(&b, COPY_MAX_BYTES);
    for (int i = 0; i < s->nbatch; i++)
        put_row(&b, s->replica, &s->batch[i].sum);
    if (b.failed) {     /* cannot happen below the bound; drop the batch rather than loop */
        LW_WARN("decision_store", "batch_too_large", "records=%d", s->nbatch);
        lw_buf_free(&b);
        return true;
    }
    res = PQexec(s->conn, "COPY " DECISION_STORE_TABLE " (time, replica, decision_id, query_id,"
                          " user_name, operation, endpoint, allowed, items, allowed_items,"
                          " lakekeeper_calls, cache_hits, latency_ms, record) FROM STDIN");
    ok = PQresultStatus(res) == PGRES_COPY_IN;
    PQclear(res);
    if (ok)
        ok = PQputCopyData(s->conn, b.data, (int)b.len) == 1 && PQputCopyEnd(s->conn, NULL) == 1;
    lw_buf_free(&b);
    while ((res = PQgetResult(s->conn))) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            char why[256];
            if (ok)
                LW_WARN("decision_store", "copy_failed", "records=%d error=\"%s\"", s->nbatch,
                        log_safe(why, sizeof why, PQresultErrorMessage(res)));
            ok = false;
        }
        PQclear(res);
    }
    return ok && PQstatus(s->conn) == CONNECTION_OK;
}

static void retention(struct decision_store *s)
{
    char sql[200];
    int64_t now = lw_wall_ms();
    if (!s->retention_days || now < s->next_retention_ms)
        return;
    s->next_retention_ms = now + RETENTION_EVERY_MS;
    snprintf(sql, sizeof sql, "DELETE FROM " DECISION_STORE_TABLE " WHERE time < now() - "
             "make_interval(days => %d)", s->retention_days);
    exec_ok(s->conn, sql, "retention");
}

/* Moves up to batch_max queued records into the writer's batch (which may hold a batch being
 * retried). Called with s->mu held. */
static void take_batch(struct decision_store *s)
{
    while (s->nbatch < s->batch_max && s->count > 0) {
        s->batch[s->nbatch++] = s->ring[s->head];
        s->ring[s->head].sum.json = NULL;
        s->head = (s->head + 1) % s->queue_max;
        s->count--;
    }
}

/* Connects (with a growing pause between attempts), then moves batches from the queue to
 * PostgreSQL. Records are taken out of the queue only while connected, so during an outage
 * the queue, not the writer, holds them: at most queue_max records plus one batch that was
 * in flight when the store went away. */
static void *writer(void *arg)
{
    struct decision_store *s = arg;
    int64_t backoff = RECONNECT_MIN_MS;
    bool stopping;

    for (;;) {
        uint64_t resumed = 0;
        if (!s->conn && !connect_store(s)) {
            pthread_mutex_lock(&s->mu);
            stopping = s->stop;
            if (!stopping)
                lw_cond_wait_ms(&s->cv, &s->mu, backoff);
            pthread_mutex_unlock(&s->mu);
            if (stopping)
                break;
            backoff = backoff * 2 > RECONNECT_MAX_MS ? RECONNECT_MAX_MS : backoff * 2;
            continue;
        }
        backoff = RECONNECT_MIN_MS;
        pthread_mutex_lock(&s->mu);
        if (s->nbatch == 0 && s->count < s->batch_max && !s->stop)
            lw_cond_wait_ms(&s->cv, &s->mu, IDLE_WAIT_MS);
        stopping = s->stop;
        take_batch(s);
        pthread_mutex_unlock(&s->mu);
        if (s->nbatch > 0) {
            if (!copy_batch(s)) {
                disconnect(s);          /* reconnect, then retry the same batch */
                if (stopping)
                    break;
                continue;
            }
            lw_counter_add(s->written, (uint64_t)s->nbatch);
            for (int i = 0; i < s->nbatch; i++)
                rec_free(&s->batch[i]);
            pthread_mutex_lock(&s->mu);
            s->nbatch = 0;
            lw_gauge_set(s->queued, (uint64_t)s->count);
            if (s->dropping && s->count < s->queue_max) {
                resumed = s->burst_dropped;
                s->dropping = false;
                s->burst_dropped = 0;
            }
            pthread_mutex_unlock(&s->mu);
            if (resumed)
                LW_INFO("decision_store", "resumed", "dropped=%llu", (unsigned long long)resumed);
        }
        retention(s);
        if (stopping) {
            pthread_mutex_lock(&s->mu);
            bool more = s->count > 0;
            pthread_mutex_unlock(&s->mu);
            if (!more)
                break;
        }
    }
    disconnect(s);
    pthread_mutex_lock(&s->mu);
    s->done = true;
    pthread_cond_broadcast(&s->done_cv);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

void decision_store_stats(struct decision_store *s, struct decision_store_stats *out)
{
    out->written = atomic_load(&s->written->value);
    out->dropped = atomic_load(&s->dropped->value);
    out->queued = atomic_load(&s->queued->value);
    out->connected = atomic_load(&s->up->value) != 0;
}

void decision_store_stop(struct decision_store *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_signal(&s->cv);
    /* A store that hangs (a frozen server still ACKs TCP) would block the last flush for
     * ever: past the bound, the socket is shut down under the writer, whose call fails. */
    if (s->started && !s->done)
        lw_cond_wait_ms(&s->done_cv, &s->mu, STOP_FLUSH_MS);
    if (s->started && !s->done && s->conn_fd >= 0) {
        LW_WARN("decision_store", "stop_abandoned", "queued=%d reason=\"the store did not "
                "answer within %d ms\"", s->count + s->nbatch, STOP_FLUSH_MS);
        shutdown(s->conn_fd, SHUT_RDWR);
    }
    pthread_mutex_unlock(&s->mu);
    if (s->started)
        pthread_join(s->thread, NULL);
    for (int i = 0; i < s->count; i++)
        rec_free(&s->ring[(s->head + i) % s->queue_max]);
    for (int i = 0; i < s->nbatch; i++)
        rec_free(&s->batch[i]);
    pthread_cond_destroy(&s->cv);
    pthread_cond_destroy(&s->done_cv);
    pthread_mutex_destroy(&s->mu);
    lw_free(s->ring);
    lw_free(s->batch);
    lw_free(s->dsn);
    lw_free(s);
}
