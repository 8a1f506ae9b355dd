/* authz_decision_store_sql.c -- lakeward.decisions read from the decision store
 * (authz_decision_store_sql.h): constraints pushed into the SELECT sent to PostgreSQL,
 * rows streamed back through a cursor in batches of FETCH_ROWS (a read-only transaction),
 * one connection per SQL backend. */
#include "authz_decision_store_sql.h"

#include "../server/core/lw_buf.h"
#include "authz_access_sql.h"
#include "decision_store.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAIT_SLICE_MS 100

enum {
    COL_TIME,
    COL_DECISION_ID,
    COL_QUERY_ID,
    COL_USER_NAME,
    COL_OPERATION,
    COL_ENDPOINT,
    COL_ALLOWED,
    COL_ITEMS,
    COL_ALLOWED_ITEMS,
    COL_LAKEKEEPER_CALLS,
    COL_CACHE_HITS,
    COL_LATENCY_MS,
    COL_RECORD,
    COL_REPLICA,
    NCOLS
};

/* Column name, type, and the expression selected for it (time as epoch microseconds, so the
 * engine gets it without parsing PostgreSQL's text form). */
static const struct sql_col cols[NCOLS] = {
    [COL_TIME] = {"time", SQL_OID_TIMESTAMPTZ, SQL_COL_KEY_OPTIONAL},
    [COL_DECISION_ID] = {"decision_id", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [COL_QUERY_ID] = {"query_id", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [COL_USER_NAME] = {"user_name", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [COL_OPERATION] = {"operation", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [COL_ENDPOINT] = {"endpoint", SQL_OID_TEXT, 0},
    [COL_ALLOWED] = {"allowed", SQL_OID_BOOL, SQL_COL_KEY_OPTIONAL},
    [COL_ITEMS] = {"items", SQL_OID_INT4, 0},
    [COL_ALLOWED_ITEMS] = {"allowed_items", SQL_OID_INT4, 0},
    [COL_LAKEKEEPER_CALLS] = {"lakekeeper_calls", SQL_OID_INT4, 0},
    [COL_CACHE_HITS] = {"cache_hits", SQL_OID_INT4, 0},
    [COL_LATENCY_MS] = {"latency_ms", SQL_OID_FLOAT8, 0},
    [COL_RECORD] = {"record", SQL_OID_JSON, 0},
    [COL_REPLICA] = {"replica", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
};

static const char *const select_expr[NCOLS] = {
    [COL_TIME] = "(extract(epoch from time) * 1000000)::int8",
    [COL_DECISION_ID] = "decision_id", [COL_QUERY_ID] = "query_id",
    [COL_USER_NAME] = "user_name", [COL_OPERATION] = "operation", [COL_ENDPOINT] = "endpoint",
    [COL_ALLOWED] = "allowed", [COL_ITEMS] = "items", [COL_ALLOWED_ITEMS] = "allowed_items",
    [COL_LAKEKEEPER_CALLS] = "lakekeeper_calls", [COL_CACHE_HITS] = "cache_hits",
    [COL_LATENCY_MS] = "latency_ms", [COL_RECORD] = "record", [COL_REPLICA] = "replica",
};

/* The constraints sent to PostgreSQL: plan bit k set means pushdown[k] is in the WHERE
 * clause, its value in the next argv slot (slots follow the bits in order). */
static const struct pushdown {
    int column;
    enum sql_op op;
    const char *sql;        /* %d: the parameter number */
} pushdown[] = {
    {COL_TIME, SQL_OP_GE, "time >= $%d::timestamptz"},
    {COL_TIME, SQL_OP_GT, "time > $%d::timestamptz"},
    {COL_TIME, SQL_OP_LE, "time <= $%d::timestamptz"},
    {COL_TIME, SQL_OP_LT, "time < $%d::timestamptz"},
    {COL_TIME, SQL_OP_EQ, "time = $%d::timestamptz"},
    {COL_USER_NAME, SQL_OP_EQ, "user_name = $%d"},
    {COL_USER_NAME, SQL_OP_IN, "user_name = ANY($%d::text[])"},
    {COL_OPERATION, SQL_OP_EQ, "operation = $%d"},
    {COL_OPERATION, SQL_OP_IN, "operation = ANY($%d::text[])"},
    {COL_REPLICA, SQL_OP_EQ, "replica = $%d"},
    {COL_DECISION_ID, SQL_OP_EQ, "decision_id = $%d"},
    {COL_QUERY_ID, SQL_OP_EQ, "query_id = $%d"},
    {COL_QUERY_ID, SQL_OP_IN, "query_id = ANY($%d::text[])"},
    {COL_ALLOWED, SQL_OP_EQ, "allowed = $%d::boolean"},
};
#define NPUSHDOWN ((int)(sizeof pushdown / sizeof pushdown[0]))
#define PLAN_BITS ((1 << NPUSHDOWN) - 1)
/* Bit PLAN_COLS + c: the engine reads column c, so it is selected; the others are not
 * (the engine never looks at them), which keeps the rows PostgreSQL sends and the fields
 * libpq copies for each row small. */
#define PLAN_COLS NPUSHDOWN
#define PLAN_DESC (1 << 29)     /* ORDER BY time DESC */
_Static_assert(NPUSHDOWN + NCOLS <= 29, "plan bits overlap");

static int best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err)
{
    int plan = 0, nargs = 0;
    (void)aux;
    (void)err;
    for (int k = 0; k < NPUSHDOWN; k++) {
        for (int i = 0; i < in->nconstraint; i++) {
            const struct sql_index_constraint *c = &in->constraint[i];
            if (!c->usable || c->column != pushdown[k].column || c->op != pushdown[k].op ||
                out->usage[i].arg_index)
                continue;
            plan |= 1 << k;
            out->usage[i].arg_index = ++nargs;
            out->usage[i].omit = false;     /* cheap to re-check; PostgreSQL's answer is exact */
            break;
        }
    }
    for (int c = 0; c < NCOLS; c++)
        if (in->cols_used & (1ull << c))
            plan |= 1 << (PLAN_COLS + c);
    /* the engine re-checks every constraint (omit is false): their columns are read too */
    for (int i = 0; i < in->nconstraint; i++)
        if (in->constraint[i].column >= 0 && in->constraint[i].column < NCOLS)
            plan |= 1 << (PLAN_COLS + in->constraint[i].column);
    if (in->norderby == 1 && in->orderby[0].column == COL_TIME) {
        out->order_consumed = true;
        if (in->orderby[0].desc)
            plan |= PLAN_DESC;
    }
    out->plan = plan;
    /* One round trip either way; a narrower WHERE reads fewer rows. */
    out->est_rows = 100000.0 / (1 + 4 * nargs);
    out->est_cost = 10 + out->est_rows / 100;
    return 0;
}

/* Whether plan selects column c (time always: next() reads it for every row). Selected
 * columns are sent in table order, so column c is the result's field number
 * (count of selected columns before it). */
static bool selected(int plan, int c)
{
    return c == COL_TIME || (plan & (1 << (PLAN_COLS + c)));
}

/* A text value as a C string in b (the engine's text is not NUL-terminated). */
static void put_value_text(struct lw_buf *b, const struct sql_value *v)
{
    switch (v->type) {
    case SQL_V_TEXT: lw_buf_append(b, v->u.s.p, v->u.s.len); break;
    case SQL_V_BOOL: lw_buf_puts(b, v->u.b ? "true" : "false"); break;
    case SQL_V_INT: lw_buf_printf(b, "%lld", (long long)v->u.i); break;
    case SQL_V_FLOAT: lw_buf_printf(b, "%.17g", v->u.f); break;
    case SQL_V_TIME: {
        int64_t us = v->u.us, secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
        time_t t = (time_t)secs;
        struct tm tm;
        char ts[64];
        gmtime_r(&t, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
        lw_buf_printf(b, "%s.%06lld+00", ts, (long long)(us - secs * 1000000));
        break;
    }
    default: break;
    }
}

/* An IN list as a PostgreSQL array literal: {"a","b"} with " and \ escaped. */
static void put_array_text(struct lw_buf *b, const struct sql_array *a)
{
    lw_buf_putc(b, '{');
    for (int i = 0; a && i < a->n; i++) {
        struct lw_buf e;
        if (a->v[i].type == SQL_V_NULL)
            continue;
        lw_buf_init(&e, 1u << 20);
        put_value_text(&e, &a->v[i]);
        if (b->len > 1 && b->data[b->len - 1] != '{')
            lw_buf_putc(b, ',');
        lw_buf_putc(b, '"');
        for (size_t k = 0; e.data && k < e.len; k++) {
            if (e.data[k] == '"' || e.data[k] == '\\')
                lw_buf_putc(b, '\\');
            lw_buf_putc(b, e.data[k]);
        }
        lw_buf_putc(b, '"');
        lw_buf_free(&e);
    }
    lw_buf_putc(b, '}');
}

void authz_decision_store_sql_free_params(char **params, int nparams)
{
    for (int i = 0; params && i < nparams; i++)
        lw_free(params[i]);
    lw_free(params);
}

/* The SELECT for plan and argv; owner (non-NULL: a non-administrator's Trino user, never
 * "") adds `user_name = owner` as the last parameter (authz_access_sql.h: visibility). */
static int build_query(int plan, int argc, const struct sql_value *argv, const char *owner,
                       char **sql, char ***params, int *nparams, struct lw_err *err)
{
    struct lw_buf q;
    char **p = NULL;
    int n = 0;

    *sql = NULL;
    *params = NULL;
    *nparams = 0;
    lw_buf_init(&q, 64u << 10);
    if (argc + !!owner > 0 && !(p = lw_calloc((size_t)(argc + !!owner), sizeof *p)))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    lw_buf_puts(&q, "SELECT ");
    for (int c = 0, k = 0; c < NCOLS; c++) {
        if (!selected(plan, c))
            continue;
        if (k++)
            lw_buf_puts(&q, ", ");
        lw_buf_puts(&q, select_expr[c]);
    }
    lw_buf_puts(&q, " FROM " DECISION_STORE_TABLE);
    for (int k = 0; k < NPUSHDOWN; k++) {
        struct lw_buf v;
        if (!(plan & PLAN_BITS & (1 << k)))
            continue;
        if (n >= argc) {
            authz_decision_store_sql_free_params(p, n);
            lw_buf_free(&q);
            return lw_err_set(err, LW_EINVAL, "decision store plan wants more arguments");
        }
        lw_buf_puts(&q, n ? " AND " : " WHERE ");
        lw_buf_printf(&q, pushdown[k].sql, n + 1);
        if (argv[n].type != SQL_V_NULL) {       /* NULL: PostgreSQL's NULL, no row matches */
            lw_buf_init(&v, 16u << 20);
            if (argv[n].type == SQL_V_ARRAY)
                put_array_text(&v, argv[n].u.arr);
            else
                put_value_text(&v, &argv[n]);
            if (v.failed) {
                lw_buf_free(&v);
                authz_decision_store_sql_free_params(p, n);
                lw_buf_free(&q);
                return lw_err_set(err, LW_ENOMEM, "decision store query value too large");
            }
            p[n] = lw_buf_take(&v);
            if (!p[n])
                p[n] = lw_strdup("");
        }
        n++;
    }
    if (owner) {
        lw_buf_puts(&q, n ? " AND " : " WHERE ");
        lw_buf_printf(&q, "user_name = $%d", n + 1);
        if (!(p[n++] = lw_strdup(owner))) {
            authz_decision_store_sql_free_params(p, n);
            lw_buf_free(&q);
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        }
    }
    lw_buf_puts(&q, plan & PLAN_DESC ? " ORDER BY time DESC" : " ORDER BY time");
    if (q.failed) {
        authz_decision_store_sql_free_params(p, n);
        lw_buf_free(&q);
        return lw_err_set(err, LW_ENOMEM, "out of memory building the decision store query");
    }
    *sql = lw_buf_take(&q);
    *params = p;
    *nparams = n;
    return 0;
}

int authz_decision_store_sql_build(int plan, int argc, const struct sql_value *argv,
                                   char **sql, char ***params, int *nparams, struct lw_err *err)
{
    return build_query(plan, argc, argv, NULL, sql, params, nparams, err);
}

/* The backend's connection, opened on first use (never in the SQL postmaster, which forks
 * the backends after registration) and reopened after a failure. */
static PGconn *backend_conn;

/* Connecting waits at most 5 s, and less when the statement's deadline comes first
 * (libpq counts connect_timeout in whole seconds, 2 at least); a connection that fails
 * because the deadline passed is the statement's timeout (57014), not the store's fault. */
static PGconn *get_conn(const char *dsn, int64_t deadline_us, struct lw_err *err)
{
    const char *const keys[] = {"connect_timeout", "application_name", "options", "dbname", NULL};
    char secs[24];
    const char *const vals[] = {secs, "lakeward-sql", "-c statement_timeout=300000", dsn, NULL};
    int64_t limit = 5;
    if (backend_conn && PQstatus(backend_conn) == CONNECTION_OK &&
        PQtransactionStatus(backend_conn) == PQTRANS_IDLE)
        return backend_conn;
    if (deadline_us) {
        int64_t left_s = (deadline_us - lw_mono_us() + 999999) / 1000000;
        limit = left_s < 2 ? 2 : left_s < limit ? left_s : limit;
    }
    snprintf(secs, sizeof secs, "%lld", (long long)limit);
    if (backend_conn)
        PQfinish(backend_conn);
    backend_conn = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(backend_conn) != CONNECTION_OK) {
        bool late = deadline_us && lw_mono_us() >= deadline_us;
        if (late)
            lw_err_set(err, LW_EIO, "canceling statement due to statement timeout");
        else
            lw_err_set(err, LW_EIO, "decision store unavailable: %.200s",
                       PQerrorMessage(backend_conn));
        snprintf(err->sqlstate, sizeof err->sqlstate, late ? "57014" : "58000");
        PQfinish(backend_conn);
        backend_conn = NULL;
        return NULL;
    }
    return backend_conn;
}

/* Rows come in batches of a cursor's FETCH (one PGresult per batch: libpq's single-row mode
 * builds a whole result, attributes copied, for every row, which cost more than the rows). */
#define FETCH_ROWS 1000
#define FETCH_SQL "FETCH 1000 FROM lakeward_scan"

struct cursor {
    struct sql_cursor base;
    const struct authz_decision_store_sql *aux;
    PGconn *conn;           /* borrowed backend connection while a query runs; else NULL */
    PGresult *batch;        /* the current FETCH's rows; NULL at the end */
    int pos, nrows;         /* the current row of batch, and how many it has */
    int64_t time_us;
    int64_t deadline_us;    /* the statement's (lw_mono_us), 0: none */
    const char *owner;      /* authz_sql_visible_user: NULL (admin) or the session's user */
    int field[NCOLS];       /* the running query's field number of each column, -1: not sent */
    int nfields;            /* how many it sends */
};

static int open_cursor(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       struct lw_err *err)
{
    struct cursor *c = lw_calloc(1, sizeof *c);
    if (!c)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    c->base.mod = &authz_decision_store_sql_module;
    c->aux = aux;
    c->deadline_us = qc ? qc->deadline_us : 0;
    c->owner = authz_sql_visible_user(qc);
    *cur = &c->base;
    return 0;
}

/* Drops the backend's connection: the cheap way to stop a query whose rows are not wanted
 * (PostgreSQL aborts it when the client goes away), and the only bounded one when the store
 * does not answer (a cancel request would wait for it). The next scan reconnects. */
static void drop_conn(struct cursor *c)
{
    if (backend_conn)
        PQfinish(backend_conn);
    backend_conn = NULL;
    c->conn = NULL;
}

/* Ends the running query. abandon: rows may be left, so the connection goes; otherwise the
 * command has ended and what remains is read (a connection left inside a transaction is
 * replaced by get_conn). */
static void finish_query(struct cursor *c, bool abandon)
{
    PGresult *r;
    PQclear(c->batch);
    c->batch = NULL;
    c->pos = c->nrows = 0;
    if (!c->conn)
        return;
    if (abandon) {
        drop_conn(c);
        return;
    }
    while ((r = PQgetResult(c->conn)))
        PQclear(r);
    c->conn = NULL;
}

/* Why wait_result gave up. */
enum { WAIT_OK, WAIT_FAILED, WAIT_DEADLINE, WAIT_SILENT };

/* The next result, waited for in poll() slices rather than inside libpq, so that a store that
 * stops answering (a stuck server still holds the TCP connection open) ends the scan after
 * the store's silence bound, and the statement's deadline (qc) is honoured. */
static PGresult *wait_result(struct cursor *c, int *why)
{
    int64_t last = lw_mono_us();
    *why = WAIT_OK;
    while (PQisBusy(c->conn)) {
        struct pollfd p = {PQsocket(c->conn), POLLIN, 0};
        int r = poll(&p, 1, WAIT_SLICE_MS);
        int64_t now = lw_mono_us();
        if (r < 0 && errno != EINTR) {
            *why = WAIT_FAILED;
            return NULL;
        }
        if (r > 0) {
            if (!PQconsumeInput(c->conn)) {
                *why = WAIT_FAILED;
                return NULL;
            }
            last = now;
            continue;
        }
        if (c->deadline_us && now > c->deadline_us) {
            *why = WAIT_DEADLINE;
            return NULL;
        }
        if (now - last > c->aux->timeout_ms * 1000) {
            *why = WAIT_SILENT;
            return NULL;
        }
    }
    return PQgetResult(c->conn);
}

static int result_error(struct cursor *c, PGresult *r, struct lw_err *err)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    int rc = lw_err_set(err, LW_EIO, "decision store query failed: %.200s",
                        r ? PQresultErrorMessage(r) : PQerrorMessage(c->conn));
    snprintf(err->sqlstate, sizeof err->sqlstate, "%s", state && strlen(state) == 5 ? state :
             "58000");
    PQclear(r);
    finish_query(c, !state);        /* no SQLSTATE: the connection itself failed */
    return rc;
}

/* The statement's deadline passed (57014) or the store fell silent (58000): the connection
 * is dropped, the only bounded way out. */
static int wait_error(struct cursor *c, int why, struct lw_err *err)
{
    if (why == WAIT_FAILED)
        return result_error(c, NULL, err);
    drop_conn(c);
    if (why == WAIT_DEADLINE)
        lw_err_set(err, LW_ETIMEOUT, "canceling statement due to statement timeout");
    else
        lw_err_set(err, LW_ETIMEOUT, "decision store did not answer within %lld ms",
                   (long long)c->aux->timeout_ms);
    snprintf(err->sqlstate, sizeof err->sqlstate, why == WAIT_DEADLINE ? "57014" : "58000");
    return err->code;
}

/* Waits for the command just sent (sent: its send call's result) to end with status want:
 * returns its result (the caller clears it), or NULL with err filled and the query ended. */
static PGresult *command(struct cursor *c, int sent, ExecStatusType want, struct lw_err *err)
{
    PGresult *r, *end;
    int why;
    if (!sent)
        return result_error(c, NULL, err), NULL;
    if (!(r = wait_result(c, &why)))
        return why != WAIT_OK ? wait_error(c, why, err) : result_error(c, NULL, err), NULL;
    if (PQresultStatus(r) != want)
        return result_error(c, r, err), NULL;
    end = wait_result(c, &why);     /* NULL: the command is over */
    if (why != WAIT_OK || end) {
        PQclear(r);
        PQclear(end);
        return why != WAIT_OK ? wait_error(c, why, err) : result_error(c, NULL, err), NULL;
    }
    return r;
}

/* Makes the batch's current row the cursor's row: its time read once for column(). */
static int load_row(struct cursor *c, struct lw_err *err)
{
    if (PQnfields(c->batch) != c->nfields ||
        lw_parse_i64(PQgetvalue(c->batch, c->pos, c->field[COL_TIME]), INT64_MIN, INT64_MAX,
                     &c->time_us) != 0)
        return result_error(c, NULL, err);
    return 0;
}

/* The end of the rows: the transaction is committed and the connection left idle for the
 * backend's next statement. */
static int end_scan(struct cursor *c, struct lw_err *err)
{
    PGresult *r = command(c, PQsendQuery(c->conn, "COMMIT"), PGRES_COMMAND_OK, err);
    if (!r)
        return err->code;
    PQclear(r);
    c->conn = NULL;
    return 0;
}

/* The next batch, its first row current; none left ends the scan. */
static int fetch(struct cursor *c, struct lw_err *err)
{
    PGresult *r;
    PQclear(c->batch);
    c->batch = NULL;
    c->pos = c->nrows = 0;
    if (!(r = command(c, PQsendQuery(c->conn, FETCH_SQL), PGRES_TUPLES_OK, err)))
        return err->code;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return end_scan(c, err);
    }
    c->batch = r;
    c->nrows = PQntuples(r);
    return load_row(c, err);
}

static int next(struct sql_cursor *cur, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    if (!c->batch)
        return 0;
    if (++c->pos < c->nrows)
        return load_row(c, err);
    if (c->nrows < FETCH_ROWS) {    /* a short batch was the last: no FETCH to learn that */
        PQclear(c->batch);
        c->batch = NULL;
        c->pos = c->nrows = 0;
        return end_scan(c, err);
    }
    return fetch(c, err);
}

static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    char *sql, **params;
    struct lw_buf decl;
    int nparams, rc;
    PGconn *conn;
    PGresult *r;

    finish_query(c, true);
    if (c->owner && !*c->owner)     /* a session that matches no Trino user sees nothing */
        return 0;
    if ((rc = build_query(plan, argc, argv, c->owner, &sql, &params, &nparams, err)))
        return rc;
    c->nfields = 0;
    for (int col = 0; col < NCOLS; col++)
        c->field[col] = selected(plan, col) ? c->nfields++ : -1;
    lw_buf_init(&decl, 128u << 10);
    lw_buf_puts(&decl, "DECLARE lakeward_scan NO SCROLL CURSOR FOR ");
    lw_buf_puts(&decl, sql);
    lw_free(sql);
    if (decl.failed || !(conn = get_conn(c->aux->dsn, c->deadline_us, err))) {
        rc = decl.failed ? lw_err_set(err, LW_ENOMEM, "out of memory") : err->code;
        lw_buf_free(&decl);
        authz_decision_store_sql_free_params(params, nparams);
        return rc;
    }
    c->conn = conn;
    r = command(c, PQsendQuery(conn, "BEGIN READ ONLY"), PGRES_COMMAND_OK, err);
    PQclear(r);
    if (r)
        r = command(c, PQsendQueryParams(conn, decl.data, nparams, NULL,
                                         (const char *const *)params, NULL, NULL, 0),
                    PGRES_COMMAND_OK, err);
    PQclear(r);
    lw_buf_free(&decl);
    authz_decision_store_sql_free_params(params, nparams);
    if (!r)
        return err->code;
    return fetch(c, err);
}

static bool eof(struct sql_cursor *cur)
{
    return ((struct cursor *)cur)->batch == NULL;
}

static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const char *s;
    int64_t i;
    int f;
    if (col < 0 || col >= NCOLS)
        return lw_err_set(err, LW_EINVAL, "no column %d in lakeward.decisions", col);
    f = c->field[col];
    if (f < 0 || PQgetisnull(c->batch, c->pos, f)) {     /* not sent: the engine does not read it */
        v->type = SQL_V_NULL;
        return 0;
    }
    s = PQgetvalue(c->batch, c->pos, f);
    switch (cols[col].type_oid) {
    case SQL_OID_TIMESTAMPTZ:
        v->type = SQL_V_TIME;
        v->u.us = c->time_us;
        return 0;
    case SQL_OID_BOOL:
        v->type = SQL_V_BOOL;
        v->u.b = s[0] == 't';
        return 0;
    case SQL_OID_INT4:
        if (lw_parse_i64(s, INT32_MIN, INT32_MAX, &i) != 0)
            return lw_err_set(err, LW_EIO, "decision store sent '%.40s' for an integer", s);
        v->type = SQL_V_INT;
        v->u.i = i;
        return 0;
    case SQL_OID_FLOAT8: {
        char *end;
        v->type = SQL_V_FLOAT;
        v->u.f = strtod(s, &end);
        if (end == s || *end)
            return lw_err_set(err, LW_EIO, "decision store sent '%.40s' for a number", s);
        return 0;
    }
    default:
        v->type = SQL_V_TEXT;
        v->u.s.p = s;
        v->u.s.len = (size_t)PQgetlength(c->batch, c->pos, f);
        return 0;
    }
}

static void close_cursor(struct sql_cursor *cur)
{
    struct cursor *c = (struct cursor *)cur;
    if (!c)
        return;
    finish_query(c, true);
    lw_free(c);
}

const struct sql_vtab_module authz_decision_store_sql_module = {
    .name = "decisions",
    .cols = cols,
    .ncols = NCOLS,
    .best_index = best_index,
    .open = open_cursor,
    .filter = filter,
    .next = next,
    .eof = eof,
    .column = column,
    .close = close_cursor,
};
