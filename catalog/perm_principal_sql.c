/* perm_principal_sql.c -- lakeward.users, lakeward.roles and lakeward.principals
 * (perm_principal_sql.h), plus the row store, argument and visibility helpers the member
 * tables share. Each scan reads Lakekeeper afresh: principals change rarely but a stale
 * list after a removal would show someone who is gone, and one listing is one or two GETs. */
#include "perm_principal_sql.h"
#include "perm_tables.h"
#include "../server/core/lw_buf.h"

#include <string.h>

/* Most values one = or IN list may push down (each may cost a GET). */
#define MAX_KEYS 1000

/* --- row store -------------------------------------------------------------------------- */

void perm_prow_reset(struct perm_prow_cursor *c)
{
    lk_principals_free(&c->pr);
    for (size_t i = 0; i < c->nstrs; i++)
        lw_free(c->strs[i]);
    c->nstrs = 0;
    c->nrows = c->pos = 0;
}

struct sql_value *perm_prow_add(struct perm_prow_cursor *c)
{
    if (c->nrows == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 64;
        struct sql_value *v = lw_realloc(c->cells, nc * (size_t)c->ncols * sizeof *v);
        if (!v)
            return NULL;
        c->cells = v;
        c->cap = nc;
    }
    struct sql_value *row = &c->cells[c->nrows++ * (size_t)c->ncols];
    memset(row, 0, (size_t)c->ncols * sizeof *row);   /* SQL_V_NULL */
    return row;
}

void perm_prow_text(struct sql_value *cell, const char *s)
{
    if (!s)
        return;
    cell->type = SQL_V_TEXT;
    cell->u.s.p = s;
    cell->u.s.len = strlen(s);
}

void perm_prow_time(struct sql_value *cell, int64_t ms)
{
    if (ms < 0)
        return;
    cell->type = SQL_V_TIME;
    cell->u.us = ms * 1000;
}

const char *perm_prow_own(struct perm_prow_cursor *c, char *s)
{
    if (!s)
        return NULL;
    if (c->nstrs == c->capstrs) {
        size_t nc = c->capstrs ? c->capstrs * 2 : 32;
        char **v = lw_realloc(c->strs, nc * sizeof *v);
        if (!v) {
            lw_free(s);
            return NULL;
        }
        c->strs = v;
        c->capstrs = nc;
    }
    return c->strs[c->nstrs++] = s;
}

int perm_prow_next(struct sql_cursor *cur, struct lw_err *err)
{
    (void)err;
    ((struct perm_prow_cursor *)cur)->pos++;
    return 0;
}

bool perm_prow_eof(struct sql_cursor *cur)
{
    const struct perm_prow_cursor *c = (const struct perm_prow_cursor *)cur;
    return c->pos >= c->nrows;
}

int perm_prow_column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    const struct perm_prow_cursor *c = (const struct perm_prow_cursor *)cur;
    if (col < 0 || col >= c->ncols)
        return lw_err_set(err, LW_EINVAL, "no column %d in %s", col, cur->mod->name);
    *v = c->cells[c->pos * (size_t)c->ncols + (size_t)col];
    return 0;
}

void perm_prow_close(struct sql_cursor *cur)
{
    struct perm_prow_cursor *c = (struct perm_prow_cursor *)cur;
    if (!c)
        return;
    perm_prow_reset(c);
    lw_free(c->strs);
    lw_free(c->cells);
    lw_free(c);
}

void perm_prow_free_strs(char **v, int n)
{
    for (int i = 0; v && i < n; i++)
        lw_free(v[i]);
    lw_free(v);
}

