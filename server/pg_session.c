/* pg_session.c -- the Postgres-wire conversation of one client (pg_session.h): startup and
 * authentication, ParameterStatus, the simple query protocol over the SQL engine, and the
 * rules for what ends a connection (Terminate, protocol violations, timeouts).
 * Protocol reference: Postgres 15 "Frontend/Backend Protocol"; what psql and psycopg send:
 * shared/reference/pgwire/pgwire-compat.md sections 1-2. */
#include "pg_session.h"

#include "../sql/sql_engine.h"
#include "../sql/sql_value.h"
#include "core/lw_log.h"
#include "pg_wire.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LAKEWARD_DATABASE "lakeward"
#define PG_MAX_COLUMNS 1664         /* Postgres's MaxTupleAttributeNumber */
#define OUT_MAX (16u << 20)         /* bound of buffered output: one row plus a flush chunk */
#define FLUSH_AT (64u << 10)        /* send result rows in chunks of about this size */
#define NAMEDATALEN 64

struct sess {
    const struct pg_session_opts *o;
    struct pg_io io;
    struct lw_buf msg;              /* the message being processed */
    char *user, *database, *app;
    struct sql_session sql;
    char server_version[64];
    char version_text[128];
    int ncols;
    uint32_t oids[PG_MAX_COLUMNS];
    bool ignore_till_sync;          /* after an extended-protocol error: skip until Sync */
    uint64_t nqueries;
};

/* --- sending -------------------------------------------------------------------------- */

static int flush(struct sess *s)
{
    return pg_flush(&s->io, s->o->io_timeout_ms);
}

/* Sends FATAL, flushes, and returns -1 so callers can `return fatal(...)` to close. */
static int fatal(struct sess *s, const char *state, const char *hint, const char *fmt, ...)
    LW_PRINTF(4, 5);

static int fatal(struct sess *s, const char *state, const char *hint, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pg_put_error(&s->io.out, 'E', "FATAL", state, msg, NULL, hint, 0);
    (void)flush(s);
    {
        char qm[300];
        LW_INFO("pg", "fatal", "peer=%s sqlstate=%s msg=\"%s\"", s->o->peer, state,
                lw_log_q(qm, sizeof qm, msg));
    }
    return -1;
}

static int protocol_violation(struct sess *s, const char *fmt, const char *arg)
{
    lw_counter_add(s->o->metrics->protocol_errors, 1);
    return fatal(s, "08P01", NULL, fmt, arg);
}

static void send_error(struct sess *s, const struct sql_error *e)
{
    pg_put_error(&s->io.out, 'E', "ERROR", e->sqlstate, e->msg, e->detail, e->hint, e->position);
}

static void ready_for_query(struct sess *s)
{
    size_t m = pg_msg_begin(&s->io.out, 'Z');
    lw_buf_putc(&s->io.out, sql_session_tx_status(&s->sql));
    pg_msg_end(&s->io.out, m);
}

static void parameter_status(struct sess *s, const char *name, const char *value)
{
    size_t m = pg_msg_begin(&s->io.out, 'S');
    pg_put_cstr(&s->io.out, name);
    pg_put_cstr(&s->io.out, value);
    pg_msg_end(&s->io.out, m);
}

/* --- the result sink: RowDescription, DataRow (text format), CommandComplete ---------- */

static int sink_columns(void *ctx, int n, const struct sql_result_col *cols,
                        struct sql_error *err)
{
    struct sess *s = ctx;
    struct lw_buf *b = &s->io.out;
    size_t mark = b->len, m;
    if (n > PG_MAX_COLUMNS)
        return sql_error_set(err, "54011", "target lists can have at most %d entries",
                             PG_MAX_COLUMNS);
    s->ncols = n;
    m = pg_msg_begin(b, 'T');
    pg_put_i16(b, (int16_t)n);
    for (int i = 0; i < n; i++) {
        s->oids[i] = cols[i].type_oid;
        pg_put_cstr(b, cols[i].name);
        pg_put_i32(b, 0);                       /* table OID: none yet */
        pg_put_i16(b, 0);                       /* column number */
        pg_put_i32(b, (int32_t)cols[i].type_oid);
        pg_put_i16(b, (int16_t)sql_type_len(cols[i].type_oid));
        pg_put_i32(b, -1);                      /* type modifier */
        pg_put_i16(b, 0);                       /* text format */
    }
    pg_msg_end(b, m);
    if (b->failed) {
        pg_msg_abort(b, mark);
        return sql_error_set(err, "54000", "the row description is larger than the output "
                             "bound");
    }
    return 0;
}

