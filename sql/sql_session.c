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