int perm_prow_strs(const struct sql_value *arg, int max, const char *column, char ***out,
                   int *n, struct lw_err *err)
{
    const struct sql_value *v = arg;
    int nv = 1;
    if (arg->type == SQL_V_ARRAY) {
        v = arg->u.arr->v;
        nv = arg->u.arr->n;
    }
    *out = NULL;
    *n = 0;
    if (nv > max)
        return lw_err_set(err, LW_EINVAL, "more than %d values for %s in one query", max,
                          column);
    char **s = lw_calloc((size_t)nv + 1, sizeof *s);
    if (!s)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    int k = 0;
    for (int i = 0; i < nv; i++) {
        if (v[i].type != SQL_V_TEXT || memchr(v[i].u.s.p, 0, v[i].u.s.len))
            continue;
        if (!(s[k] = lw_strndup(v[i].u.s.p, v[i].u.s.len))) {
            perm_prow_free_strs(s, k);
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        }
        k++;
    }
    *out = s;
    *n = k;
    return 0;
}

struct lk_stats perm_prow_stats(const struct perm_prow_cursor *c)
{
    return (struct lk_stats){.deadline_us = c->qc->deadline_us};
}

int perm_prow_visible(const struct perm_prow_cursor *c, const char *relation,
                      const char *const *objects, int n, bool *ok, struct lw_err *err)
{
    if (c->qc->admin) {
        for (int i = 0; i < n; i++)
            ok[i] = true;
        return 0;
    }
    if (!c->w->with_fga) {
        lw_err_set(err, LW_EAUTH, "%s: cannot tell what %s may see without OpenFGA "
                   "(configure it, or ask as an administrator)", c->base.mod->name,
                   c->qc->principal ? c->qc->principal : "this session");
        memcpy(err->sqlstate, "42501", 6);
        return LW_EAUTH;
    }
    if (n == 0)
        return 0;
    int rc = 0;
    char *subject = lk_principals_fga_subject(c->qc->principal ? c->qc->principal : "", false);
    struct fga_key *keys = lw_calloc((size_t)n, sizeof *keys);
    struct fga_client *fc = subject && keys ? fga_client_new(&c->w->fga.fga, err) : NULL;
    if (!subject || !keys)
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    else if (!fc)
        rc = err->code;
    for (int i = 0; rc == 0 && i < n; i++)
        keys[i] = (struct fga_key){subject, relation, objects[i]};
    if (rc == 0)
        rc = fga_check(fc, keys, ok, n, c->qc->deadline_us, err);
    fga_client_free(fc);
    lw_free(keys);
    lw_free(subject);
    return rc;
}

/* --- visibility of the lists read ------------------------------------------------------- */

int perm_prow_keep_visible_roles(struct perm_prow_cursor *c, const char *relation,
                                 struct lw_err *err)
{
    struct lk_principals *p = &c->pr;
    if (c->qc->admin || p->nroles == 0)
        return 0;
    int n = (int)p->nroles, rc = 0;
    char **objs = lw_calloc((size_t)n, sizeof *objs);
    bool *ok = lw_calloc((size_t)n, sizeof *ok);
    if (!objs || !ok)
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    for (int i = 0; rc == 0 && i < n; i++) {
        struct lw_buf b;
        lw_buf_init(&b, 4096);
        lw_buf_printf(&b, "role:%s", p->roles[i].id);
        if (!(objs[i] = lw_buf_take(&b)))
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    }
    if (rc == 0)
        rc = perm_prow_visible(c, relation, (const char *const *)objs, n, ok, err);
    /* On failure nothing is kept: fail closed. */
    size_t kept = 0;
    for (int i = 0; i < n; i++) {
        struct lk_role *r = &p->roles[i];
        if (rc == 0 && ok[i]) {
            p->roles[kept++] = *r;
            continue;
        }
        lw_free(r->id), lw_free(r->name), lw_free(r->description), lw_free(r->project_id);
        lw_free(r->ident), lw_free(r->provider_id), lw_free(r->source_id);
    }
    p->nroles = kept;
    perm_prow_free_strs(objs, objs ? n : 0);
    lw_free(ok);
    return rc;
}

