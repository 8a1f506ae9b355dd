/* pg_session.c -- the Postgres-wire conversation of one client (pg_session.h): startup,
 * authentication (pg_auth.c), the parameters reported at startup, the simple query
 * protocol over the SQL engine, dispatch of the extended protocol's messages
 * (pg_extended.c), and the rules for what ends a connection (Terminate, protocol
 * violations, timeouts). Answers go out through pg_reply.c.
 * Protocol reference: Postgres 15 "Frontend/Backend Protocol"; what psql and psycopg send:
 * shared/reference/pgwire/pgwire-compat.md sections 1-2. */
#include "pg_session_int.h"

#include "pg_auth.h"
#include "pg_extended.h"
#include "pg_cancel.h"
#include "pg_tls.h"

#include "../sql/sql_value.h"
#include "core/lw_log.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LAKEWARD_DATABASE "lakeward"
#define NAMEDATALEN 64

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
static int read_parameters(struct pg_sess *s, struct pg_rd *rd, int minor)
{
    const char *unknown[16];
    int nunknown = 0, nunknown_total = 0;
    for (;;) {
        const char *name, *value;
        size_t bad;
        if (!pg_get_cstr(rd, &name))
            return pg_sess_protocol_violation(s, "invalid startup packet layout: %s",
                                      "expected terminator as last byte");
        if (!*name)
            break;
        if (!pg_get_cstr(rd, &value))
            return pg_sess_protocol_violation(s, "invalid startup packet layout: %s",
                                      "expected a value after the parameter name");
        if (!pg_utf8_valid(value, strlen(value), &bad))
            return pg_sess_fatal(s, "22021", NULL, "invalid byte sequence for encoding \"UTF8\" in "
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
            return pg_sess_fatal(s, "0A000", NULL, "replication connections are not supported");
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
            return pg_sess_fatal(s, "53200", NULL, "out of memory");
    }
    if (!pg_rd_done(rd))
        return pg_sess_protocol_violation(s, "invalid startup packet layout: %s",
                                  "expected terminator as last byte");
    if (nunknown_total > nunknown)
        return pg_sess_protocol_violation(s, "too many protocol options%s", "");
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
static int startup(struct pg_sess *s)
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
            return pg_sess_protocol_violation(s, "invalid length of startup packet%s", "");
        if (r != PG_IO_OK)
            return -1;
        pg_rd_init(&rd, s->msg.data, s->msg.len);
        if (!pg_get_i32(&rd, &code))
            return pg_sess_protocol_violation(s, "invalid length of startup packet%s", "");
        if ((uint32_t)code == PG_SSL_REQUEST_CODE || (uint32_t)code == PG_GSSENC_REQUEST_CODE) {
            if (round >= 2 || !pg_rd_done(&rd))
                return pg_sess_protocol_violation(s, "unexpected %s", "encryption request");
            if (pg_io_pending(&s->io))
                return pg_sess_protocol_violation(s, "received unencrypted data after %s",
                                          (uint32_t)code == PG_SSL_REQUEST_CODE
                                              ? "SSL request" : "GSSAPI encryption request");
            /* 'S' and the TLS handshake when a certificate is configured and TLS is not on
             * yet; 'N' (continue unencrypted) otherwise, and always for GSSAPI. */
            if ((uint32_t)code == PG_SSL_REQUEST_CODE && s->o->auth && s->o->auth->tls && !s->io.tls) {
                const char *why;
                lw_buf_putc(&s->io.out, 'S');
                if (pg_sess_flush(s) != 0)
                    return -1;
                if (!(s->io.tls = pg_tls_accept(s->o->auth->tls, &s->io.wait, deadline, &why))) {
                    LW_INFO("pg", "tls_failed", "peer=%s reason=\"%s\"", s->o->peer, why);
                    return -1;
                }
                continue;
            }
            lw_buf_putc(&s->io.out, 'N');
            if (pg_sess_flush(s) != 0)
                return -1;
            continue;
        }
        if ((uint32_t)code == PG_CANCEL_REQUEST_CODE) {
            /* Routed to the backend with this pid and key; no reply either way, as in
             * Postgres (pg_cancel.h). */
            int32_t pid = 0, key = 0;
            bool ok = pg_get_i32(&rd, &pid) && pg_get_i32(&rd, &key) && pg_rd_done(&rd) &&
                      pg_cancel_route(s->o->cancel_table, pid, key);
            LW_INFO("pg", "cancel_request", "peer=%s pid=%d matched=%s", s->o->peer, (int)pid,
                    ok ? "yes" : "no");
            return -1;
        }
        break;
    }
    if ((uint32_t)code >> 16 != 3)
        return pg_sess_fatal(s, "0A000", NULL, "unsupported frontend protocol %u.%u: server supports "
                     "3.0 to 3.0", (unsigned)((uint32_t)code >> 16),
                     (unsigned)((uint32_t)code & 0xffff));
    if (read_parameters(s, &rd, (int)((uint32_t)code & 0xffff)) != 0)
        return -1;
    if (s->o->too_many)
        return pg_sess_fatal(s, "53300", NULL, "sorry, too many clients already");
    if (!s->user || !*s->user)
        return pg_sess_fatal(s, "28000", NULL, "no PostgreSQL user name specified in startup packet");
    if (pg_auth_login(s, deadline) != 0)
        return -1;
    if (!s->database || !*s->database) {
        lw_free(s->database);
        s->database = lw_strdup(s->user);
    }
    if (!s->app)
        s->app = lw_strdup("");
    if (!s->database || !s->app)
        return pg_sess_fatal(s, "53200", NULL, "out of memory");
    if (strcmp(s->database, LAKEWARD_DATABASE) != 0)
        return pg_sess_fatal(s, "3D000", "Connect to database \"" LAKEWARD_DATABASE "\".",
                     "database \"%.100s\" does not exist", s->database);

    /* AuthenticationOk, the parameters a PG 15 server reports, BackendKeyData. */
    {
        struct lw_buf *b = &s->io.out;
        size_t m = pg_msg_begin(b, 'R');
        pg_put_i32(b, 0);
        pg_msg_end(b, m);
    }
    pg_sess_parameter_status(s, "application_name", s->app);
    pg_sess_parameter_status(s, "client_encoding", "UTF8");
    pg_sess_parameter_status(s, "DateStyle", "ISO, MDY");
    pg_sess_parameter_status(s, "default_transaction_read_only", "on");
    pg_sess_parameter_status(s, "in_hot_standby", "off");
    pg_sess_parameter_status(s, "integer_datetimes", "on");
    pg_sess_parameter_status(s, "IntervalStyle", "postgres");
    pg_sess_parameter_status(s, "is_superuser", "off");
    pg_sess_parameter_status(s, "server_encoding", "UTF8");
    pg_sess_parameter_status(s, "server_version", s->server_version);
    pg_sess_parameter_status(s, "session_authorization", s->principal);
    pg_sess_parameter_status(s, "standard_conforming_strings", "on");
    pg_sess_parameter_status(s, "TimeZone", "UTC");
    {
        size_t m = pg_msg_begin(&s->io.out, 'K');
        pg_put_i32(&s->io.out, s->o->backend_pid);
        pg_put_i32(&s->io.out, s->o->backend_key);
        pg_msg_end(&s->io.out, m);
    }
    return 0;
}

