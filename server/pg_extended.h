/* pg_extended.h -- the extended query protocol's state of one session (pg_extended.c):
 * named and unnamed prepared statements and portals, and the messages that use them.
 * pg_session.c owns it, creates it at startup and hands it the messages of types
 * P B D E C S H. */
#ifndef PG_EXTENDED_H
#define PG_EXTENDED_H

#include "../sql/sql_error.h"

struct pg_ext;
struct pg_sess;

/* pg_ext_message handles s->msg of type P B D E C S H and returns 0, or -1 to close.
 * close_portals: at a transaction's end; close_statements: DISCARD ALL and DEALLOCATE ALL;
 * drop_unnamed: a simple Query ends the unnamed statement; deallocate: DEALLOCATE name
 * (NULL: all), 26000 when unknown. */
struct pg_ext *pg_ext_new(void);
void pg_ext_free(struct pg_ext *x);
int pg_ext_message(struct pg_sess *s, char type);
void pg_ext_close_portals(struct pg_ext *x);
void pg_ext_close_statements(struct pg_ext *x);
void pg_ext_drop_unnamed(struct pg_ext *x);
int pg_ext_deallocate(struct pg_ext *x, const char *name, struct sql_error *err);

#endif
