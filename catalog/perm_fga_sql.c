/* perm_fga_sql.c -- lakeward.fga_tuples and lakeward.fga_changes (perm_fga_sql.h).
 * One module body serves both tables: they differ only in where the rows come from (Read or
 * ReadChanges) and in the change columns. Both are admin-only because raw tuples name every
 * principal and every grant, which non-admins may not all see (the grants tables filter by
 * what Lakekeeper lets a principal read; these cannot). Pushdown on fga_tuples: `object = x`
 * (with `relation` and `user` when also equal) becomes OpenFGA's Read filter, so looking at
 * one object's tuples does not read the whole store. The engine re-checks every constraint. */
#include "perm_fga_sql.h"
#include "perm_cursor.h"

#include <string.h>

enum {
    COL_USER,
    COL_RELATION,
    COL_OBJECT,
    COL_OBJECT_TYPE,
    COL_OBJECT_ID,
    COL_TIME,
    COL_OPERATION,      /* fga_changes only */
    NCOLS
};

static const struct sql_col tuple_cols[] = {
    [COL_USER] = {"subject", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [COL_RELATION] = {"relation", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [COL_OBJECT] = {"object", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [COL_OBJECT_TYPE] = {"object_type", SQL_OID_TEXT, 0},
    [COL_OBJECT_ID] = {"object_id", SQL_OID_TEXT, 0},
    [COL_TIME] = {"written_at", SQL_OID_TIMESTAMPTZ, 0},
};

static const struct sql_col change_cols[] = {
    [COL_USER] = {"subject", SQL_OID_TEXT, 0},
    [COL_RELATION] = {"relation", SQL_OID_TEXT, 0},
    [COL_OBJECT] = {"object", SQL_OID_TEXT, 0},
    [COL_OBJECT_TYPE] = {"object_type", SQL_OID_TEXT, 0},
    [COL_OBJECT_ID] = {"object_id", SQL_OID_TEXT, 0},
    [COL_TIME] = {"changed_at", SQL_OID_TIMESTAMPTZ, 0},
    [COL_OPERATION] = {"operation", SQL_OID_TEXT, 0},
};

/* Plan bits of fga_tuples: which equalities were handed to filter (in this column order). */
enum { PLAN_USER = 1, PLAN_RELATION = 2, PLAN_OBJECT = 4 };

struct cursor {
    struct perm_cursor pc;      /* aux: struct perm_fga_sql; pc.n follows rows.n */
    struct fga_tuples rows;
};

static const struct perm_fga_sql *pf_of(const struct cursor *c)
{
    return c->pc.aux;
}

static void reset(struct perm_cursor *pc)
{
    fga_tuples_free(&((struct cursor *)pc)->rows);
    pc->n = pc->pos = 0;
}

static int best_index_tuples(void *aux, const struct sql_index_in *in,
                             struct sql_index_out *out, struct lw_err *err)
{
    (void)aux;
    (void)err;
    int slot[3] = {-1, -1, -1};     /* constraint index of user =, relation =, object = / IN */
    for (int i = 0; i < in->nconstraint; i++) {
        const struct sql_index_constraint *k = &in->constraint[i];
        bool op_ok = k->op == SQL_OP_EQ || (k->op == SQL_OP_IN && k->column == COL_OBJECT);
        if (k->usable && op_ok && k->column <= COL_OBJECT && slot[k->column] < 0)
            slot[k->column] = i;
    }
    /* OpenFGA's Read filter needs the object; without it the whole store is read. */
    out->plan = 0;
    out->est_cost = 1000;
    out->est_rows = 10000;
    if (slot[COL_OBJECT] < 0)
        return 0;
    int arg = 0;
    for (int col = COL_USER; col <= COL_OBJECT; col++)
        if (slot[col] >= 0) {
            out->usage[slot[col]].arg_index = ++arg;
            out->plan |= 1 << col;
        }
    out->est_cost = 10;
    out->est_rows = 10;
    return 0;
}

static int best_index_changes(void *aux, const struct sql_index_in *in,
                              struct sql_index_out *out, struct lw_err *err)
{
    (void)aux;
    (void)in;
    (void)err;
    out->plan = 0;
    out->est_cost = 1000;
    out->est_rows = 10000;
    return 0;
}

int perm_fga_require_admin(const struct sql_query_ctx *qc, const char *table,
                           struct lw_err *err)
{
    if (qc && qc->admin)
        return 0;
    return perm_denied(err, "permission denied for table %s (administrators only)", table);
}

static int open_common(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       const struct sql_vtab_module *mod, struct lw_err *err)
{
    return perm_cursor_open(mod, aux, qc, sizeof(struct cursor), true, reset, cur, err);
}

static int open_tuples(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       struct lw_err *err)
{
    return open_common(aux, qc, cur, &perm_fga_tuples_module, err);
}

static int open_changes(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                        struct lw_err *err)
{
    return open_common(aux, qc, cur, &perm_fga_changes_module, err);
}

/* A text argument as a NUL-terminated copy in buf, or NULL when it is not text or too long
 * for OpenFGA anyway (such a filter can match no tuple). */
static const char *arg_text(const struct sql_value *v, char *buf, size_t size)
{
    if (v->type != SQL_V_TEXT || v->u.s.len >= size ||
        (v->u.s.len && memchr(v->u.s.p, 0, v->u.s.len)))
        return NULL;
    if (v->u.s.len)
        memcpy(buf, v->u.s.p, v->u.s.len);
    buf[v->u.s.len] = 0;
    return buf;
}

static size_t max_rows(const struct cursor *c)
{
    return pf_of(c)->max_tuples ? pf_of(c)->max_tuples : 1000000;
}

/* Objects one IN list may name: each is one Read. */
#define MAX_IN_OBJECTS 1000

/* A full object is "type:id"; anything else OpenFGA rejects or reads as a type-only filter,
 * neither of which is `object = x`. */
static bool full_object(const char *o)
{
    const char *colon = o ? strchr(o, ':') : NULL;
    return colon && colon != o && colon[1];
}

/* Whether objs[i] already appeared earlier in the list (an IN list may repeat a value). */
static bool seen_before(const struct sql_value *objs, int i)
{
    for (int j = 0; j < i; j++)
        if (objs[j].type == SQL_V_TEXT && objs[j].u.s.len == objs[i].u.s.len &&
            (objs[i].u.s.len == 0 || memcmp(objs[j].u.s.p, objs[i].u.s.p, objs[i].u.s.len) == 0))
            return true;
    return false;
}

static int filter_tuples(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                         struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    reset(&c->pc);
    char bufs[3][520];
    const char *val[3] = {NULL, NULL, NULL};
    const struct sql_value *objs = NULL;
    int nobjs = 0, arg = 0;
    for (int col = COL_USER; col <= COL_OBJECT; col++) {
        if (!(plan & (1 << col)))
            continue;
        if (arg >= argc)
            return lw_err_set(err, LW_EINVAL, "fga_tuples: missing filter argument");
        const struct sql_value *v = &argv[arg++];
        if (col == COL_OBJECT) {
            objs = v->type == SQL_V_ARRAY ? v->u.arr->v : v;
            nobjs = v->type == SQL_V_ARRAY ? v->u.arr->n : 1;
        } else if (!(val[col] = arg_text(v, bufs[col], sizeof(bufs[col])))) {
            return 0;   /* NULL or impossible value: no row can match */
        }
    }
    if (nobjs > MAX_IN_OBJECTS)
        return lw_err_set(err, LW_EINVAL, "fga_tuples: more than %d objects in one IN list",
                          MAX_IN_OBJECTS);
    struct fga_client *fc = fga_client_new(&pf_of(c)->fga, err);
    if (!fc)
        return err->code;
    int rc = LW_OK;
    if (!objs) {
        rc = fga_read(fc, NULL, max_rows(c), &c->rows, c->pc.deadline_us, err);
    }
    for (int i = 0; i < nobjs && rc == LW_OK; i++) {
        val[COL_OBJECT] = arg_text(&objs[i], bufs[COL_OBJECT], sizeof(bufs[COL_OBJECT]));
        if (!full_object(val[COL_OBJECT]) || seen_before(objs, i))
            continue;
        if (c->rows.n >= max_rows(c)) {
            rc = lw_err_set(err, LW_ENOMEM, "openfga read: more than %zu tuples (the "
                            "configured bound)", max_rows(c));
            break;
        }
        struct fga_key key = {val[COL_USER], val[COL_RELATION], val[COL_OBJECT]};
        rc = fga_read(fc, &key, max_rows(c) - c->rows.n, &c->rows, c->pc.deadline_us, err);
    }
    fga_client_free(fc);
    c->pc.n = rc == LW_OK ? c->rows.n : 0;
    return rc;
}

static int filter_changes(struct sql_cursor *cur, int plan, int argc,
                          const struct sql_value *argv, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    (void)plan;
    (void)argc;
    (void)argv;
    reset(&c->pc);
    struct fga_client *fc = fga_client_new(&pf_of(c)->fga, err);
    if (!fc)
        return err->code;
    char *token = NULL;
    int rc = fga_read_changes(fc, &token, max_rows(c) + 1, &c->rows, c->pc.deadline_us, err);
    if (rc == LW_OK && c->rows.n > max_rows(c))
        rc = lw_err_set(err, LW_ENOMEM, "openfga changes: more than %zu changes (the "
                        "configured bound)", max_rows(c));
    lw_free(token);
    fga_client_free(fc);
    c->pc.n = rc == LW_OK ? c->rows.n : 0;
    return rc;
}


static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct fga_tuple *t = &c->rows.v[c->pc.pos];
    const char *colon = strchr(t->object, ':');
    size_t type_len = colon ? (size_t)(colon - t->object) : strlen(t->object);
    memset(v, 0, sizeof(*v));
    switch (col) {
    case COL_USER: perm_text(v, t->user); break;
    case COL_RELATION: perm_text(v, t->relation); break;
    case COL_OBJECT: perm_text(v, t->object); break;
    case COL_OBJECT_TYPE: perm_textn(v, t->object, type_len); break;
    case COL_OBJECT_ID:
        if (colon)
            perm_text(v, colon + 1);
        break;
    case COL_TIME:
        if (t->ts_ms >= 0) {
            v->type = SQL_V_TIME;
            v->u.us = t->ts_ms * 1000;
        }
        break;
    case COL_OPERATION:
        if (cur->mod == &perm_fga_changes_module) {
            const char *op = t->deleted ? "delete" : "write";
            perm_text(v, op);
            break;
        }
        /* fall through */
    default: return lw_err_set(err, LW_EINVAL, "no column %d in %s", col, cur->mod->name);
    }
    return 0;
}

const struct sql_vtab_module perm_fga_tuples_module = {
    .name = "fga_tuples",
    .cols = tuple_cols,
    .ncols = COL_TIME + 1,
    .best_index = best_index_tuples,
    .open = open_tuples,
    .filter = filter_tuples,
    .next = perm_cursor_next,
    .eof = perm_cursor_eof,
    .column = column,
    .close = perm_cursor_close,
};

const struct sql_vtab_module perm_fga_changes_module = {
    .name = "fga_changes",
    .cols = change_cols,
    .ncols = NCOLS,
    .best_index = best_index_changes,
    .open = open_changes,
    .filter = filter_changes,
    .next = perm_cursor_next,
    .eof = perm_cursor_eof,
    .column = column,
    .close = perm_cursor_close,
};
