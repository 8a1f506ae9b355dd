/* perm_actions_sql.c -- lakeward.allowed_actions (perm_actions_sql.h). A scan resolves each
 * (object_type, object) of its keys to Lakekeeper's ids (perm_names.h), then sends one GET
 * .../actions per (object, principal) pair, LK_GETS_AT_ONCE at a time concurrently, with the
 * technical client's token and the principal as principalUser/principalRole. An object that
 * does not exist, or that Lakekeeper hides from the principal (404), gives no rows: the two
 * are the same to the asker. Any other failure fails the statement. */
#include "perm_actions_sql.h"
#include "perm_cursor.h"
#include "perm_names.h"
#include "perm_tables.h"

#include "../server/core/lw_buf.h"

#include <string.h>

enum {
    COL_OBJECT_TYPE,
    COL_OBJECT,
    COL_PRINCIPAL,
    COL_ACTION,
    COL_OBJECT_ID,
    COL_WAREHOUSE_ID,
    COL_FGA_OBJECT,
    NCOLS
};

static const struct sql_col cols[NCOLS] = {
    [COL_OBJECT_TYPE] = {"object_type", SQL_OID_TEXT, SQL_COL_KEY_REQUIRED},
    [COL_OBJECT] = {"object", SQL_OID_TEXT, SQL_COL_KEY_REQUIRED},
    [COL_PRINCIPAL] = {"principal", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [COL_ACTION] = {"action", SQL_OID_TEXT, 0},
    [COL_OBJECT_ID] = {"object_id", SQL_OID_TEXT, 0},
    [COL_WAREHOUSE_ID] = {"warehouse_id", SQL_OID_TEXT, 0},
    [COL_FGA_OBJECT] = {"fga_object", SQL_OID_TEXT, 0},
};

/* Bounds: objects named by one query, and (object, principal) GETs in all. */
#define MAX_OBJECTS 200
#define MAX_ASKS 1000
/* lk_client_get sends at most 64 at once. */
#define LK_GETS_AT_ONCE 64

struct obj {
    const char *type, *ref;     /* as the query gave them (borrow the cursor's key lists) */
    struct perm_obj o;
};

struct row {
    int obj, principal;
    char *action;
};

struct cursor {
    struct perm_cursor pc;
    struct perm_strs types, refs, principals;
    struct obj *objs;
    int nobjs;
    struct row *rows;
    size_t cap;
};

static int best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err)
{
    (void)aux;
    (void)err;
    perm_keys_best_index(in, out, COL_PRINCIPAL + 1, 50, 20);
    return 0;
}

static void reset(struct perm_cursor *pc)
{
    struct cursor *c = (struct cursor *)pc;
    for (size_t i = 0; i < c->pc.n; i++)
        lw_free(c->rows[i].action);
    lw_free(c->rows);
    for (int i = 0; i < c->nobjs; i++)
        perm_obj_free(&c->objs[i].o);
    lw_free(c->objs);
    perm_strs_free(&c->types);
    perm_strs_free(&c->refs);
    perm_strs_free(&c->principals);
    c->rows = NULL;
    c->objs = NULL;
    c->nobjs = 0;
    c->cap = c->pc.n = c->pc.pos = 0;
}

static int open_cursor(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       struct lw_err *err)
{
    return perm_cursor_open(&perm_actions_module, aux, qc, sizeof(struct cursor), false, reset,
                            cur, err);
}

static int add_row(struct cursor *c, int obj, int principal, const char *action,
                   struct lw_err *err)
{
    struct row *v = perm_grow(c->rows, &c->cap, c->pc.n, sizeof(*v), err);
    if (!v)
        return LW_ENOMEM;
    c->rows = v;
    struct row *r = &c->rows[c->pc.n];
    if (!(r->action = lw_strdup(action)))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    r->obj = obj;
    r->principal = principal;
    c->pc.n++;
    return 0;
}

/* The principals asked about: the key's values, or the session's own. A non-administrator
 * may ask only about themselves (Lakekeeper would let lakeward's own client see more). */
static int principals_of(struct cursor *c, struct perm_principal *out, struct lw_err *err)
{
    const struct sql_query_ctx *qc = c->pc.qc;
    for (int i = 0; i < c->principals.n; i++) {
        int rc = perm_principal_parse(c->principals.v[i], &out[i], err);
        if (rc != 0)
            return rc;
        if (!qc->admin && (out[i].role || !qc->principal || strcmp(out[i].id, qc->principal)))
            return perm_denied(err, "permission denied: only administrators may ask about "
                               "another principal's actions (%s)", c->principals.v[i]);
    }
    return 0;
}

/* The principal key's values, or the session's own principal when the query names none. */
static int principal_keys(struct cursor *c, const struct sql_value *arg, struct lw_err *err)
{
    if (arg)
        return perm_strs_of(arg, &c->principals, err);
    if (!c->pc.qc->principal)
        return lw_err_set(err, LW_EINVAL, "allowed_actions: the session has no principal; "
                          "name one");
    if (!(c->principals.v = lw_calloc(1, sizeof(char *))) ||
        !(c->principals.v[0] = lw_strdup(c->pc.qc->principal)))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    c->principals.n = 1;
    return 0;
}

