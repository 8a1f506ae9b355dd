/* sql_exec.c -- prepared statements, portals and their execution (sql_exec.h), and the
 * session statements (BEGIN/COMMIT/ROLLBACK, SET/RESET/SHOW, DISCARD, DEALLOCATE). */
#include "sql_exec.h"

#include "../server/core/lw_arena.h"
#include "sql_bind.h"
#include "sql_exec_int.h"
#include "sql_parse.h"
#include "sql_session.h"
#include "sql_settings.h"
#include "sql_type.h"
#include "sql_value.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct sql_stmt {
    struct sql_session *session;
    struct sql_parsed parsed;
    char *text;
    const PgQuery__Node *node;      /* NULL: empty query */
    struct lw_arena arena;
    struct sql_bound bound;
    struct sql_result_col *cols;
    int refs;                       /* the statement and its portals */
};

struct sql_portal {
    struct sql_stmt *st;
    struct sql_run run;
    struct sql_result_col *cols;
};

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static struct sql_result_col *result_cols(struct lw_arena *a, const struct sql_bound *bd)
{
    struct sql_result_col *c = lw_arena_alloc(a, (size_t)(bd->ncols + 1) * sizeof *c);
    if (!c)
        return NULL;
    for (int i = 0; i < bd->ncols; i++)
        c[i] = (struct sql_result_col){bd->names[i], bd->types[i]};
    return c;
}

/* The column SHOW answers in: the setting's name as PostgreSQL spells it. */
static const char *show_name(const struct sql_bound *bd)
{
    const char *name = bd->set_name ? bd->set_name : "?";
    const struct sql_setting_def *defs;
    int n = sql_settings_defs(&defs);
    for (int i = 0; i < n; i++)
        if (strcasecmp(defs[i].name, name) == 0)
            return defs[i].name;
    return name;
}

/* --- running one bound statement ------------------------------------------------------ */

int sql_run_begin(struct sql_run *r, struct sql_session *s, const char *query,
                  const PgQuery__Node *node, int nparams, const uint32_t *ptypes,
                  struct sql_error *err)
{
    struct sql_bind_ctx ctx = {s->o.tables, query, ptypes == NULL, nparams, ptypes};
    memset(r, 0, sizeof *r);
    sql_type_set_reg_tables(s->o.tables);
    r->s = s;
    r->query = query;
    r->start_us = wall_us();
    sql_session_arena_take(s, &r->arena);
    r->arena_live = true;
    if (sql_bind(&ctx, node, &r->arena, &r->bound, err) != 0)
        return LW_EINVAL;
    if (r->bound.kind == SQL_STMT_SHOW) {
        /* one text column named after the setting */
        const char *name = show_name(&r->bound);
        if (strcmp(name, "all") == 0)
            return sql_error_set(err, "0A000", "SHOW ALL is not supported yet; query "
                                 "pg_settings");
        r->show_name = name;
        r->show_col = (struct sql_result_col){name, SQL_OID_TEXT};
        if (!sql_settings_get(&s->settings, name, err))
            return LW_EINVAL;
    }
    if (r->bound.kind == SQL_STMT_FETCH &&
        s->cursor_ops->columns(s, r->bound.set_name, &(const struct sql_result_col *){0}) < 0)
        return sql_error_set(err, "34000", "cursor \"%s\" does not exist", r->bound.set_name);
    return 0;
}

void sql_run_end(struct sql_run *r)
{
    if (r->opened) {
        sql_node_close(r->bound.plan, &r->x);
        sql_op_close_materials(&r->x);
    }
    r->opened = false;
    if (r->arena_live)
        sql_session_arena_give(r->s, &r->arena);
    r->arena_live = false;
}

int sql_run_columns(const struct sql_run *r, const struct sql_result_col **cols,
                    struct sql_result_col *buf_unused)
{
    (void)buf_unused;
    if (r->bound.kind == SQL_STMT_SHOW) {
        *cols = &r->show_col;
        return 1;
    }
    if (r->bound.kind == SQL_STMT_FETCH && !r->bound.fetch.move) {
        int n = r->s->cursor_ops->columns(r->s, r->bound.set_name, cols);
        return n > 0 ? n : 0;
    }
    *cols = r->cols;
    return r->bound.kind == SQL_STMT_SELECT ? r->bound.ncols : 0;
}

