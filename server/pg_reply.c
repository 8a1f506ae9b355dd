/* pg_reply.c -- what every part of a Postgres-wire session answers the client with
 * (pg_session_int.h): flushing, FATAL and protocol-violation endings, ErrorResponse,
 * ReadyForQuery, ParameterStatus and the reported settings that changed, and the count and
 * log line of each statement's outcome. Startup (pg_session.c), login (pg_auth.c) and the
 * extended protocol (pg_extended.c) all answer through these, so none of them calls into
 * another. */
#include "pg_session_int.h"

#include "core/lw_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int pg_sess_flush(struct pg_sess *s)
{
    return pg_flush(&s->io, s->o->io_timeout_ms);
}

int pg_sess_fatal(struct pg_sess *s, const char *state, const char *hint, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pg_put_error(&s->io.out, 'E', "FATAL", state, msg, NULL, hint, 0);
    (void)pg_sess_flush(s);
    {
        char qm[300];
        LW_INFO("pg", "fatal", "peer=%s sqlstate=%s msg=\"%s\"", s->o->peer, state,
                lw_log_q(qm, sizeof qm, msg));
    }
    return -1;
}

int pg_sess_protocol_violation(struct pg_sess *s, const char *fmt, const char *arg)
{
    lw_counter_add(s->o->metrics->protocol_errors, 1);
    return pg_sess_fatal(s, "08P01", NULL, fmt, arg);
}

void pg_sess_send_error(struct pg_sess *s, const struct sql_error *e)
{
    pg_put_error(&s->io.out, 'E', "ERROR", e->sqlstate, e->msg, e->detail, e->hint, e->position);
}

void pg_sess_ready_for_query(struct pg_sess *s)
{
    size_t m = pg_msg_begin(&s->io.out, 'Z');
    lw_buf_putc(&s->io.out, sql_session_tx_status(&s->sql));
    pg_msg_end(&s->io.out, m);
}

void pg_sess_parameter_status(struct pg_sess *s, const char *name, const char *value)
{
    size_t m = pg_msg_begin(&s->io.out, 'S');
    pg_put_cstr(&s->io.out, name);
    pg_put_cstr(&s->io.out, value);
    pg_msg_end(&s->io.out, m);
}

void pg_sess_report_settings(struct pg_sess *s, bool send)
{
    const struct sql_setting_def *defs;
    int n = sql_settings_defs(&defs);
    if (send && s->reported_gen == s->sql.settings.gen)
        return;
    s->reported_gen = s->sql.settings.gen;
    for (int i = 0; i < n && i < SQL_SETTINGS_MAX; i++) {
        struct sql_error err;
        const char *v;
        if (!defs[i].reported || !(v = sql_settings_get(&s->sql.settings, defs[i].name, &err)))
            continue;
        if (strcmp(v, s->reported[i]) == 0)
            continue;
        snprintf(s->reported[i], sizeof s->reported[i], "%s", v);
        if (send)
            pg_sess_parameter_status(s, defs[i].name, v);
    }
}

void pg_sess_end_of_command(struct pg_sess *s)
{
    pg_sess_report_settings(s, true);
}

void pg_sess_log_query(struct pg_sess *s, int rc, const struct sql_error *err, size_t bytes,
                       int64_t t0)
{
    char qu[160], qm[300];
    if (rc != 0) {
        lw_counter_add(s->o->metrics->queries_failed, 1);
        LW_DEBUG("pg", "query_failed", "peer=%s user=\"%s\" bytes=%zu sqlstate=%s msg=\"%s\"",
                 s->o->peer, lw_log_q(qu, sizeof qu, s->user), bytes, err->sqlstate,
                 lw_log_q(qm, sizeof qm, err->msg));
    } else {
        lw_counter_add(s->o->metrics->queries_ok, 1);
        LW_DEBUG("pg", "query", "peer=%s user=\"%s\" bytes=%zu us=%lld", s->o->peer,
                 lw_log_q(qu, sizeof qu, s->user), bytes, (long long)(lw_mono_us() - t0));
    }
}