/* --- queries -------------------------------------------------------------------------- */

static int simple_query(struct pg_sess *s)
{
    struct sql_sink sink;
    struct sql_error err;
    struct pg_rd rd;
    const char *q;
    size_t bad;
    int64_t t0 = pg_sess_log_start();
    int rc;

    pg_rd_init(&rd, s->msg.data, s->msg.len);
    if (!pg_get_cstr(&rd, &q) || !pg_rd_done(&rd))
        return pg_sess_protocol_violation(s, "invalid message format%s", "");
    s->nqueries++;
    pg_ext_drop_unnamed(s->ext);        /* as Postgres: a Query ends the unnamed statement */
    s->rows.describe = true;
    sink = pg_rows_sink(&s->rows);
    if (!pg_utf8_valid(q, strlen(q), &bad)) {
        sql_error_set(&err, "22021", "invalid byte sequence for encoding \"UTF8\": 0x%02x",
                      (unsigned char)q[bad]);
        sql_session_error(&s->sql);
        rc = LW_EINVAL;
    } else {
        memset(&err, 0, sizeof err);
        pg_sess_statement_start(s);
        rc = sql_session_query(&s->sql, q, &sink, &err);
        pg_cancel_statement_end();
    }
    if (s->io.broken)
        return -1;
    if (rc != 0)
        pg_sess_send_error(s, &err);
    pg_sess_log_query(s, rc, &err, strlen(q), t0);
    if (sql_session_tx_status(&s->sql) == 'I')
        pg_ext_close_portals(s->ext);   /* portals end with their transaction */
    pg_sess_end_of_command(s);
    pg_sess_ready_for_query(s);
    return pg_sess_flush(s) == 0 ? 0 : -1;
}