/* The server id of instance i (GET /management/v1/info), caller frees. */
static char *server_id(struct perm_prow_cursor *c, int i, struct lw_err *err)
{
    struct lk_stats st = perm_prow_stats(c);
    struct lk_get g = {.path = "/management/v1/info"};
    char *id = NULL;
    if (lk_client_get(c->w->lk[i], &g, 1, &st, err) == 0) {
        const char *s = json_string_value(json_object_get(g.doc, "server-id"));
        if (!s)
            lw_err_set(err, LW_EINVAL, "Lakekeeper's /management/v1/info has no server-id");
        else if (!(id = lw_strdup(s)))
            lw_err_set(err, LW_ENOMEM, "out of memory");
    }
    json_decref(g.doc);
    return id;
}

/* Whether the session may list every user of instance inst: administrators, and whoever
 * OpenFGA says holds can_list_users on the instance's server (Lakekeeper's rule). */
static int may_list_users(struct perm_prow_cursor *c, int inst, bool *all, struct lw_err *err)
{
    *all = c->qc->admin;
    if (*all)
        return 0;
    char *sid = server_id(c, inst, err), *obj = NULL;
    if (!sid)
        return err->code;
    struct lw_buf b;
    lw_buf_init(&b, 4096);
    lw_buf_printf(&b, "server:%s", sid);
    obj = lw_buf_take(&b);
    int rc = obj ? perm_prow_visible(c, "can_list_users", (const char *const *)&obj, 1, all, err)
                 : lw_err_set(err, LW_ENOMEM, "out of memory");
    lw_free(sid);
    lw_free(obj);
    return rc;
}

/* Reads users (ids or names pushed down) of every instance. Someone who may not list users
 * gets only their own row (Lakekeeper lets everyone read themselves), fetched by id: the
 * others are never read for them. */
static int read_users(struct perm_prow_cursor *c, const struct lk_principal_filter *f,
                      struct lw_err *err)
{
    const char *me = c->qc->principal ? c->qc->principal : "";
    struct lk_principal_filter mine = {&me, 1, NULL, 0};
    for (int i = 0; i < c->w->nlk; i++) {
        struct lk_stats st = perm_prow_stats(c);
        bool all = false;
        if (may_list_users(c, i, &all, err) != 0)
            return err->code;
        bool asked_for_me = !f || f->nids == 0;
        for (int k = 0; f && k < f->nids && !asked_for_me; k++)
            asked_for_me = strcmp(f->ids[k], me) == 0;
        if (!all && (!asked_for_me || !*me))
            continue;
        if (lk_principals_read_users(c->w->lk[i], i, all ? f : &mine, &c->pr, &st, err) != 0)
            return err->code;
    }
    return 0;
}

int perm_prow_read_roles(struct perm_prow_cursor *c, const struct lk_principal_filter *f,
                         const char *relation, struct lw_err *err)
{
    for (int i = 0; i < c->w->nlk; i++) {
        struct lk_stats st = perm_prow_stats(c);
        if (lk_principals_read_roles(c->w->lk[i], i, f, &c->pr, &st, err) != 0)
            return err->code;
    }
    return perm_prow_keep_visible_roles(c, relation, err);
}

static const char *instance_of(const struct perm_prow_cursor *c, int inst)
{
    return lk_client_id(c->w->lk[inst]);
}

/* --- opening a scan, keys ------------------------------------------------------------- */

int perm_prow_open(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                   const struct sql_vtab_module *mod, struct lw_err *err)
{
    struct perm_prow_cursor *c = lw_calloc(1, sizeof *c);
    if (!c)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    c->base.mod = mod;
    c->w = aux;
    c->qc = qc;
    c->ncols = mod->ncols;
    *cur = &c->base;
    return 0;
}

int perm_prow_push(const int *cols, int ncols, const struct sql_index_in *in,
                   struct sql_index_out *out)
{
    int next_arg = 1;
    for (int i = 0; i < in->nconstraint; i++) {
        const struct sql_index_constraint *k = &in->constraint[i];
        if (!k->usable || (k->op != SQL_OP_EQ && k->op != SQL_OP_IN))
            continue;
        for (int j = 0; j < ncols && j < 7; j++)
            if (k->column == cols[j] && perm_prow_arg_slot(out->plan, j) < 0) {
                out->plan |= next_arg << (4 * j);
                out->usage[i].arg_index = next_arg++;
            }
    }
    out->est_cost = out->plan ? 10 : 100;
    out->est_rows = out->plan ? 5 : 100;
    return 0;
}

