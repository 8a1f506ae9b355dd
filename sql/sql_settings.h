/* sql_settings.h -- the session's run-time settings (SET/RESET/SHOW, current_setting,
 * set_config): one table of known parameters with PostgreSQL 15's names and defaults,
 * per-session values. Settings that would change how values are printed or compared
 * (DateStyle, TimeZone, IntervalStyle, extra_float_digits, ...) accept only the value
 * lakeward implements, so no output silently differs from what the client asked for.
 * The table also feeds pg_settings (sql_catalog*.c). */
#ifndef SQL_SETTINGS_H
#define SQL_SETTINGS_H

#include "sql_error.h"

#define SQL_SETTING_VALUE_MAX 256

struct sql_setting_def {
    const char *name;           /* as PostgreSQL spells it (SHOW is case-insensitive) */
    const char *boot;           /* default */
    const char *fixed;          /* non-NULL: the only value accepted (case-insensitive) */
    const char *desc;           /* short description (pg_settings.short_desc) */
    bool reported;              /* sent to clients as ParameterStatus */
};

#define SQL_SETTINGS_MAX 32

/* One session's values (held by value in struct sql_session: nothing to free). */
struct sql_settings {
    char value[SQL_SETTINGS_MAX][SQL_SETTING_VALUE_MAX];
    bool set[SQL_SETTINGS_MAX];
    /* The session's defaults where they differ from PostgreSQL's (RESET returns to them):
     * e.g. statement_timeout from the server's configuration. */
    char dflt[SQL_SETTINGS_MAX][SQL_SETTING_VALUE_MAX];
    bool has_dflt[SQL_SETTINGS_MAX];
    unsigned gen;               /* changes with every SET, RESET and default: what was bound
                                 * under other settings may have to be bound again */
};

/* The definitions, for pg_settings and ParameterStatus. */
int sql_settings_defs(const struct sql_setting_def **out);
/* The current value of name, or NULL (42704 in err) when unknown; s NULL: defaults. */
const char *sql_settings_get(const struct sql_settings *s, const char *name, struct sql_error *err);
/* Sets name (value NULL: back to its default). 42704 unknown, 22023 refused value. */
int sql_settings_set(struct sql_settings *s, const char *name, const char *value,
                     struct sql_error *err) LW_MUSTCHECK;
void sql_settings_reset_all(struct sql_settings *s);
/* Makes value the session's default for name (what SHOW answers until a SET, and what
 * RESET returns to); checked as sql_settings_set checks a value. */
int sql_settings_set_default(struct sql_settings *s, const char *name, const char *value,
                             struct sql_error *err) LW_MUSTCHECK;

#endif
