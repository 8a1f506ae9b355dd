/* sql_cursor.c -- DECLARE / FETCH / MOVE / CLOSE over cursors held by the session
 * (sql_cursor.h). DECLARE takes over the statement's bound query (its arena, plan and
 * parameters) without running it; each FETCH resumes it for the rows asked for, through
 * the executor's row-limited execution, so a cursor costs what one suspended portal does. */
#include "sql_cursor.h"

#include "../server/core/lw_arena.h"
#include "sql_bind.h"
#include "sql_exec_int.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* PostgreSQL's DeclareCursorStmt.options bits (parsenodes.h) */
#define CURSOR_OPT_BINARY 0x0001
#define CURSOR_OPT_SCROLL 0x0002
#define CURSOR_OPT_HOLD 0x0020

struct cursor {
    char *name;
    bool hold;                      /* WITH HOLD: outlives its transaction's COMMIT */
    bool held;                      /* committed: a later ROLLBACK does not close it */
    bool failed;                    /* an error stopped it: it cannot run any more */
    bool at_end;                    /* every row has been read */
    int64_t pos;                    /* rows read so far (PostgreSQL's portalPos) */
    int64_t created_us;             /* statement_timestamp() of the DECLARE */
    const char *statement;          /* the DECLARE's query text, in run.arena */
    int ncols;
    struct sql_result_col *cols;    /* in run.arena */
    struct sql_run run;             /* the query, taken over from the DECLARE */
};

struct sql_cursors {
    struct cursor *c[SQL_CURSOR_MAX];
    int n;
};

static int find(const struct sql_session *s, const char *name)
{
    for (int i = 0; s->cursors && name && i < s->cursors->n; i++)
        if (strcmp(s->cursors->c[i]->name, name) == 0)
            return i;
    return -1;
}

/* Closes cursor i; the last one takes its slot (order does not matter). */
static void close_at(struct sql_session *s, int i)
{
    struct sql_cursors *cs = s->cursors;
    struct cursor *c = cs->c[i];
    sql_run_end(&c->run);
    lw_free(c->name);
    lw_free(c);
    cs->c[i] = cs->c[--cs->n];
    cs->c[cs->n] = NULL;
}

static void cursors_end(struct sql_session *s, enum sql_cursor_end how)
{
    struct sql_cursors *cs = s->cursors;
    if (!cs)
        return;
    for (int i = cs->n - 1; i >= 0; i--) {
        struct cursor *c = cs->c[i];
        if (how == SQL_CURSORS_ALL || (how == SQL_CURSORS_COMMIT && !c->hold) ||
            (how == SQL_CURSORS_ROLLBACK && !c->held))
            close_at(s, i);
        else if (how == SQL_CURSORS_COMMIT)
            c->held = true;
    }
    if (cs->n == 0) {
        lw_free(cs);
        s->cursors = NULL;
    }
}

int sql_cursor_columns(struct sql_session *s, const char *name,
                       const struct sql_result_col **cols)
{
    int i = find(s, name);
    *cols = NULL;
    if (i < 0)
        return -1;
    *cols = s->cursors->c[i]->cols;
    return s->cursors->c[i]->ncols;
}

/* pg_cursors' rows: cursors only move forward, and BINARY ones are refused. */
static bool cursor_at(const void *session, int i, struct sql_open_cursor *out)
{
    const struct sql_session *s = session;
    const struct cursor *c;
    if (!s || !s->cursors || i < 0 || i >= s->cursors->n)
        return false;
    c = s->cursors->c[i];
    *out = (struct sql_open_cursor){c->name, c->statement, c->hold, false, false,
                                    c->created_us};
    return true;
}

static int complete(const struct sql_sink *sink, const char *verb, int64_t n,
                    struct sql_error *err)
{
    char tag[48];
    if (n < 0)
        snprintf(tag, sizeof tag, "%s", verb);
    else
        snprintf(tag, sizeof tag, "%s %lld", verb, (long long)n);
    return sink->complete(sink->ctx, tag, err);
}

/* --- DECLARE -------------------------------------------------------------------------- */

static size_t cursors_bytes(const struct sql_session *s)
{
    size_t b = 0;
    for (int i = 0; s->cursors && i < s->cursors->n; i++)
        b += s->cursors->c[i]->run.arena.used;
    return b;
}