static void patch_len(struct lw_buf *b, size_t at, uint32_t v)
{
    if (b->failed)
        return;
    b->data[at] = (char)(v >> 24);
    b->data[at + 1] = (char)(v >> 16);
    b->data[at + 2] = (char)(v >> 8);
    b->data[at + 3] = (char)v;
}

static int sink_row(void *ctx, int n, const struct sql_value *vals, struct sql_error *err)
{
    struct sess *s = ctx;
    struct lw_buf *b = &s->io.out;
    size_t mark = b->len, m = pg_msg_begin(b, 'D');
    LW_ASSERT(n == s->ncols);
    pg_put_i16(b, (int16_t)n);
    for (int i = 0; i < n && !b->failed; i++) {
        size_t at, start;
        if (vals[i].type == SQL_V_NULL) {
            pg_put_i32(b, -1);
            continue;
        }
        at = b->len;
        pg_put_i32(b, 0);
        start = b->len;
        sql_value_text(&vals[i], s->oids[i], b);
        patch_len(b, at, (uint32_t)(b->len - start));
    }
    pg_msg_end(b, m);
    if (b->failed) {
        pg_msg_abort(b, mark);
        return sql_error_set(err, "54000", "a result row is larger than the %u-byte output "
                             "bound", OUT_MAX);
    }
    if (b->len >= FLUSH_AT && flush(s) != 0)
        return sql_error_set(err, "08006", "the client stopped reading");
    return 0;
}

static int sink_complete(void *ctx, const char *tag, struct sql_error *err)
{
    struct sess *s = ctx;
    size_t m = pg_msg_begin(&s->io.out, 'C');
    (void)err;
    pg_put_cstr(&s->io.out, tag);
    pg_msg_end(&s->io.out, m);
    return 0;
}

static int sink_empty(void *ctx, struct sql_error *err)
{
    struct sess *s = ctx;
    size_t m = pg_msg_begin(&s->io.out, 'I');
    (void)err;
    pg_msg_end(&s->io.out, m);
    return 0;
}

/* --- startup -------------------------------------------------------------------------- */

/* Postgres keeps application_name printable ASCII and under NAMEDATALEN bytes. */
static char *clean_app_name(const char *v)
{
    char tmp[NAMEDATALEN];
    size_t i;
    for (i = 0; v[i] && i < NAMEDATALEN - 1; i++)
        tmp[i] = v[i] >= 32 && v[i] <= 126 ? v[i] : '?';
    tmp[i] = '\0';
    return lw_strdup(tmp);
}

static bool is_false(const char *v)
{
    return strcasecmp(v, "false") == 0 || strcasecmp(v, "off") == 0 || strcmp(v, "0") == 0 ||
           strcasecmp(v, "no") == 0;
}

/* Reads the StartupMessage's parameters. Returns 0, or -1 after a FATAL. */
static int read_parameters(struct sess *s, struct pg_rd *rd, int minor)
{
    const char *unknown[16];
    int nunknown = 0, nunknown_total = 0;
    for (;;) {
        const char *name, *value;
        size_t bad;
        if (!pg_get_cstr(rd, &name))
            return protocol_violation(s, "invalid startup packet layout: %s",
                                      "expected terminator as last byte");
        if (!*name)
            break;
        if (!pg_get_cstr(rd, &value))
            return protocol_violation(s, "invalid startup packet layout: %s",
                                      "expected a value after the parameter name");
        if (!pg_utf8_valid(value, strlen(value), &bad))
            return fatal(s, "22021", NULL, "invalid byte sequence for encoding \"UTF8\" in "
                         "startup parameter \"%.60s\"", name);
        if (strcmp(name, "user") == 0) {
            lw_free(s->user);
            s->user = lw_strdup(value);
        } else if (strcmp(name, "database") == 0) {
            lw_free(s->database);
            s->database = lw_strdup(value);
        } else if (strcmp(name, "application_name") == 0) {
            lw_free(s->app);
            s->app = clean_app_name(value);
        } else if (strcmp(name, "replication") == 0 && !is_false(value)) {
            return fatal(s, "0A000", NULL, "replication connections are not supported");
        } else if (strncmp(name, "_pq_.", 5) == 0) {
            if (nunknown < 16)
                unknown[nunknown++] = name;
            nunknown_total++;
        } else {
            /* client_encoding, DateStyle, TimeZone, extra_float_digits, options, ...:
             * accepted; lakeward's values are fixed (UTF8, ISO, UTC). */
            LW_DEBUG("pg", "startup_parameter_ignored", "peer=%s name=%.60s", s->o->peer, name);
        }
        if ((strcmp(name, "user") == 0 && !s->user) ||
            (strcmp(name, "database") == 0 && !s->database) ||
            (strcmp(name, "application_name") == 0 && !s->app))
            return fatal(s, "53200", NULL, "out of memory");
    }
    if (!pg_rd_done(rd))
        return protocol_violation(s, "invalid startup packet layout: %s",
                                  "expected terminator as last byte");
    if (nunknown_total > nunknown)
        return protocol_violation(s, "too many protocol options%s", "");
    if (minor > 0 || nunknown > 0) {
        /* NegotiateProtocolVersion: 3.0, and the options we do not know. */
        size_t m = pg_msg_begin(&s->io.out, 'v');
        pg_put_i32(&s->io.out, 0);
        pg_put_i32(&s->io.out, nunknown);
        for (int i = 0; i < nunknown; i++)
            pg_put_cstr(&s->io.out, unknown[i]);
        pg_msg_end(&s->io.out, m);
    }
    return 0;
}

