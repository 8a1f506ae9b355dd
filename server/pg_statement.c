/* pg_statement.c -- statement_timeout in a Postgres-wire session (pg_session_int.h): the
 * value in force, read from the session's settings in PostgreSQL's units only when a
 * setting changed; the default seeded from the configuration; and the start of each
 * statement, which sets the engine's deadline and the cancel timer (pg_cancel.h). */
#include "pg_session_int.h"

#include "pg_cancel.h"

#include "core/lw_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

/* statement_timeout's units as PostgreSQL reads and prints them (none means ms). */
static const struct {
    const char *unit;
    int64_t ms;
} timeout_units[] = {{"", 1}, {"ms", 1}, {"s", 1000}, {"min", 60000}, {"h", 3600000},
                     {"d", 86400000}};
#define NTIMEOUT_UNITS (sizeof timeout_units / sizeof timeout_units[0])

/* The statement_timeout in force: the session's SET value, else its default, which
 * session_run seeds from the configuration (pg_statement_timeout_ms). */
static int64_t statement_timeout_of(struct pg_sess *s)
{
    struct sql_error err;
    const char *val = sql_settings_get(&s->sql.settings, "statement_timeout", &err);
    char *end;
    long long v;
    if (!val)
        return s->o->statement_timeout_ms;
    v = strtoll(val, &end, 10);
    while (*end == ' ')
        end++;
    for (size_t u = 0; u < NTIMEOUT_UNITS; u++)
        if (v >= 0 && strcasecmp(end, timeout_units[u].unit) == 0)
            return v > INT64_MAX / timeout_units[u].ms ? INT64_MAX / 1000
                                                       : v * timeout_units[u].ms;
    return s->o->statement_timeout_ms;
}

int64_t pg_sess_statement_timeout(struct pg_sess *s)
{
    /* computed again only when a setting changed */
    if (!s->timeout_known || s->timeout_gen != s->sql.settings.gen) {
        s->timeout_ms = statement_timeout_of(s);
        /* PostgreSQL's bound of a time setting (INT_MAX ms); deadlines stay far from
         * overflowing */
        if (s->timeout_ms > INT32_MAX)
            s->timeout_ms = INT32_MAX;
        s->timeout_gen = s->sql.settings.gen;
        s->timeout_known = true;
    }
    return s->timeout_ms;
}

/* Seeds the session's statement_timeout default from the configuration, printed as
 * PostgreSQL prints a time setting: in the largest unit that divides it ("5min", "0"). */
void pg_sess_seed_statement_timeout(struct pg_sess *s)
{
    struct sql_error err;
    char v[32];
    int64_t ms = s->o->statement_timeout_ms > 0 ? s->o->statement_timeout_ms : 0;
    size_t u = 1;
    for (size_t i = 2; i < NTIMEOUT_UNITS && ms; i++)
        if (ms % timeout_units[i].ms == 0)
            u = i;
    snprintf(v, sizeof v, "%lld%s", (long long)(ms / timeout_units[u].ms),
             ms ? timeout_units[u].unit : "");
    if (sql_settings_set_default(&s->sql.settings, "statement_timeout", v, &err) != 0)
        LW_DEBUG("pg", "statement_timeout_default_refused", "peer=%s", s->o->peer);
}

/* A statement begins: its statement_timeout is armed (a signal stops row-at-a-time work)
 * and handed to the engine as a deadline, which tables waiting on an upstream (OpenFGA,
 * the decision store) read from their query context to stop waiting in time. */
void pg_sess_statement_start(struct pg_sess *s)
{
    int64_t t = pg_sess_statement_timeout(s);
    s->sql.deadline_us = t > 0 ? lw_mono_us() + t * 1000 : 0;
    pg_cancel_statement_start(s->sql.deadline_us);
}
