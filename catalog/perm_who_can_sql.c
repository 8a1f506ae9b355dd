/* perm_who_can_sql.c -- lakeward.who_can (perm_who_can_sql.h). For each (object, relation)
 * pair of the query's keys, two ListUsers calls: users (including the `user:*` wildcard,
 * shown as is: with exclusions in a model it does not prove access) and roles through their
 * assignees (`role:<id>#assignee`). Both calls are answered or the statement fails. */
#include "perm_who_can_sql.h"
#include "perm_fga_sql.h"

#include <string.h>

enum { COL_OBJECT, COL_RELATION, COL_SUBJECT, COL_SUBJECT_TYPE, NCOLS };

static const struct sql_col cols[NCOLS] = {
    [COL_OBJECT] = {"object", SQL_OID_TEXT, SQL_COL_KEY_REQUIRED},
    [COL_RELATION] = {"relation", SQL_OID_TEXT, SQL_COL_KEY_REQUIRED},
    [COL_SUBJECT] = {"subject", SQL_OID_TEXT, 0},
    [COL_SUBJECT_TYPE] = {"subject_type", SQL_OID_TEXT, 0},
};

/* The two subject kinds ListUsers is asked for: user type, userset relation, label. */
static const struct {
    const char *type, *relation, *label;
} kinds[] = {{"user", NULL, "user"}, {"role", "assignee", "role"}};

/* More pairs than this in one query is refused: each costs two round trips. */
#define MAX_PAIRS 1000

struct cursor {
    struct sql_cursor base;
    const struct perm_fga_sql *pf;
    int64_t deadline_us;
    struct fga_tuples rows;     /* user = subject; deleted = subject is a role */
    size_t pos;
};

static int best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err)
{
    (void)aux;
    (void)err;
    int slot[2] = {-1, -1};
    for (int i = 0; i < in->nconstraint; i++) {
        const struct sql_index_constraint *k = &in->constraint[i];
        if (k->usable && k->column <= COL_RELATION && slot[k->column] < 0 &&
            (k->op == SQL_OP_EQ || k->op == SQL_OP_IN))
            slot[k->column] = i;
    }
    /* A missing key is reported by the engine (42P10, naming the column): the keys present
     * are still handed over so that its check sees them used. */
    if (slot[COL_OBJECT] >= 0)
        out->usage[slot[COL_OBJECT]].arg_index = 1;
    if (slot[COL_RELATION] >= 0)
        out->usage[slot[COL_RELATION]].arg_index = 2;
    out->est_cost = 20;
    out->est_rows = 20;
    return 0;
}

static int open_cursor(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       struct lw_err *err)
{
    if (perm_fga_require_admin(qc, "who_can", err) != 0)
        return LW_EAUTH;
    struct cursor *c = lw_calloc(1, sizeof(*c));
    if (!c)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    c->base.mod = &perm_who_can_module;
    c->pf = aux;
    c->deadline_us = qc->deadline_us;
    *cur = &c->base;
    return 0;
}

/* The text values of an = or IN argument (NULLs and non-text skipped: they match nothing). */
static int values_of(const struct sql_value *v, const struct sql_value **out, int *n)
{
    if (v->type == SQL_V_ARRAY) {
        *out = v->u.arr->v;
        *n = v->u.arr->n;
    } else {
        *out = v;
        *n = 1;
    }
    return 0;
}

static char *cstr(const struct sql_value *v)
{
    if (v->type != SQL_V_TEXT || (v->u.s.len && memchr(v->u.s.p, 0, v->u.s.len)))
        return NULL;
    return lw_strndup(v->u.s.p, v->u.s.len);
}

static int ask(struct cursor *c, struct fga_client *fc, const char *object,
               const char *relation, struct lw_err *err)
{
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        struct fga_strs subjects = {0};
        int rc = fga_list_users(fc, object, relation, kinds[k].type, kinds[k].relation,
                                &subjects, c->deadline_us, err);
        for (size_t i = 0; rc == LW_OK && i < subjects.n; i++) {
            if (c->rows.n == c->rows.cap) {
                size_t cap = c->rows.cap ? c->rows.cap * 2 : 32;
                struct fga_tuple *v = lw_realloc(c->rows.v, cap * sizeof(*v));
                if (!v) {
                    rc = lw_err_set(err, LW_ENOMEM, "out of memory");
                    break;
                }
                c->rows.v = v;
                c->rows.cap = cap;
            }
            struct fga_tuple *t = &c->rows.v[c->rows.n];
            t->user = subjects.v[i];
            subjects.v[i] = NULL;
            t->relation = lw_strdup(relation);
            t->object = lw_strdup(object);
            t->deleted = k == 1;
            t->ts_ms = -1;
            c->rows.n++;
            if (!t->relation || !t->object)
                rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        }
        fga_strs_free(&subjects);
        if (rc != LW_OK)
            return rc;
    }
    return LW_OK;
}

static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    (void)plan;
    fga_tuples_free(&c->rows);
    c->pos = 0;
    if (argc < 2)
        return lw_err_set(err, LW_EINVAL, "who_can needs object and relation");
    const struct sql_value *objs, *rels;
    int nobj, nrel;
    values_of(&argv[0], &objs, &nobj);
    values_of(&argv[1], &rels, &nrel);
    if ((int64_t)nobj * nrel > MAX_PAIRS)
        return lw_err_set(err, LW_EINVAL, "who_can: more than %d object/relation pairs in "
                          "one query", MAX_PAIRS);
    struct fga_client *fc = fga_client_new(&c->pf->fga, err);
    if (!fc)
        return err->code;
    int rc = LW_OK;
    for (int i = 0; rc == LW_OK && i < nobj; i++) {
        char *object = cstr(&objs[i]);
        /* Not type:id: no subject can hold anything on it (and ListUsers would refuse). */
        const char *colon = object ? strchr(object, ':') : NULL;
        for (int j = 0; rc == LW_OK && colon && colon != object && colon[1] && j < nrel; j++) {
            char *relation = cstr(&rels[j]);
            if (relation && *relation)
                rc = ask(c, fc, object, relation, err);
            lw_free(relation);
        }
        lw_free(object);
    }
    fga_client_free(fc);
    return rc;
}

static int next(struct sql_cursor *cur, struct lw_err *err)
{
    (void)err;
    ((struct cursor *)cur)->pos++;
    return 0;
}

static bool eof(struct sql_cursor *cur)
{
    struct cursor *c = (struct cursor *)cur;
    return c->pos >= c->rows.n;
}

static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct fga_tuple *t = &c->rows.v[c->pos];
    const char *s;
    switch (col) {
    case COL_OBJECT: s = t->object; break;
    case COL_RELATION: s = t->relation; break;
    case COL_SUBJECT: s = t->user; break;
    case COL_SUBJECT_TYPE: s = kinds[t->deleted ? 1 : 0].label; break;
    default: return lw_err_set(err, LW_EINVAL, "no column %d in who_can", col);
    }
    v->type = SQL_V_TEXT;
    v->u.s.p = s;
    v->u.s.len = strlen(s);
    return 0;
}

static void close_cursor(struct sql_cursor *cur)
{
    struct cursor *c = (struct cursor *)cur;
    if (!c)
        return;
    fga_tuples_free(&c->rows);
    lw_free(c);
}

const struct sql_vtab_module perm_who_can_module = {
    .name = "who_can",
    .cols = cols,
    .ncols = NCOLS,
    .best_index = best_index,
    .open = open_cursor,
    .filter = filter,
    .next = next,
    .eof = eof,
    .column = column,
    .close = close_cursor,
};
