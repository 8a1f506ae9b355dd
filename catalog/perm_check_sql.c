/* perm_check_sql.c -- lakeward.fga_check (perm_check_sql.h). The cross product of the keys
 * becomes one fga_check call, so a query over many objects costs ceil(n / 50) concurrent
 * requests rather than n round trips. Every check is answered or the statement fails: a
 * denied row would otherwise be indistinguishable from an unanswered one. */
#include "perm_check_sql.h"
#include "perm_cursor.h"
#include "perm_fga_sql.h"

enum { COL_SUBJECT, COL_RELATION, COL_OBJECT, COL_ALLOWED, NCOLS };

static const struct sql_col cols[NCOLS] = {
    [COL_SUBJECT] = {"subject", SQL_OID_TEXT, SQL_COL_KEY_REQUIRED},
    [COL_RELATION] = {"relation", SQL_OID_TEXT, SQL_COL_KEY_REQUIRED},
    [COL_OBJECT] = {"object", SQL_OID_TEXT, SQL_COL_KEY_REQUIRED},
    [COL_ALLOWED] = {"allowed", SQL_OID_BOOL, 0},
};

/* Checks one query may ask: 200 BatchCheck requests' worth. */
#define MAX_CHECKS 10000

struct cursor {
    struct perm_cursor pc;      /* aux: struct perm_fga_sql */
    struct perm_strs keys[3];   /* each key's distinct values */
    struct fga_key *checks;     /* borrow keys' strings */
    bool *allowed;
};

static int best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err)
{
    (void)aux;
    (void)err;
    perm_keys_best_index(in, out, COL_OBJECT + 1, 20, 10);
    return 0;
}

static void reset(struct perm_cursor *pc)
{
    struct cursor *c = (struct cursor *)pc;
    for (int k = 0; k < 3; k++)
        perm_strs_free(&c->keys[k]);
    lw_free(c->checks);
    lw_free(c->allowed);
    c->checks = NULL;
    c->allowed = NULL;
    c->pc.n = c->pc.pos = 0;
}

static int open_cursor(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       struct lw_err *err)
{
    return perm_cursor_open(&perm_check_module, aux, qc, sizeof(struct cursor), true, reset,
                            cur, err);
}

static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct perm_fga_sql *pf = c->pc.aux;
    reset(&c->pc);
    int rc = 0;
    for (int k = COL_SUBJECT; k <= COL_OBJECT && rc == 0; k++)
        rc = perm_strs_of(perm_key_arg(plan, k, argc, argv), &c->keys[k], err);
    int64_t total = (int64_t)c->keys[0].n * c->keys[1].n * c->keys[2].n;
    if (rc == 0 && total > MAX_CHECKS)
        rc = lw_err_set(err, LW_EINVAL, "fga_check: %lld checks in one query, at most %d",
                        (long long)total, MAX_CHECKS);
    if (rc == 0 && total > 0) {
        c->checks = lw_calloc((size_t)total, sizeof(*c->checks));
        c->allowed = lw_calloc((size_t)total, sizeof(*c->allowed));
        if (!c->checks || !c->allowed)
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        for (int s = 0; rc == 0 && s < c->keys[0].n; s++)
            for (int r = 0; r < c->keys[1].n; r++)
                for (int o = 0; o < c->keys[2].n; o++)
                    c->checks[c->pc.n++] = (struct fga_key){c->keys[0].v[s], c->keys[1].v[r],
                                                            c->keys[2].v[o]};
    }
    if (rc == 0 && c->pc.n > 0) {
        struct fga_client *fc = fga_client_new(&pf->fga, err);
        rc = fc ? fga_check(fc, c->checks, c->allowed, (int)c->pc.n, c->pc.deadline_us, err)
                : err->code;
        fga_client_free(fc);
    }
    if (rc != 0)
        reset(&c->pc);
    return rc;
}

static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct fga_key *k = &c->checks[c->pc.pos];
    switch (col) {
    case COL_SUBJECT: perm_text(v, k->user); break;
    case COL_RELATION: perm_text(v, k->relation); break;
    case COL_OBJECT: perm_text(v, k->object); break;
    case COL_ALLOWED:
        v->type = SQL_V_BOOL;
        v->u.b = c->allowed[c->pc.pos];
        break;
    default: return lw_err_set(err, LW_EINVAL, "no column %d in fga_check", col);
    }
    return 0;
}

const struct sql_vtab_module perm_check_module = {
    .name = "fga_check",
    .cols = cols,
    .ncols = NCOLS,
    .best_index = best_index,
    .open = open_cursor,
    .filter = filter,
    .next = perm_cursor_next,
    .eof = perm_cursor_eof,
    .column = column,
    .close = perm_cursor_close,
};