static int declare(struct sql_run *r, const struct sql_sink *sink, struct sql_error *err)
{
    struct sql_session *s = r->s;
    const struct sql_bound *bd = &r->bound;
    const char *name = bd->set_name;
    bool hold = (bd->cursor_options & CURSOR_OPT_HOLD) != 0;
    struct cursor *c;
    if (s->tx != 'T' && !hold)
        return sql_error_set(err, "25P01", "DECLARE CURSOR can only be used in transaction "
                             "blocks");
    if (bd->cursor_options & CURSOR_OPT_SCROLL) {
        sql_error_set(err, "0A000", "SCROLL cursors are not supported");
        snprintf(err->hint, sizeof err->hint, "lakeward's cursors move forward only: leave "
                 "SCROLL out or declare NO SCROLL.");
        return LW_EINVAL;
    }
    if (bd->cursor_options & CURSOR_OPT_BINARY)
        return sql_error_set(err, "0A000", "BINARY cursors are not supported");
    if (find(s, name) >= 0)
        return sql_error_set(err, "42P03", "cursor \"%s\" already exists", name);
    if (s->cursors && s->cursors->n >= SQL_CURSOR_MAX)
        return sql_error_set(err, "54000", "too many open cursors in one session (bound %d): "
                             "CLOSE some", SQL_CURSOR_MAX);
    if (cursors_bytes(s) + r->arena.used > s->o.max_query_memory)
        return sql_error_set(err, "53200", "open cursors hold %zu bytes (bound %zu): CLOSE "
                             "some", cursors_bytes(s), s->o.max_query_memory);
    if (!s->cursors && !(s->cursors = lw_calloc(1, sizeof *s->cursors)))
        return sql_error_set(err, "53200", "out of memory");
    /* the text, like the plan, counts against the statement's memory bound */
    if (!(c = lw_calloc(1, sizeof *c)) || !(c->name = lw_strdup(name)) ||
        !(c->cols = lw_arena_alloc(&r->arena, (size_t)(bd->ncols + 1) * sizeof *c->cols)) ||
        !(c->statement = lw_arena_strndup(&r->arena, r->query ? r->query : "",
                                          r->query ? strlen(r->query) : 0))) {
        if (c)
            lw_free(c->name);
        lw_free(c);
        return sql_error_set(err, "53200", "out of memory");
    }
    /* column names may point into the parse tree, which goes when the DECLARE ends */
    for (int i = 0; i < bd->ncols; i++) {
        const char *nm = bd->names[i] ? bd->names[i] : "?column?";
        c->cols[i] = (struct sql_result_col){lw_arena_strndup(&r->arena, nm, strlen(nm)),
                                             bd->types[i]};
        if (!c->cols[i].name) {
            lw_free(c->name);
            lw_free(c);
            return sql_error_set(err, "53200", "out of memory");
        }
    }
    c->ncols = bd->ncols;
    c->hold = hold;
    c->created_us = r->start_us;
    /* The cursor takes the run over: its arena (plan, parameters) now belongs to c, and
     * the statement's run, which ends when the DECLARE does, has nothing left to free.
     * The run has not been opened (x points at nothing yet), so moving it is safe. */
    c->run = *r;
    c->run.bound.kind = SQL_STMT_SELECT;
    c->run.done = false;
    c->run.query = c->statement;        /* the DECLARE's own text goes when it ends */
    r->arena_live = false;
    r->opened = false;
    s->cursors->c[s->cursors->n++] = c;
    return complete(sink, "DECLARE CURSOR", -1, err);
}

/* --- FETCH / MOVE --------------------------------------------------------------------- */

/* Rows of one pull: counted, and passed on to out unless out is NULL (MOVE, skipping). */
struct pull {
    const struct sql_sink *out;
    int64_t n;
};

static int pull_row(void *ctx, int n, const struct sql_value *vals, struct sql_error *err)
{
    struct pull *p = ctx;
    p->n++;
    return p->out ? p->out->row(p->out->ctx, n, vals, err) : 0;
}

/* The executor's own completion ("SELECT n") is not the cursor's tag. */
static int pull_complete(void *ctx, const char *tag, struct sql_error *err)
{
    (void)ctx;
    (void)tag;
    (void)err;
    return 0;
}

