/* sql_session.c -- the calls on a session's state that every layer makes (sql_session.h). */
#include "sql_session.h"

void sql_session_error(struct sql_session *s)
{
    if (s->tx == 'T')
        s->tx = 'E';
}

char sql_session_tx_status(const struct sql_session *s)
{
    return s->tx;
}

void sql_session_arena_take(struct sql_session *s, struct lw_arena *a)
{
    if (s->spare_live) {
        *a = s->spare;
        s->spare_live = false;
    } else {
        lw_arena_init(a, s->o.max_query_memory);
    }
}

void sql_session_arena_give(struct sql_session *s, struct lw_arena *a)
{
    if (s->spare_live) {
        lw_arena_free(a);       /* two statements were live at once: keep one spare only */
        return;
    }
    lw_arena_reset(a);
    s->spare = *a;
    s->spare_live = true;
}