/* Answers of one batch of GETs into rows; a 404 is no rows, anything else missing fails. */
static int take_answers(struct cursor *c, struct lk_get *gets, const int (*pair)[2], int n,
                        struct lw_err *err)
{
    for (int i = 0; i < n; i++) {
        if (!gets[i].doc) {
            if (gets[i].status == 404)
                continue;
            int code = gets[i].status == 403 || gets[i].status == 401 ? LW_EAUTH : LW_EIO;
            return lw_err_set(err, code, "Lakekeeper %s: %s", gets[i].path,
                              gets[i].error[0] ? gets[i].error : "no answer");
        }
        json_t *a;
        size_t k;
        json_array_foreach(json_object_get(gets[i].doc, "allowed-actions"), k, a) {
            const char *action = json_string_value(json_object_get(a, "action"));
            if (action && add_row(c, pair[i][0], pair[i][1], action, err) != 0)
                return LW_ENOMEM;
        }
    }
    return 0;
}

static int ask(struct cursor *c, struct lk_client *lk, const struct perm_principal *pr,
               struct lw_err *err)
{
    struct lk_get gets[LK_GETS_AT_ONCE];
    struct lw_buf paths[LK_GETS_AT_ONCE];
    int pair[LK_GETS_AT_ONCE][2];
    int n = 0, rc = 0;
    int total = c->nobjs * c->principals.n;
    for (int q = 0; q <= total && rc == 0; q++) {
        if (q < total && c->objs[q / c->principals.n].o.actions_path) {
            int oi = q / c->principals.n, pi = q % c->principals.n;
            lw_buf_init(&paths[n], 8192);
            lw_buf_printf(&paths[n], "%s?%s=", c->objs[oi].o.actions_path,
                          pr[pi].role ? "principalRole" : "principalUser");
            lw_buf_urlencode(&paths[n], pr[pi].id, false);
            gets[n] = (struct lk_get){.path = paths[n].data,
                                      .project_id = c->objs[oi].o.project_id};
            pair[n][0] = oi;
            pair[n][1] = pi;
            if (paths[n++].failed)
                rc = lw_err_set(err, LW_ENOMEM, "allowed_actions: path too long");
        }
        if (n > 0 && (n == LK_GETS_AT_ONCE || q == total || rc != 0)) {
            if (rc == 0) {
                struct lk_stats st = {.deadline_us = c->pc.deadline_us};
                /* Its return is the first missing answer, a 404 too: take_answers sorts
                 * them out item by item (a failure before any request, e.g. no token,
                 * leaves every item without a status). */
                rc = lk_client_get(lk, gets, n, &st, err);
                bool sent = false;
                for (int i = 0; i < n; i++)
                    sent = sent || gets[i].status != 0;
                if (rc == 0 || sent)
                    rc = take_answers(c, gets, (const int (*)[2])pair, n, err);
            }
            for (int i = 0; i < n; i++) {
                json_decref(gets[i].doc);
                lw_buf_free(&paths[i]);
            }
            n = 0;
        }
    }
    return rc;
}

static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct perm_world *w = c->pc.aux;
    reset(&c->pc);
    int rc = perm_strs_of(perm_key_arg(plan, COL_OBJECT_TYPE, argc, argv), &c->types, err);
    if (rc == 0)
        rc = perm_strs_of(perm_key_arg(plan, COL_OBJECT, argc, argv), &c->refs, err);
    if (rc == 0)
        rc = principal_keys(c, perm_key_arg(plan, COL_PRINCIPAL, argc, argv), err);
    if (rc != 0)
        return rc;
    if (c->types.n * c->refs.n > MAX_OBJECTS ||
        c->types.n * c->refs.n * c->principals.n > MAX_ASKS)
        return lw_err_set(err, LW_EINVAL, "allowed_actions: at most %d objects and %d "
                          "(object, principal) pairs in one query", MAX_OBJECTS, MAX_ASKS);
    struct perm_principal *pr = lw_calloc((size_t)c->principals.n + 1, sizeof(*pr));
    if (!pr)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    rc = principals_of(c, pr, err);
    if (rc == 0 && c->types.n * c->refs.n > 0 &&
        !(c->objs = lw_calloc((size_t)(c->types.n * c->refs.n), sizeof(*c->objs))))
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    for (int t = 0; rc == 0 && t < c->types.n; t++) {
        if (!perm_obj_type_known(c->types.v[t]))
            continue;   /* matches no row */
        for (int r = 0; rc == 0 && r < c->refs.n; r++) {
            struct obj *o = &c->objs[c->nobjs++];
            o->type = c->types.v[t];
            o->ref = c->refs.v[r];
            rc = perm_obj_resolve(w->catalog, o->type, o->ref, c->pc.deadline_us, &o->o, err);
            if (rc == LW_ENOTFOUND)
                rc = 0;     /* no such object: no rows, as for a hidden one */
        }
    }
    if (rc == 0 && c->nobjs > 0)
        rc = ask(c, w->lk[0], pr, err);
    for (int i = 0; i < c->principals.n; i++)
        perm_principal_free(&pr[i]);
    lw_free(pr);
    if (rc != 0)
        c->pc.n = 0;
    return rc;
}

static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct row *r = &c->rows[c->pc.pos];
    const struct obj *o = &c->objs[r->obj];
    switch (col) {
    case COL_OBJECT_TYPE: perm_text(v, o->type); break;
    case COL_OBJECT: perm_text(v, o->ref); break;
    case COL_PRINCIPAL: perm_text(v, c->principals.v[r->principal]); break;
    case COL_ACTION: perm_text(v, r->action); break;
    case COL_OBJECT_ID: perm_text(v, o->o.id); break;
    case COL_WAREHOUSE_ID: perm_text(v, o->o.warehouse_id); break;
    case COL_FGA_OBJECT: perm_text(v, o->o.fga); break;
    default: return lw_err_set(err, LW_EINVAL, "no column %d in allowed_actions", col);
    }
    return 0;
}

const struct sql_vtab_module perm_actions_module = {
    .name = "allowed_actions",
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