/* Startup phase up to the first ReadyForQuery. Returns 0 to serve queries, -1 to close. */
static int startup(struct sess *s)
{
    int64_t deadline = lw_mono_us() + (int64_t)s->o->startup_timeout_ms * 1000;
    struct pg_rd rd;
    int32_t code = 0;

    /* At most one GSSENCRequest and one SSLRequest may precede the StartupMessage. */
    for (int round = 0;; round++) {
        int left = (int)((deadline - lw_mono_us()) / 1000);
        enum pg_io_result r = pg_read_startup(&s->io, left > 0 ? left : 0, &s->msg);
        if (r == PG_IO_EOF)
            return -1;  /* e.g. a port probe, or psql asking for a password prompt */
        if (r == PG_IO_TIMEOUT || (r == PG_IO_OK && left <= 0)) {
            LW_INFO("pg", "startup_timeout", "peer=%s", s->o->peer);
            return -1;
        }
        if (r == PG_IO_BAD_LENGTH)
            return protocol_violation(s, "invalid length of startup packet%s", "");
        if (r != PG_IO_OK)
            return -1;
        pg_rd_init(&rd, s->msg.data, s->msg.len);
        if (!pg_get_i32(&rd, &code))
            return protocol_violation(s, "invalid length of startup packet%s", "");
        if ((uint32_t)code == PG_SSL_REQUEST_CODE || (uint32_t)code == PG_GSSENC_REQUEST_CODE) {
            if (round >= 2 || !pg_rd_done(&rd))
                return protocol_violation(s, "unexpected %s", "encryption request");
            if (pg_io_pending(&s->io))
                return protocol_violation(s, "received unencrypted data after %s",
                                          (uint32_t)code == PG_SSL_REQUEST_CODE
                                              ? "SSL request" : "GSSAPI encryption request");
            /* 'N': continue unencrypted. TLS comes with a later version. */
            lw_buf_putc(&s->io.out, 'N');
            if (flush(s) != 0)
                return -1;
            continue;
        }
        if ((uint32_t)code == PG_CANCEL_REQUEST_CODE) {
            /* Queries here are short; there is nothing to cancel. No reply, as in Postgres. */
            LW_DEBUG("pg", "cancel_request_ignored", "peer=%s", s->o->peer);
            return -1;
        }
        break;
    }
    if ((uint32_t)code >> 16 != 3)
        return fatal(s, "0A000", NULL, "unsupported frontend protocol %u.%u: server supports "
                     "3.0 to 3.0", (unsigned)((uint32_t)code >> 16),
                     (unsigned)((uint32_t)code & 0xffff));
    if (read_parameters(s, &rd, (int)((uint32_t)code & 0xffff)) != 0)
        return -1;
    if (s->o->too_many)
        return fatal(s, "53300", NULL, "sorry, too many clients already");
    if (!s->user || !*s->user)
        return fatal(s, "28000", NULL, "no PostgreSQL user name specified in startup packet");
    if (!s->o->trust) {
        /* No cleartext passwords over plain TCP: password methods come together with TLS. */
        lw_counter_add(s->o->metrics->auth_refused, 1);
        return fatal(s, "28000", "This version of lakeward accepts Postgres-wire clients only "
                     "on a loopback listener (--pg-listen 127.0.0.1:PORT), without a password.",
                     "password authentication arrives with TLS");
    }
    if (!s->database || !*s->database) {
        lw_free(s->database);
        s->database = lw_strdup(s->user);
    }
    if (!s->app)
        s->app = lw_strdup("");
    if (!s->database || !s->app)
        return fatal(s, "53200", NULL, "out of memory");
    if (strcmp(s->database, LAKEWARD_DATABASE) != 0)
        return fatal(s, "3D000", "Connect to database \"" LAKEWARD_DATABASE "\".",
                     "database \"%.100s\" does not exist", s->database);

    /* AuthenticationOk, the parameters a PG 15 server reports, BackendKeyData. */
    {
        struct lw_buf *b = &s->io.out;
        size_t m = pg_msg_begin(b, 'R');
        pg_put_i32(b, 0);
        pg_msg_end(b, m);
    }
    parameter_status(s, "application_name", s->app);
    parameter_status(s, "client_encoding", "UTF8");
    parameter_status(s, "DateStyle", "ISO, MDY");
    parameter_status(s, "default_transaction_read_only", "on");
    parameter_status(s, "in_hot_standby", "off");
    parameter_status(s, "integer_datetimes", "on");
    parameter_status(s, "IntervalStyle", "postgres");
    parameter_status(s, "is_superuser", "off");
    parameter_status(s, "server_encoding", "UTF8");
    parameter_status(s, "server_version", s->server_version);
    parameter_status(s, "session_authorization", s->user);
    parameter_status(s, "standard_conforming_strings", "on");
    parameter_status(s, "TimeZone", "UTC");
    {
        size_t m = pg_msg_begin(&s->io.out, 'K');
        pg_put_i32(&s->io.out, s->o->backend_pid);
        pg_put_i32(&s->io.out, s->o->backend_key);
        pg_msg_end(&s->io.out, m);
    }
    return 0;
}