static int session_stmt(struct sql_run *r, const struct sql_sink *sink, struct sql_error *err)
{
    struct sql_session *s = r->s;
    const struct sql_bound *bd = &r->bound;
    const char *tag = "SET";
    switch (bd->kind) {
    case SQL_STMT_BEGIN:
        if (s->tx == 'I')
            s->tx_start_us = wall_us();
        s->tx = s->tx == 'I' ? 'T' : s->tx;
        tag = "BEGIN";
        break;
    case SQL_STMT_COMMIT:
        tag = s->tx == 'E' ? "ROLLBACK" : "COMMIT";
        if (s->tx != 'I')
            s->cursor_ops->end(s, s->tx == 'E' ? SQL_CURSORS_ROLLBACK : SQL_CURSORS_COMMIT);
        s->tx = 'I';
        break;
    case SQL_STMT_ROLLBACK:
        tag = "ROLLBACK";
        if (s->tx != 'I')
            s->cursor_ops->end(s, SQL_CURSORS_ROLLBACK);
        s->tx = 'I';
        break;
    case SQL_STMT_SET:
        if (bd->set_local)
            return sql_error_set(err, "0A000", "SET LOCAL is not supported yet");
        if (sql_settings_set(&s->settings, bd->set_name, bd->set_value, err) != 0)
            return LW_EINVAL;
        tag = bd->set_value ? "SET" : "RESET";
        break;
    case SQL_STMT_RESET_ALL:
        sql_settings_reset_all(&s->settings);
        tag = "RESET";
        break;
    case SQL_STMT_SHOW: {
        const char *v = sql_settings_get(&s->settings, r->show_name, err);
        struct sql_value val = {SQL_V_TEXT, {.s = {v, v ? strlen(v) : 0}}};
        if (!v)
            return LW_EINVAL;
        if (sink->row(sink->ctx, 1, &val, err) != 0)
            return LW_EIO;
        tag = "SHOW";
        break;
    }
    case SQL_STMT_DISCARD_ALL:
        if (s->tx != 'I')
            return sql_error_set(err, "25001", "DISCARD ALL cannot run inside a transaction "
                                 "block");
        sql_settings_reset_all(&s->settings);
        s->cursor_ops->end(s, SQL_CURSORS_ALL);
        if (s->o.deallocate && s->o.deallocate(s->o.hook_ctx, NULL, err) != 0)
            return LW_EINVAL;
        tag = "DISCARD ALL";
        break;
    case SQL_STMT_DEALLOCATE:
        if (s->o.deallocate && s->o.deallocate(s->o.hook_ctx, bd->set_name, err) != 0)
            return LW_EINVAL;
        if (!s->o.deallocate && bd->set_name)
            return sql_error_set(err, "26000", "prepared statement \"%s\" does not exist",
                                 bd->set_name);
        tag = bd->set_name ? "DEALLOCATE" : "DEALLOCATE ALL";
        break;
    case SQL_STMT_DECLARE:
    case SQL_STMT_FETCH:
    case SQL_STMT_CLOSE:
        return s->cursor_ops->run(r, sink, err);
    case SQL_STMT_SELECT:
        break;
    }
    return sink->complete(sink->ctx, tag, err);
}

#define SELECT_TAG_MAX 32     /* "SELECT " and the 20 digits of the largest count */

/* The tag "SELECT n" written by hand, not by snprintf: every Execute of a SELECT ends with
 * one, so a prepared statement's round trip should not pay for format parsing. */
