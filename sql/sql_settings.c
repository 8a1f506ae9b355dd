/* sql_settings.c -- per-session settings over one table of definitions (sql_settings.h). */
#include "sql_settings.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct sql_setting_def defs[] = {
    {"application_name", "", NULL, "Sets the application name to be reported.", true},
    {"client_encoding", "UTF8", "UTF8", "Sets the client's character set encoding.", true},
    {"client_min_messages", "notice", NULL, "Sets the message levels sent to the client.", false},
    {"DateStyle", "ISO, MDY", "ISO, MDY", "Sets the display format for date and time values.",
     true},
    {"default_transaction_isolation", "read committed", NULL,
     "Sets the transaction isolation level of each new transaction.", false},
    {"default_transaction_read_only", "on", NULL,
     "Sets the default read-only status of new transactions.", true},
    {"extra_float_digits", "1", "1", "Sets the number of digits displayed for floating-point "
     "values.", false},
    {"integer_datetimes", "on", "on", "Shows whether datetimes are integer based.", true},
    {"IntervalStyle", "postgres", "postgres", "Sets the display format for interval values.",
     true},
    {"is_superuser", "off", "off", "Shows whether the current user is a superuser.", true},
    {"lock_timeout", "0", NULL, "Sets the maximum allowed duration of any wait for a lock.",
     false},
    {"max_identifier_length", "63", "63", "Shows the maximum identifier length.", false},
    {"search_path", "lakeward", NULL, "Sets the schema search order for names that are not "
     "schema-qualified.", false},
    {"server_encoding", "UTF8", "UTF8", "Shows the server (database) character set encoding.",
     true},
    {"server_version", "15.0", "15.0", "Shows the server version.", true},
    {"server_version_num", "150000", "150000", "Shows the server version as an integer.", false},
    {"standard_conforming_strings", "on", "on", "Causes '...' strings to treat backslashes "
     "literally.", true},
    {"statement_timeout", "0", NULL, "Sets the maximum allowed duration of any statement.",
     false},
    {"TimeZone", "UTC", "UTC", "Sets the time zone for displaying and interpreting time "
     "stamps.", true},
    {"transaction_isolation", "read committed", NULL, "Sets the current transaction's isolation "
     "level.", false},
    {"transaction_read_only", "on", "on", "Sets the current transaction's read-only status.",
     false},
    {"idle_in_transaction_session_timeout", "0", NULL, "Sets the maximum allowed idle time "
     "between queries, when in a transaction.", false},
    {"jit", "off", NULL, "Allow JIT compilation.", false},
    {"bytea_output", "hex", "hex", "Sets the output format for bytea.", false},
    {"row_security", "on", NULL, "Enable row security.", false},
};

#define NDEFS ((int)(sizeof defs / sizeof defs[0]))

_Static_assert(NDEFS <= SQL_SETTINGS_MAX, "raise SQL_SETTINGS_MAX");

int sql_settings_defs(const struct sql_setting_def **out)
{
    *out = defs;
    return NDEFS;
}

static int find(const char *name)
{
    for (int i = 0; i < NDEFS; i++)
        if (strcasecmp(defs[i].name, name) == 0)
            return i;
    return -1;
}

const char *sql_settings_get(const struct sql_settings *s, const char *name, struct sql_error *err)
{
    int i = find(name);
    if (i < 0) {
        sql_error_set(err, "42704", "unrecognized configuration parameter \"%s\"", name);
        return NULL;
    }
    if (s && s->set[i])
        return s->value[i];
    return s && s->has_dflt[i] ? s->dflt[i] : defs[i].boot;
}

/* Accepted spellings of the fixed values ("utc", "iso", "Etc/UTC", "UNICODE"...). */
static bool same_value(const struct sql_setting_def *d, const char *v)
{
    static const struct {
        const char *name, *alias;
    } aliases[] = {
        {"TimeZone", "Etc/UTC"}, {"TimeZone", "GMT"}, {"TimeZone", "Z"}, {"TimeZone", "UCT"},
        {"TimeZone", "Etc/UCT"}, {"TimeZone", "Universal"}, {"TimeZone", "Zulu"},
        {"TimeZone", "+00"}, {"TimeZone", "0"}, {"DateStyle", "ISO"}, {"DateStyle", "MDY"},
        {"DateStyle", "ISO,MDY"}, {"client_encoding", "UNICODE"}, {"client_encoding", "utf-8"},
        {"extra_float_digits", "2"}, {"extra_float_digits", "3"},
    };
    if (strcasecmp(d->fixed, v) == 0)
        return true;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i].name, d->name) == 0 && strcasecmp(aliases[i].alias, v) == 0)
            return true;
    return false;
}

int sql_settings_set(struct sql_settings *s, const char *name, const char *value,
                     struct sql_error *err)
{
    int i = find(name);
    if (i < 0)
        return sql_error_set(err, "42704", "unrecognized configuration parameter \"%s\"", name);
    s->gen++;
    if (!value) {
        s->set[i] = false;
        return 0;
    }
    if (defs[i].fixed && !same_value(&defs[i], value)) {
        sql_error_set(err, "22023", "invalid value for parameter \"%s\": \"%s\"", defs[i].name,
                      value);
        snprintf(err->detail, sizeof err->detail, "lakeward supports only %s = '%s'.",
                 defs[i].name, defs[i].fixed);
        return LW_EINVAL;
    }
    if (strlen(value) >= SQL_SETTING_VALUE_MAX)
        return sql_error_set(err, "22023", "value for parameter \"%s\" is too long",
                             defs[i].name);
    /* fixed settings keep the client's spelling (SHOW TimeZone after SET TimeZone =
     * 'Etc/UTC' says Etc/UTC), except DateStyle, which PostgreSQL canonicalises */
    snprintf(s->value[i], sizeof s->value[i], "%s",
             strcmp(defs[i].name, "DateStyle") == 0 ? defs[i].fixed : value);
    s->set[i] = true;
    return 0;
}

void sql_settings_reset_all(struct sql_settings *s)
{
    s->gen++;
    memset(s->set, 0, sizeof s->set);
}

int sql_settings_set_default(struct sql_settings *s, const char *name, const char *value,
                             struct sql_error *err)
{
    int i = find(name);
    if (i < 0)
        return sql_error_set(err, "42704", "unrecognized configuration parameter \"%s\"", name);
    /* checked and stored as a SET would be, then moved to the default slot (which is why
     * a value SET already cannot be under it) */
    if (s->set[i])
        return sql_error_set(err, "55000", "parameter \"%s\" is already set", defs[i].name);
    if (sql_settings_set(s, name, value, err) != 0)
        return LW_EINVAL;
    memcpy(s->dflt[i], s->value[i], sizeof s->dflt[i]);
    s->has_dflt[i] = true;
    s->set[i] = false;
    return 0;
}
