/* sql_error.h -- an error as the SQL side reports it: SQLSTATE, message, optional detail
 * and hint, and the character position in the query it refers to. The Postgres-wire layer
 * turns it into one ErrorResponse. */
#ifndef SQL_ERROR_H
#define SQL_ERROR_H

#include "../server/core/lw.h"

struct sql_error {
    char sqlstate[6];
    char msg[256];
    char detail[256];
    char hint[256];
    int position;       /* 1-based character position in the query text; 0: none */
};

/* Clears e and sets SQLSTATE and message. Returns LW_EINVAL so callers can `return` it. */
int sql_error_set(struct sql_error *e, const char *sqlstate, const char *fmt, ...) LW_PRINTF(3, 4);
/* Sets e->position from a byte offset into query (parse-tree locations are bytes,
 * Postgres reports characters). A negative offset leaves the position unset. */
void sql_error_at(struct sql_error *e, const char *query, int byte_offset);
/* Translates a module's lw_err into e: its SQLSTATE if set, else one chosen by code. */
int sql_error_from_lw(struct sql_error *e, const struct lw_err *le);

#endif