static const char *select_tag(char tag[static SELECT_TAG_MAX], unsigned long n)
{
    char digits[24], *d = digits + sizeof digits;
    size_t len;
    do {
        *--d = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    len = (size_t)(digits + sizeof digits - d);
    memcpy(tag, "SELECT ", 7);
    memcpy(tag + 7, d, len);
    tag[7 + len] = '\0';
    return tag;
}

int sql_run_execute(struct sql_run *r, const struct sql_sink *sink, long max_rows,
                    bool *suspended, struct sql_error *err)
{
    struct sql_session *s = r->s;
    const struct sql_bound *bd = &r->bound;
    long sent = 0;
    int rc;
    *suspended = false;
    sql_type_set_reg_tables(s->o.tables);
    if (s->tx == 'E' && bd->kind != SQL_STMT_COMMIT && bd->kind != SQL_STMT_ROLLBACK)
        return sql_error_set(err, "25P02", "current transaction is aborted, commands ignored "
                             "until end of transaction block");
    if (r->done)
        return sql_error_set(err, "55000", "portal has already run to completion");
    if (bd->kind != SQL_STMT_SELECT) {
        r->done = true;
        return session_stmt(r, sink, err);
    }
    if (!r->opened) {
        memset(&r->x, 0, sizeof r->x);
        r->x.arena = &r->arena;
        r->x.err = err;
        r->x.max_rows = s->o.max_rows_buffered;
        r->x.ev.fc.arena = &r->arena;
        r->x.ev.fc.session = s;
        r->x.ev.fc.stmt_start_us = s->tx == 'T' ? s->tx_start_us : wall_us();
        r->x.ev.fc.err = err;
        r->x.ev.params = r->params;
        r->x.ev.nparams = r->nparams;
        r->x.qc.principal = s->o.user;
        r->x.qc.deadline_us = s->deadline_us;
        r->x.qc.admin = s->o.admin;
        r->x.qc.arena = &r->arena;
        r->x.qc.cursor_at = s->cursor_ops ? s->cursor_ops->at : NULL;
        r->x.qc.session = s;
        r->x.ev.fc.qc = &r->x.qc;
        r->x.cancel = s->o.cancel;
        r->opened = true;
        if ((rc = sql_node_open(bd->plan, &r->x)) != 0)
            return LW_EINVAL;
    }
    r->x.err = err;
    r->x.ev.fc.err = err;
    while (max_rows <= 0 || sent < max_rows) {
        rc = sql_node_next(bd->plan, &r->x);
        if (rc < 0)
            return LW_EINVAL;
        if (rc == 0) {
            char tag[SELECT_TAG_MAX];
            sql_node_close(bd->plan, &r->x);
            sql_op_close_materials(&r->x);
            r->opened = false;
            r->done = true;
            /* PostgreSQL counts the rows of this Execute only (after PortalSuspended) */
            return sink->complete(sink->ctx, select_tag(tag, (unsigned long)sent), err);
        }
        if (sink->row(sink->ctx, bd->ncols, bd->plan->row, err) != 0)
            return LW_EIO;
        r->nrows++;
        sent++;
    }
    *suspended = true;
    return 0;
}

/* --- the extended protocol's objects --------------------------------------------------- */

int sql_prepare(struct sql_session *s, const char *text, int nparams, const uint32_t *param_types,
                struct sql_stmt **out, struct sql_error *err)
{
    struct sql_stmt *st = lw_calloc(1, sizeof *st);
    struct sql_bind_ctx ctx = {s->o.tables, NULL, false, nparams, param_types};
    *out = NULL;
    sql_type_set_reg_tables(s->o.tables);
    if (!st)
        return sql_error_set(err, "53200", "out of memory");
    st->session = s;
    st->refs = 1;
    lw_arena_init(&st->arena, s->o.max_query_memory);
    if (!(st->text = lw_strdup(text))) {
        sql_stmt_free(st);
        return sql_error_set(err, "53200", "out of memory");
    }
    if (sql_parse(st->text, &st->parsed, err) != 0) {
        sql_stmt_free(st);
        return LW_EINVAL;
    }
    if (st->parsed.tree->n_stmts > 1) {
        sql_stmt_free(st);
        return sql_error_set(err, "42601", "cannot insert multiple commands into a prepared "
                             "statement");
    }
    if (st->parsed.tree->n_stmts == 1) {
        st->node = st->parsed.tree->stmts[0]->stmt;
        ctx.query = st->text;
        if (sql_bind(&ctx, st->node, &st->arena, &st->bound, err) != 0 ||
            !(st->cols = result_cols(&st->arena, &st->bound))) {
            if (!err->sqlstate[0])
                sql_error_set(err, "53200", "out of memory");
            sql_stmt_free(st);
            return LW_EINVAL;
        }
        /* Describe of a prepared SHOW answers its one text column, as PostgreSQL */
        if (st->bound.kind == SQL_STMT_SHOW)
            st->cols[0] = (struct sql_result_col){show_name(&st->bound), SQL_OID_TEXT};
    }
    *out = st;
    return 0;
}

static void stmt_unref(struct sql_stmt *st)
{
    if (!st || --st->refs > 0)
        return;
    sql_parsed_free(&st->parsed);
    lw_arena_free(&st->arena);
    lw_free(st->text);
    lw_free(st);
}

void sql_stmt_free(struct sql_stmt *st)
{
    stmt_unref(st);
}

int sql_stmt_params(const struct sql_stmt *st, const uint32_t **types)
{
    *types = st->bound.param_types;
    return st->bound.kind == SQL_STMT_SELECT || st->bound.kind == SQL_STMT_DECLARE
               ? st->bound.nparams : 0;
}

int sql_stmt_columns(const struct sql_stmt *st, const struct sql_result_col **cols)
{
    *cols = st->cols;
    if (st->node && st->bound.kind == SQL_STMT_SHOW)
        return 1;
    if (st->node && st->bound.kind == SQL_STMT_FETCH && !st->bound.fetch.move) {
        /* as PostgreSQL: the columns of the cursor open now, if any */
        int n = st->session->cursor_ops->columns(st->session, st->bound.set_name, cols);
        return n > 0 ? n : 0;
    }
    return st->node && st->bound.kind == SQL_STMT_SELECT ? st->bound.ncols : 0;
}

bool sql_stmt_empty(const struct sql_stmt *st)
{
    return st->node == NULL;
}

int sql_portal_bind(struct sql_stmt *st, int nvalues, const char *const *values,
                    const int *lengths, struct sql_portal **out, struct sql_error *err)
{
    struct sql_portal *p;
    const uint32_t *ptypes;
    int np = sql_stmt_params(st, &ptypes);
    *out = NULL;
    if (nvalues != np)
        return sql_error_set(err, "08P01", "bind message supplies %d parameters, but prepared "
                             "statement requires %d", nvalues, np);
    if (!(p = lw_calloc(1, sizeof *p)))
        return sql_error_set(err, "53200", "out of memory");
    p->st = st;
    st->refs++;
    if (st->node) {
        if (sql_run_begin(&p->run, st->session, st->text, st->node, np, ptypes, err) != 0 ||
            !(p->cols = result_cols(&p->run.arena, &p->run.bound))) {
            if (!err->sqlstate[0])
                sql_error_set(err, "53200", "out of memory");
            sql_portal_free(p);
            return LW_EINVAL;
        }
        p->run.cols = p->cols;
        if (np && !(p->run.params = lw_arena_alloc(&p->run.arena, (size_t)np * sizeof *p->run.params))) {
            sql_portal_free(p);
            return sql_error_set(err, "53200", "out of memory");
        }
        for (int i = 0; i < np; i++) {
            memset(&p->run.params[i], 0, sizeof p->run.params[i]);
            if (values[i] && sql_value_parse_in(values[i], (size_t)lengths[i], ptypes[i],
                                                &p->run.arena, &p->run.params[i], err) != 0) {
                sql_portal_free(p);
                return LW_EINVAL;
            }
            if (sql_value_copy(&p->run.arena, &p->run.params[i]) != 0) {
                sql_portal_free(p);
                return sql_error_set(err, "53200", "out of memory");
            }
        }
        p->run.nparams = np;
    }
    *out = p;
    return 0;
}

void sql_portal_free(struct sql_portal *p)
{
    if (!p)
        return;
    if (p->st && p->st->node)
        sql_run_end(&p->run);
    stmt_unref(p->st);
    lw_free(p);
}

int sql_portal_columns(const struct sql_portal *p, const struct sql_result_col **cols)
{
    if (!p->st->node) {
        *cols = NULL;
        return 0;
    }
    return sql_run_columns(&p->run, cols, NULL);
}

int sql_portal_execute(struct sql_portal *p, const struct sql_sink *sink, long max_rows,
                       bool *suspended, struct sql_error *err)
{
    int rc;
    *suspended = false;
    if (!p->st->node)
        return sink->empty(sink->ctx, err);
    rc = sql_run_execute(&p->run, sink, max_rows, suspended, err);
    sql_type_set_reg_tables(NULL);
    if (rc != 0)
        sql_session_error(p->st->session);
    return rc;
}