/* --- queries -------------------------------------------------------------------------- */

static int simple_query(struct sess *s)
{
    static const struct sql_sink sink_ops = {NULL, sink_columns, sink_row, sink_complete,
                                             sink_empty};
    struct sql_sink sink = sink_ops;
    struct sql_error err;
    struct pg_rd rd;
    const char *q;
    size_t bad;
    int64_t t0 = lw_mono_us();
    int rc;

    pg_rd_init(&rd, s->msg.data, s->msg.len);
    if (!pg_get_cstr(&rd, &q) || !pg_rd_done(&rd))
        return protocol_violation(s, "invalid message format%s", "");
    s->nqueries++;
    sink.ctx = s;
    if (!pg_utf8_valid(q, strlen(q), &bad)) {
        sql_error_set(&err, "22021", "invalid byte sequence for encoding \"UTF8\": 0x%02x",
                      (unsigned char)q[bad]);
        sql_session_error(&s->sql);
        rc = LW_EINVAL;
    } else {
        memset(&err, 0, sizeof err);
        rc = sql_session_query(&s->sql, q, &sink, &err);
    }
    if (s->io.broken)
        return -1;
    if (rc != 0) {
        lw_counter_add(s->o->metrics->queries_failed, 1);
        send_error(s, &err);
        char qu[160], qm[300];
        LW_DEBUG("pg", "query_failed", "peer=%s user=\"%s\" bytes=%zu sqlstate=%s msg=\"%s\"",
                 s->o->peer, lw_log_q(qu, sizeof qu, s->user), strlen(q), err.sqlstate,
                 lw_log_q(qm, sizeof qm, err.msg));
    } else {
        lw_counter_add(s->o->metrics->queries_ok, 1);
        char qu[160];
        LW_DEBUG("pg", "query", "peer=%s user=\"%s\" bytes=%zu us=%lld", s->o->peer,
                 lw_log_q(qu, sizeof qu, s->user), strlen(q), (long long)(lw_mono_us() - t0));
    }
    ready_for_query(s);
    return flush(s) == 0 ? 0 : -1;
}

/* An extended-protocol message: one error, then skip everything until Sync. */
static void extended_protocol(struct sess *s, char type)
{
    if (s->ignore_till_sync)
        return;
    pg_put_error(&s->io.out, 'E', "ERROR", "0A000",
                 "the extended query protocol is not supported yet",
                 type == 'P' ? "lakeward received a Parse message." : NULL,
                 "Use the simple query protocol: psql does; with psycopg, run queries without "
                 "parameters (prepare_threshold=None) or use psycopg.ClientCursor.", 0);
    sql_session_error(&s->sql);
    lw_counter_add(s->o->metrics->queries_failed, 1);
    s->ignore_till_sync = true;
}