/* Returns 0 to go on reading, -1 to close. */
static int dispatch(struct pg_sess *s, char type)
{
    if (s->ignore_till_sync && type != 'S' && type != 'X')
        return 0;   /* after an error in the extended protocol */
    switch (type) {
    case 'Q': return simple_query(s);
    case 'X': return -1;
    case 'S':
    case 'H':
    case 'P':
    case 'B':
    case 'D':
    case 'E':
    case 'C':
        return pg_ext_message(s, type);
    case 'F':
        pg_put_error(&s->io.out, 'E', "ERROR", "0A000",
                     "function calls over the protocol are not supported", NULL, NULL, 0);
        sql_session_error(&s->sql);
        pg_sess_ready_for_query(s);
        return pg_sess_flush(s) == 0 ? 0 : -1;
    case 'd':
    case 'c':
    case 'f':
        return 0;   /* copy messages outside COPY are ignored, as in Postgres */
    default: {
        char t[8];
        snprintf(t, sizeof t, "%d", (unsigned char)type);
        return pg_sess_protocol_violation(s, "invalid frontend message type %s", t);
    }
    }
}

/* DEALLOCATE [ALL] and DISCARD ALL reach the wire layer's prepared statements here. */
static int deallocate_hook(void *ctx, const char *name, struct sql_error *err)
{
    struct pg_sess *s = ctx;
    return pg_ext_deallocate(s->ext, name, err);
}

void pg_session_run(const struct pg_session_opts *o)
{
    struct pg_sess *s = lw_calloc(1, sizeof *s);
    struct sql_session_opts so = {0};
    int64_t t0 = lw_mono_us();
    const char *why = "client closed";

    if (!s) {
        LW_ERROR("pg", "out_of_memory", "peer=%s", o->peer);
        return;
    }
    s->o = o;
    pg_io_init(&s->io, o->fd, PG_OUT_MAX);
    pg_rows_init(&s->rows, &s->io, o->io_timeout_ms, PG_OUT_MAX);
    s->ext = pg_ext_new();
    lw_buf_init(&s->msg, o->max_message + 1);
    snprintf(s->server_version, sizeof s->server_version, "15.0 (lakeward %.20s)",
             o->lakeward_version);
    snprintf(s->version_text, sizeof s->version_text, "PostgreSQL 15.0 (lakeward %.20s)",
             o->lakeward_version);
    if (!s->ext) {
        LW_ERROR("pg", "out_of_memory", "peer=%s", o->peer);
        goto out;
    }
    if (startup(s) != 0) {
        why = "startup";
        goto out;
    }
    so.tables = o->tables;
    so.user = s->principal;
    so.admin = s->admin;
    so.database = s->database;
    so.version = s->version_text;
    so.hook_ctx = s;
    so.deallocate = deallocate_hook;
    so.cancel = pg_cancel_flag();
    sql_session_init(&s->sql, &so);
    pg_sess_seed_statement_timeout(s);
    {
        struct sql_error err;
        if (sql_settings_set(&s->sql.settings, "application_name", s->app, &err) != 0)
            LW_DEBUG("pg", "application_name_refused", "peer=%s", o->peer);
    }
    pg_sess_report_settings(s, false);          /* startup() reported these */
    lw_counter_add(o->metrics->sessions, 1);
    {
        char qu[160], qd[160], qa[160];
        LW_INFO("pg", "session_start", "peer=%s user=\"%s\" database=\"%s\" application=\"%s\" pid=%d",
                o->peer, lw_log_q(qu, sizeof qu, s->user), lw_log_q(qd, sizeof qd, s->database),
                lw_log_q(qa, sizeof qa, s->app), (int)o->backend_pid);
    }
    pg_sess_ready_for_query(s);
    if (pg_sess_flush(s) != 0)
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
            pg_sess_fatal(s, "57P05", NULL, "terminating connection due to idle-session timeout");
            why = "idle timeout";
            break;
        }
        if (r == PG_IO_TIMEOUT) {
            lw_counter_add(o->metrics->protocol_errors, 1);
            pg_sess_fatal(s, "08P01", NULL, "incomplete message from client (timed out)");
            why = "message timeout";
            break;
        }
        if (r == PG_IO_BAD_LENGTH) {
            char len[16];
            snprintf(len, sizeof len, "%u", s->io.last_len);
            pg_sess_protocol_violation(s, "invalid message length %s", len);
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
    pg_ext_free(s->ext);     /* before the SQL session: its statements belong to it */
    sql_session_free(&s->sql);
    lw_free(s->user);
    lw_free(s->principal);
    pg_tls_free(s->io.tls);
    lw_free(s->database);
    lw_free(s->app);
    lw_buf_free(&s->msg);
    pg_io_free(&s->io);
    lw_free(s);
}