int perm_prow_arg_slot(int plan, int j)
{
    return ((plan >> (4 * j)) & 15) - 1;
}

static const struct sql_value *arg_of(int plan, int j, int argc, const struct sql_value *argv)
{
    int k = perm_prow_arg_slot(plan, j);
    return k >= 0 && k < argc ? &argv[k] : NULL;
}

/* --- the three tables ------------------------------------------------------------------- */

/* users */

enum { U_ID, U_NAME, U_EMAIL, U_TYPE, U_LAST_UPDATED_WITH, U_CREATED, U_UPDATED, U_FGA,
       U_LAKEKEEPER, U_NCOLS };

static const struct sql_col user_cols[U_NCOLS] = {
    [U_ID] = {"user_id", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [U_NAME] = {"user_name", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [U_EMAIL] = {"email", SQL_OID_TEXT, 0},
    [U_TYPE] = {"user_type", SQL_OID_TEXT, 0},
    [U_LAST_UPDATED_WITH] = {"last_updated_with", SQL_OID_TEXT, 0},
    [U_CREATED] = {"created_at", SQL_OID_TIMESTAMPTZ, 0},
    [U_UPDATED] = {"updated_at", SQL_OID_TIMESTAMPTZ, 0},
    [U_FGA] = {"fga_subject", SQL_OID_TEXT, 0},
    [U_LAKEKEEPER] = {"lakekeeper", SQL_OID_TEXT, SQL_COL_HIDDEN},
};

static const int user_keys[] = {U_ID, U_NAME};

static int users_best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                            struct lw_err *err)
{
    (void)aux;
    (void)err;
    return perm_prow_push(user_keys, 2, in, out);
}

static int users_open(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                      struct lw_err *err)
{
    return perm_prow_open(aux, qc, cur, &perm_users_module, err);
}

/* The filter of = / IN values on an id and a name column (ids win: one GET each). */
static int filter_of(int plan, int argc, const struct sql_value *argv, const char *idcol,
                     const char *namecol, char ***ids, int *nids, char ***names, int *nnames,
                     struct lw_err *err)
{
    const struct sql_value *a_id = arg_of(plan, 0, argc, argv);
    const struct sql_value *a_name = arg_of(plan, 1, argc, argv);
    *ids = *names = NULL;
    *nids = *nnames = 0;
    if (a_id && perm_prow_strs(a_id, MAX_KEYS, idcol, ids, nids, err) != 0)
        return err->code;
    if (!a_id && a_name && perm_prow_strs(a_name, MAX_KEYS, namecol, names, nnames, err) != 0)
        return err->code;
    return 0;
}

static int users_rows(struct perm_prow_cursor *c, size_t first, struct lw_err *err)
{
    for (size_t i = first; i < c->pr.nusers; i++) {
        const struct lk_user *u = &c->pr.users[i];
        struct sql_value *row = perm_prow_add(c);
        if (!row)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        perm_prow_text(&row[U_ID], u->id);
        perm_prow_text(&row[U_NAME], u->name);
        perm_prow_text(&row[U_EMAIL], u->email);
        perm_prow_text(&row[U_TYPE], u->user_type);
        perm_prow_text(&row[U_LAST_UPDATED_WITH], u->last_updated_with);
        perm_prow_time(&row[U_CREATED], u->created_ms);
        perm_prow_time(&row[U_UPDATED], u->updated_ms);
        perm_prow_text(&row[U_LAKEKEEPER], instance_of(c, u->inst));
        const char *fga = perm_prow_own(c, lk_principals_fga_subject(u->id, false));
        if (!fga)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        perm_prow_text(&row[U_FGA], fga);
    }
    return 0;
}

static int users_filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                        struct lw_err *err)
{
    struct perm_prow_cursor *c = (struct perm_prow_cursor *)cur;
    char **ids, **names;
    int nids, nnames;
    perm_prow_reset(c);
    int rc = filter_of(plan, argc, argv, "user_id", "user_name", &ids, &nids, &names, &nnames,
                       err);
    struct lk_principal_filter f = {(const char *const *)ids, nids,
                                    (const char *const *)names, nnames};
    /* Keys given but none usable (all NULL): nothing matches. */
    bool none = perm_prow_arg_slot(plan, 0) >= 0   ? nids == 0
                : perm_prow_arg_slot(plan, 1) >= 0 ? nnames == 0
                                                   : false;
    if (rc == 0 && !none)
        rc = read_users(c, &f, err);
    if (rc == 0)
        rc = users_rows(c, 0, err);
    perm_prow_free_strs(ids, nids);
    perm_prow_free_strs(names, nnames);
    return rc;
}

