/* sql_error.c -- building SQL errors (see sql_error.h). */
#include "sql_error.h"

#include <stdio.h>
#include <string.h>

int sql_error_set(struct sql_error *e, const char *sqlstate, const char *fmt, ...)
{
    va_list ap;
    memset(e, 0, sizeof *e);
    snprintf(e->sqlstate, sizeof e->sqlstate, "%s", sqlstate);
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return LW_EINVAL;
}

void sql_error_at(struct sql_error *e, const char *query, int byte_offset)
{
    int chars = 0;
    if (byte_offset < 0 || !query)
        return;
    for (int i = 0; i < byte_offset && query[i]; i++)
        if (((unsigned char)query[i] & 0xC0) != 0x80)
            chars++;
    e->position = chars + 1;
}

int sql_error_from_lw(struct sql_error *e, const struct lw_err *le)
{
    const char *state = le->sqlstate[0] ? le->sqlstate : NULL;
    if (!state) {
        switch (le->code) {
        case LW_ENOMEM: state = "53200"; break;     /* out_of_memory */
        case LW_EINVAL: state = "22023"; break;     /* invalid_parameter_value */
        case LW_EIO: state = "58000"; break;        /* system_error (upstream) */
        case LW_ETIMEOUT: state = "57014"; break;   /* query_canceled */
        case LW_ENOTFOUND: state = "42704"; break;  /* undefined_object */
        case LW_EAUTH: state = "42501"; break;      /* insufficient_privilege */
        default: state = "XX000"; break;            /* internal_error */
        }
    }
    return sql_error_set(e, state, "%s", le->msg[0] ? le->msg : lw_err_code_name(le->code));
}