/* Reads up to n (> 0) rows of c, to out or nowhere; *got says how many. */
static int pull(struct sql_session *s, struct cursor *c, const struct sql_sink *out, int64_t n,
                int64_t *got, struct sql_error *err)
{
    struct pull p = {out, 0};
    struct sql_sink sink = {.ctx = &p, .row = pull_row, .complete = pull_complete};
    bool suspended = false;
    int rc;
    *got = 0;
    if (c->at_end || n <= 0)
        return 0;
    if (c->run.opened)                  /* this statement's timeout, not the first FETCH's */
        c->run.x.qc.deadline_us = s->deadline_us;
    rc = sql_run_execute(&c->run, &sink, n > LONG_MAX ? LONG_MAX : (long)n, &suspended, err);
    *got = p.n;
    c->pos += p.n;
    if (rc != 0) {
        c->failed = true;
        return rc;
    }
    if (!suspended)
        c->at_end = true;
    return 0;
}

static int backward(struct sql_error *err)
{
    sql_error_set(err, "55000", "cursor can only scan forward");
    snprintf(err->hint, sizeof err->hint, "lakeward's cursors do not move backward.");
    return LW_EINVAL;
}

/* What a FETCH/MOVE asks of a forward-only cursor: skip rows, then take rows (sent to the
 * client by FETCH, counted by MOVE); PostgreSQL's DoPortalRunFetch, without the backward
 * moves, which answer 55000. */
static int fetch(struct sql_run *r, const struct sql_sink *sink, struct sql_error *err)
{
    struct sql_session *s = r->s;
    const struct sql_fetch *f = &r->bound.fetch;
    const char *verb = f->move ? "MOVE" : "FETCH";
    int i = find(s, r->bound.set_name);
    int64_t count = f->count, skip = 0, take, got;
    int dir = f->dir;
    struct cursor *c;
    if (i < 0)
        return sql_error_set(err, "34000", "cursor \"%s\" does not exist", r->bound.set_name);
    c = s->cursors->c[i];
    if (c->failed)
        return sql_error_set(err, "55000", "portal \"%s\" cannot be run", c->name);
    if (dir == SQL_FETCH_FORWARD && count < 0)
        return backward(err);
    if (dir == SQL_FETCH_BACKWARD) {
        if (count != 0)
            return backward(err);
        dir = SQL_FETCH_FORWARD;
    }
    if (dir == SQL_FETCH_ABSOLUTE) {
        /* row count: only a row ahead of the current position can be reached */
        if (count <= c->pos)
            return backward(err);
        skip = count - c->pos - 1;
        take = 1;
    } else if (count == 0) {
        /* FETCH 0 / RELATIVE 0 re-fetch the current row (a step back); MOVE 0 says whether
         * there is one */
        bool on_row = c->pos > 0 && !c->at_end;
        if (f->move)
            return complete(sink, verb, on_row ? 1 : 0, err);
        if (on_row)
            return backward(err);
        return complete(sink, verb, 0, err);
    } else if (dir == SQL_FETCH_RELATIVE) {
        if (count < 0)
            return backward(err);
        skip = count - 1;
        take = 1;
    } else {
        take = count;
    }
    if (pull(s, c, NULL, skip, &got, err) != 0 ||
        pull(s, c, f->move ? NULL : sink, take, &got, err) != 0)
        return LW_EINVAL;
    return complete(sink, verb, got, err);
}

/* --- CLOSE ---------------------------------------------------------------------------- */

static int close_stmt(struct sql_run *r, const struct sql_sink *sink, struct sql_error *err)
{
    struct sql_session *s = r->s;
    int i;
    if (!r->bound.set_name) {
        cursors_end(s, SQL_CURSORS_ALL);
        return complete(sink, "CLOSE CURSOR ALL", -1, err);
    }
    if ((i = find(s, r->bound.set_name)) < 0)
        return sql_error_set(err, "34000", "cursor \"%s\" does not exist", r->bound.set_name);
    close_at(s, i);
    return complete(sink, "CLOSE CURSOR", -1, err);
}

static int cursor_run(struct sql_run *r, const struct sql_sink *sink, struct sql_error *err)
{
    switch (r->bound.kind) {
    case SQL_STMT_DECLARE:
        return declare(r, sink, err);
    case SQL_STMT_FETCH:
        return fetch(r, sink, err);
    case SQL_STMT_CLOSE:
        return close_stmt(r, sink, err);
    default:
        return sql_error_set(err, "XX000", "not a cursor statement");
    }
}

const struct sql_cursor_ops sql_cursor_ops = {
    .columns = sql_cursor_columns,
    .run = cursor_run,
    .end = cursors_end,
    .at = cursor_at,
};