const struct sql_vtab_module perm_users_module = {
    .name = "users",
    .cols = user_cols,
    .ncols = U_NCOLS,
    .best_index = users_best_index,
    .open = users_open,
    .filter = users_filter,
    .next = perm_prow_next,
    .eof = perm_prow_eof,
    .column = perm_prow_column,
    .close = perm_prow_close,
};

/* roles */

enum { R_ID, R_NAME, R_DESCRIPTION, R_PROJECT, R_IDENT, R_PROVIDER, R_SOURCE, R_CREATED,
       R_UPDATED, R_FGA, R_LAKEKEEPER, R_NCOLS };

static const struct sql_col role_cols[R_NCOLS] = {
    [R_ID] = {"role_id", SQL_OID_UUID, SQL_COL_KEY_OPTIONAL},
    [R_NAME] = {"role_name", SQL_OID_TEXT, 0},
    [R_DESCRIPTION] = {"description", SQL_OID_TEXT, 0},
    [R_PROJECT] = {"project_id", SQL_OID_TEXT, 0},
    [R_IDENT] = {"ident", SQL_OID_TEXT, 0},
    [R_PROVIDER] = {"provider_id", SQL_OID_TEXT, 0},
    [R_SOURCE] = {"source_id", SQL_OID_TEXT, 0},
    [R_CREATED] = {"created_at", SQL_OID_TIMESTAMPTZ, 0},
    [R_UPDATED] = {"updated_at", SQL_OID_TIMESTAMPTZ, 0},
    [R_FGA] = {"fga_subject", SQL_OID_TEXT, 0},
    [R_LAKEKEEPER] = {"lakekeeper", SQL_OID_TEXT, SQL_COL_HIDDEN},
};

static const int role_keys[] = {R_ID};

static int roles_best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                            struct lw_err *err)
{
    (void)aux;
    (void)err;
    return perm_prow_push(role_keys, 1, in, out);
}

static int roles_open(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                      struct lw_err *err)
{
    return perm_prow_open(aux, qc, cur, &perm_roles_module, err);
}

static int roles_rows(struct perm_prow_cursor *c, struct lw_err *err)
{
    for (size_t i = 0; i < c->pr.nroles; i++) {
        const struct lk_role *r = &c->pr.roles[i];
        struct sql_value *row = perm_prow_add(c);
        if (!row)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        perm_prow_text(&row[R_ID], r->id);
        perm_prow_text(&row[R_NAME], r->name);
        perm_prow_text(&row[R_DESCRIPTION], r->description);
        perm_prow_text(&row[R_PROJECT], r->project_id);
        perm_prow_text(&row[R_IDENT], r->ident);
        perm_prow_text(&row[R_PROVIDER], r->provider_id);
        perm_prow_text(&row[R_SOURCE], r->source_id);
        perm_prow_time(&row[R_CREATED], r->created_ms);
        perm_prow_time(&row[R_UPDATED], r->updated_ms);
        perm_prow_text(&row[R_LAKEKEEPER], instance_of(c, r->inst));
        const char *fga = perm_prow_own(c, lk_principals_fga_subject(r->id, true));
        if (!fga)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        perm_prow_text(&row[R_FGA], fga);
    }
    return 0;
}