/* Returns 0 to go on reading, -1 to close. */
static int dispatch(struct sess *s, char type)
{
    if (s->ignore_till_sync && type != 'S' && type != 'X')
        return 0;
    switch (type) {
    case 'Q': return simple_query(s);
    case 'X': return -1;
    case 'S':
        s->ignore_till_sync = false;
        ready_for_query(s);
        return flush(s) == 0 ? 0 : -1;
    case 'H': return flush(s) == 0 ? 0 : -1;
    case 'P':
    case 'B':
    case 'D':
    case 'E':
    case 'C':
        extended_protocol(s, type);
        return 0;
    case 'F':
        pg_put_error(&s->io.out, 'E', "ERROR", "0A000",
                     "function calls over the protocol are not supported", NULL, NULL, 0);
        sql_session_error(&s->sql);
        ready_for_query(s);
        return flush(s) == 0 ? 0 : -1;
    case 'd':
    case 'c':
    case 'f':
        return 0;   /* copy messages outside COPY are ignored, as in Postgres */
    default: {
        char t[8];
        snprintf(t, sizeof t, "%d", (unsigned char)type);
        return protocol_violation(s, "invalid frontend message type %s", t);
    }
    }
}

void pg_session_run(const struct pg_session_opts *o)
{
    struct sess *s = lw_calloc(1, sizeof *s);
    struct sql_session_opts so = {0};
    int64_t t0 = lw_mono_us();
    const char *why = "client closed";

    if (!s) {
        LW_ERROR("pg", "out_of_memory", "peer=%s", o->peer);
        return;
    }
    s->o = o;
    pg_io_init(&s->io, o->fd, OUT_MAX);
    lw_buf_init(&s->msg, o->max_message + 1);
    snprintf(s->server_version, sizeof s->server_version, "15.0 (lakeward %.20s)",
             o->lakeward_version);
    snprintf(s->version_text, sizeof s->version_text, "PostgreSQL 15.0 (lakeward %.20s)",
             o->lakeward_version);
    if (startup(s) != 0) {
        why = "startup";
        goto out;
    }
    so.tables = o->tables;
    so.user = s->user;
    so.database = s->database;
    so.version = s->version_text;
    sql_session_init(&s->sql, &so);
    lw_counter_add(o->metrics->sessions, 1);
    {
        char qu[160], qd[160], qa[160];
        LW_INFO("pg", "session_start", "peer=%s user=\"%s\" database=\"%s\" application=\"%s\" pid=%d",
                o->peer, lw_log_q(qu, sizeof qu, s->user), lw_log_q(qd, sizeof qd, s->database),
                lw_log_q(qa, sizeof qa, s->app), (int)o->backend_pid);
    }
    ready_for_query(s);
    if (flush(s) != 0)
        goto out;
    for (;;) {
        char type = 0;
        enum pg_io_result r = pg_read_message(&s->io, o->idle_timeout_ms, o->io_timeout_ms,
                                              o->max_message, &type, &s->msg);
        if (r == PG_IO_EOF || r == PG_IO_ERROR) {
            why = r == PG_IO_EOF ? "client closed without Terminate" : "socket error";
            break;
        }
        if (r == PG_IO_IDLE) {
            fatal(s, "57P05", NULL, "terminating connection due to idle-session timeout");
            why = "idle timeout";
            break;
        }
        if (r == PG_IO_TIMEOUT) {
            lw_counter_add(o->metrics->protocol_errors, 1);
            fatal(s, "08P01", NULL, "incomplete message from client (timed out)");
            why = "message timeout";
            break;
        }
        if (r == PG_IO_BAD_LENGTH) {
            char len[16];
            snprintf(len, sizeof len, "%u", s->io.last_len);
            protocol_violation(s, "invalid message length %s", len);
            why = "bad message length";
            break;
        }
        if (dispatch(s, type) != 0) {
            why = type == 'X' ? "terminate" : "closed by server";
            break;
        }
    }
out:
    {
        char qu[160];
        LW_DEBUG("pg", "session_end", "peer=%s user=\"%s\" queries=%llu ms=%lld reason=\"%s\"",
                 o->peer, lw_log_q(qu, sizeof qu, s->user ? s->user : ""),
                 (unsigned long long)s->nqueries, (long long)((lw_mono_us() - t0) / 1000), why);
    }
    sql_session_free(&s->sql);
    lw_free(s->user);
    lw_free(s->database);
    lw_free(s->app);
    lw_buf_free(&s->msg);
    pg_io_free(&s->io);
    lw_free(s);
}
