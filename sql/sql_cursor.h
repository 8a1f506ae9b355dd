/* sql_cursor.h -- SQL-level cursors of one session: DECLARE name [NO SCROLL] CURSOR
 * [WITH[OUT] HOLD] FOR <select>, FETCH / MOVE [FORWARD n | ALL | NEXT | RELATIVE n |
 * ABSOLUTE n] FROM name, CLOSE name | ALL, as PostgreSQL 15 answers them (psycopg 3's
 * server-side cursors, psql's FETCH_COUNT). A cursor is a bound query held by the session
 * and run a batch of rows at a time; cursors only move forward (SCROLL is refused with
 * 0A000, a backward move answers 55000 as for a NO SCROLL cursor in PostgreSQL). Cursors
 * close at the end of their transaction unless WITH HOLD; their number and memory per
 * session are bounded. The executor reaches this file through sql_session.cursor_ops. */
#ifndef SQL_CURSOR_H
#define SQL_CURSOR_H

#include "sql_session.h"

#define SQL_CURSOR_MAX 100          /* open cursors per session */

/* The table sql_session_init installs (sql_engine.h, struct sql_cursor_ops). */
extern const struct sql_cursor_ops sql_cursor_ops;

/* The columns of the session's cursor name (valid until it closes), or -1 when there is
 * no such cursor: what Describe of a portal by a cursor's name answers, as PostgreSQL's
 * cursors and protocol portals share one namespace. */
int sql_cursor_columns(struct sql_session *s, const char *name,
                       const struct sql_result_col **cols);

#endif