static int roles_filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                        struct lw_err *err)
{
    struct perm_prow_cursor *c = (struct perm_prow_cursor *)cur;
    char **ids = NULL;
    int nids = 0, rc = 0;
    perm_prow_reset(c);
    const struct sql_value *a = arg_of(plan, 0, argc, argv);
    if (a)
        rc = perm_prow_strs(a, MAX_KEYS, "role_id", &ids, &nids, err);
    struct lk_principal_filter f = {(const char *const *)ids, nids, NULL, 0};
    if (rc == 0 && !(a && nids == 0))
        rc = perm_prow_read_roles(c, &f, "can_read", err);
    if (rc == 0)
        rc = roles_rows(c, err);
    perm_prow_free_strs(ids, nids);
    return rc;
}

const struct sql_vtab_module perm_roles_module = {
    .name = "roles",
    .cols = role_cols,
    .ncols = R_NCOLS,
    .best_index = roles_best_index,
    .open = roles_open,
    .filter = roles_filter,
    .next = perm_prow_next,
    .eof = perm_prow_eof,
    .column = perm_prow_column,
    .close = perm_prow_close,
};

/* principals: users then roles, the columns every permission table uses for a principal */

enum { P_TYPE, P_ID, P_NAME, P_PROJECT, P_FGA, P_LAKEKEEPER, P_NCOLS };

static const struct sql_col principal_cols[P_NCOLS] = {
    [P_TYPE] = {"principal_type", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [P_ID] = {"principal", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [P_NAME] = {"principal_name", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [P_PROJECT] = {"project_id", SQL_OID_TEXT, 0},
    [P_FGA] = {"fga_subject", SQL_OID_TEXT, 0},
    [P_LAKEKEEPER] = {"lakekeeper", SQL_OID_TEXT, SQL_COL_HIDDEN},
};

/* argv slots: principal, principal_name, principal_type */
static const int principal_keys[] = {P_ID, P_NAME, P_TYPE};

static int principals_best_index(void *aux, const struct sql_index_in *in,
                                 struct sql_index_out *out, struct lw_err *err)
{
    (void)aux;
    (void)err;
    return perm_prow_push(principal_keys, 3, in, out);
}

static int principals_open(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                           struct lw_err *err)
{
    return perm_prow_open(aux, qc, cur, &perm_principals_module, err);
}

/* Splits principal values into user ids (they contain '~') and role ids (the rest), as
 * Lakekeeper tells them apart; the "user:" and "role:" forms of OpenFGA are accepted. */
static int split_principals(char **v, int n, char ***users, int *nu, char ***roles, int *nr,
                            struct lw_err *err)
{
    *users = lw_calloc((size_t)n + 1, sizeof **users);
    *roles = lw_calloc((size_t)n + 1, sizeof **roles);
    *nu = *nr = 0;
    if (!*users || !*roles)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    for (int i = 0; i < n; i++) {
        bool is_role = false;
        char *id = lk_principals_from_fga_subject(v[i], &is_role);
        if (!id && strncmp(v[i], "role:", 5) == 0 && strchr(v[i], '#') == NULL) {
            id = lw_strdup(v[i] + 5);
            is_role = true;
        } else if (!id) {
            is_role = strchr(v[i], '~') == NULL;
            id = lw_strdup(v[i]);
        }
        if (!id)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        if (is_role)
            (*roles)[(*nr)++] = id;
        else
            (*users)[(*nu)++] = id;
    }
    return 0;
}

static int principals_rows(struct perm_prow_cursor *c, struct lw_err *err)
{
    static const char *const kind[] = {"user", "role"};
    for (size_t i = 0; i < c->pr.nusers + c->pr.nroles; i++) {
        bool role = i >= c->pr.nusers;
        const struct lk_user *u = role ? NULL : &c->pr.users[i];
        const struct lk_role *r = role ? &c->pr.roles[i - c->pr.nusers] : NULL;
        struct sql_value *row = perm_prow_add(c);
        if (!row)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        perm_prow_text(&row[P_TYPE], kind[role]);
        perm_prow_text(&row[P_ID], role ? r->id : u->id);
        perm_prow_text(&row[P_NAME], role ? r->name : u->name);
        perm_prow_text(&row[P_PROJECT], role ? r->project_id : NULL);
        perm_prow_text(&row[P_LAKEKEEPER], instance_of(c, role ? r->inst : u->inst));
        const char *fga = perm_prow_own(c, lk_principals_fga_subject(role ? r->id : u->id,
                                                                     role));
        if (!fga)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        perm_prow_text(&row[P_FGA], fga);
    }
    return 0;
}

/* Whether the = / IN values of principal_type admit kind. */
static bool type_wanted(char **types, int ntypes, bool type_given, const char *kind)
{
    if (!type_given)
        return true;
    for (int i = 0; i < ntypes; i++)
        if (strcmp(types[i], kind) == 0)
            return true;
    return false;
}

static int principals_filter(struct sql_cursor *cur, int plan, int argc,
                             const struct sql_value *argv, struct lw_err *err)
{
    struct perm_prow_cursor *c = (struct perm_prow_cursor *)cur;
    char **ids = NULL, **names = NULL, **types = NULL, **uids = NULL, **rids = NULL;
    int nids = 0, nnames = 0, ntypes = 0, nu = 0, nr = 0, rc = 0;
    perm_prow_reset(c);
    const struct sql_value *a_id = arg_of(plan, 0, argc, argv);
    const struct sql_value *a_name = arg_of(plan, 1, argc, argv);
    const struct sql_value *a_type = arg_of(plan, 2, argc, argv);
    if (a_id && (rc = perm_prow_strs(a_id, MAX_KEYS, "principal", &ids, &nids, err)) == 0)
        rc = split_principals(ids, nids, &uids, &nu, &rids, &nr, err);
    if (rc == 0 && !a_id && a_name)
        rc = perm_prow_strs(a_name, MAX_KEYS, "principal_name", &names, &nnames, err);
    if (rc == 0 && a_type)
        rc = perm_prow_strs(a_type, MAX_KEYS, "principal_type", &types, &ntypes, err);
    /* Users: by id, else by name, else all; skipped when the keys rule them out. */
    struct lk_principal_filter uf = {(const char *const *)uids, nu,
                                     (const char *const *)names, nnames};
    if (rc == 0 && type_wanted(types, ntypes, a_type, "user") && !(a_id && nu == 0) &&
        !(a_name && !a_id && nnames == 0))
        rc = read_users(c, &uf, err);
    /* Roles: by id, else all (names are matched by the engine). */
    struct lk_principal_filter rf = {(const char *const *)rids, nr, NULL, 0};
    if (rc == 0 && type_wanted(types, ntypes, a_type, "role") && !(a_id && nr == 0))
        rc = perm_prow_read_roles(c, &rf, "can_read", err);
    if (rc == 0)
        rc = principals_rows(c, err);
    perm_prow_free_strs(ids, nids);
    perm_prow_free_strs(names, nnames);
    perm_prow_free_strs(types, ntypes);
    perm_prow_free_strs(uids, nu);
    perm_prow_free_strs(rids, nr);
    return rc;
}

const struct sql_vtab_module perm_principals_module = {
    .name = "principals",
    .cols = principal_cols,
    .ncols = P_NCOLS,
    .best_index = principals_best_index,
    .open = principals_open,
    .filter = principals_filter,
    .next = perm_prow_next,
    .eof = perm_prow_eof,
    .column = perm_prow_column,
    .close = perm_prow_close,
};
