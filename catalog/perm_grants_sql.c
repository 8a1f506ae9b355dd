/* perm_grants_sql.c -- lakeward.grants and lakeward.grant_history (perm_grants_sql.h). One
 * module body serves both: they differ in the rows' source (the snapshot's tuples or its
 * change window) and in their last two columns. A scan copies the snapshot once, keeps the
 * tuples that are grants (the §2.1 relations on the §3.4 object types; hierarchy,
 * managed_access and role membership are not grants), filters them by what the reader may
 * see, and looks human names up in the catalog cache when one is configured (a failing
 * catalog leaves names NULL rather than failing the scan: the grants themselves are known),
 * principals' names in the principal name cache when the query reads principal_name. */
#include "perm_grants_sql.h"
#include "lk_principals.h"

#include "fga_snapshot.h"
#include "perm_tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    COL_OBJECT_TYPE,
    COL_OBJECT_ID,
    COL_WAREHOUSE_ID,
    COL_PROJECT_ID,
    COL_OBJECT_NAME,
    COL_PRIVILEGE,
    COL_PRINCIPAL_TYPE,
    COL_PRINCIPAL,
    COL_PRINCIPAL_NAME,
    COL_FGA_OBJECT,
    COL_FGA_SUBJECT,
    COL_TIME,           /* granted_at / changed_at */
    COL_LAST,           /* grants: object_exists; grant_history: operation */
    NCOLS
};

static const struct sql_col grant_cols[NCOLS] = {
    [COL_OBJECT_TYPE] = {"object_type", SQL_OID_TEXT, 0},
    [COL_OBJECT_ID] = {"object_id", SQL_OID_TEXT, 0},
    [COL_WAREHOUSE_ID] = {"warehouse_id", SQL_OID_TEXT, 0},
    [COL_PROJECT_ID] = {"project_id", SQL_OID_TEXT, 0},
    [COL_OBJECT_NAME] = {"object_name", SQL_OID_TEXT, 0},
    [COL_PRIVILEGE] = {"privilege", SQL_OID_TEXT, 0},
    [COL_PRINCIPAL_TYPE] = {"principal_type", SQL_OID_TEXT, 0},
    [COL_PRINCIPAL] = {"principal", SQL_OID_TEXT, 0},
    [COL_PRINCIPAL_NAME] = {"principal_name", SQL_OID_TEXT, 0},
    [COL_FGA_OBJECT] = {"fga_object", SQL_OID_TEXT, 0},
    [COL_FGA_SUBJECT] = {"fga_subject", SQL_OID_TEXT, 0},
    [COL_TIME] = {"granted_at", SQL_OID_TIMESTAMPTZ, 0},
    [COL_LAST] = {"object_exists", SQL_OID_BOOL, 0},
};

static const struct sql_col history_cols[NCOLS] = {
    [COL_OBJECT_TYPE] = {"object_type", SQL_OID_TEXT, 0},
    [COL_OBJECT_ID] = {"object_id", SQL_OID_TEXT, 0},
    [COL_WAREHOUSE_ID] = {"warehouse_id", SQL_OID_TEXT, 0},
    [COL_PROJECT_ID] = {"project_id", SQL_OID_TEXT, 0},
    [COL_OBJECT_NAME] = {"object_name", SQL_OID_TEXT, 0},
    [COL_PRIVILEGE] = {"privilege", SQL_OID_TEXT, 0},
    [COL_PRINCIPAL_TYPE] = {"principal_type", SQL_OID_TEXT, 0},
    [COL_PRINCIPAL] = {"principal", SQL_OID_TEXT, 0},
    [COL_PRINCIPAL_NAME] = {"principal_name", SQL_OID_TEXT, 0},
    [COL_FGA_OBJECT] = {"fga_object", SQL_OID_TEXT, 0},
    [COL_FGA_SUBJECT] = {"fga_subject", SQL_OID_TEXT, 0},
    [COL_TIME] = {"changed_at", SQL_OID_TIMESTAMPTZ, 0},
    [COL_LAST] = {"operation", SQL_OID_TEXT, 0},
};

/* OpenFGA types Lakekeeper writes (§3.4) and the object_type the tables show. */
static const struct {
    const char *fga, *type;
} object_types[] = {
    {"server", "server"},       {"project", "project"},
    {"warehouse", "warehouse"}, {"namespace", "namespace"},
    {"lakekeeper_table", "table"}, {"lakekeeper_view", "view"},
    {"lakekeeper_generic_table", "generic_table"}, {"role", "role"},
    {"lakekeeper_catalog_tag", "tag"},
};

/* Relations that are structure, not grants (§2.1 "special, non-grant relations"). */
static const char *const not_grants[] = {"server", "project", "warehouse", "namespace",
                                         "parent", "child", "managed_access",
                                         "managed_access_inheritance"};

/* More distinct objects than this in one non-admin scan is refused rather than checked one
 * BatchCheck at a time for minutes. */
#define MAX_CHECKED_OBJECTS 20000

struct row {
    const struct fga_tuple *t;
    const char *object_type;        /* static */
    const char *object_id;          /* in t->object */
    const char *principal_type;     /* static */
    char *principal;                /* decoded; owned */
    char *warehouse_id, *project_id, *object_name;     /* owned, NULL when unknown */
    char *principal_name;           /* owned; NULL when unknown, hidden or not read */
    signed char exists;             /* 1, 0, -1 unknown */
};

struct cursor {
    struct sql_cursor base;
    struct perm_world *w;
    const struct sql_query_ctx *qc;
    struct fga_snap_data snap;
    struct row *rows;
    size_t n, pos;
};

/* Plan bits: the query reads principal_name, so the scan needs the principals' names; it reads
 * a column from the catalog cache (CATALOG_COLS), so the scan loads it. */
#define PLAN_PRINCIPAL_NAMES 1
#define PLAN_CATALOG_NAMES 2

static const char *object_type_of(const char *object, size_t type_len)
{
    for (size_t i = 0; i < sizeof object_types / sizeof *object_types; i++)
        if (strlen(object_types[i].fga) == type_len &&
            memcmp(object_types[i].fga, object, type_len) == 0)
            return object_types[i].type;
    return NULL;
}

static bool is_grant_relation(const char *relation, const char *object_type)
{
    for (size_t i = 0; i < sizeof not_grants / sizeof *not_grants; i++)
        if (strcmp(relation, not_grants[i]) == 0)
            return false;
    /* Role membership is role_members' (§4.1); role ownership is a grant. */
    return !(strcmp(object_type, "role") == 0 && strcmp(relation, "assignee") == 0);
}

/* Whether an OpenFGA subject names one principal (a user, or a role's assignees) rather than
 * a wildcard or another userset: such a subject that does not decode is an error, never a
 * silently missing grant. */
static bool names_a_principal(const char *subject)
{
    size_t n = strlen(subject);
    if (strncmp(subject, "user:", 5) == 0)
        return n > 5 && strcmp(subject + 5, "*") != 0 && !strchr(subject, '#');
    return strncmp(subject, "role:", 5) == 0 && n > 14 &&
           strcmp(subject + n - 9, "#assignee") == 0;
}

static void row_free(struct row *r)
{
    lw_free(r->principal);
    lw_free(r->warehouse_id);
    lw_free(r->project_id);
    lw_free(r->object_name);
    lw_free(r->principal_name);
}

static void rows_free(struct cursor *c)
{
    for (size_t i = 0; i < c->n; i++)
        row_free(&c->rows[i]);
    lw_free(c->rows);
    c->rows = NULL;
    c->n = c->pos = 0;
    fga_snap_data_free(&c->snap);
}

/* Columns filled from the catalog cache. Loading it costs one Lakekeeper listing per namespace
 * the grants point into (minutes for a cold 10,000-table warehouse), so a query that reads none
 * of them (count(*), a dashboard's totals) does not load it. */
#define CATALOG_COLS ((1ull << COL_WAREHOUSE_ID) | (1ull << COL_PROJECT_ID) | \
                      (1ull << COL_OBJECT_NAME))

static void plan_for(uint64_t cols_used, uint64_t catalog_cols, struct sql_index_out *out)
{
    out->plan = (cols_used & (1ull << COL_PRINCIPAL_NAME) ? PLAN_PRINCIPAL_NAMES : 0) |
                (cols_used & catalog_cols ? PLAN_CATALOG_NAMES : 0);
    out->est_cost = 100;
    out->est_rows = 10000;
}

/* grants: object_exists (COL_LAST) comes from the catalog too. */
static int best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err)
{
    (void)aux;
    (void)err;
    plan_for(in->cols_used, CATALOG_COLS | (1ull << COL_LAST), out);
    return 0;
}

/* grant_history: COL_LAST is the operation, from the change itself. */
static int history_best_index(void *aux, const struct sql_index_in *in,
                              struct sql_index_out *out, struct lw_err *err)
{
    (void)aux;
    (void)err;
    plan_for(in->cols_used, CATALOG_COLS, out);
    return 0;
}

static int open_common(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       const struct sql_vtab_module *mod, struct lw_err *err)
{
    struct cursor *c = lw_calloc(1, sizeof(*c));
    if (!c)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    c->base.mod = mod;
    c->w = aux;
    c->qc = qc;
    *cur = &c->base;
    return 0;
}

static int open_grants(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       struct lw_err *err)
{
    return open_common(aux, qc, cur, &perm_grants_module, err);
}

static int open_history(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                        struct lw_err *err)
{
    return open_common(aux, qc, cur, &perm_grant_history_module, err);
}

/* The snapshot's refusal as the scan's error: no rows rather than rows of an unknown store. */
static int not_loaded(const struct fga_snap_state *st, const char *table, struct lw_err *err)
{
    if (st->error[0])
        lw_err_set(err, LW_EIO, "%s: the openfga mirror holds no store: %s", table, st->error);
    else
        lw_err_set(err, LW_EIO, "%s: the openfga mirror has not finished its first load yet",
                   table);
    memcpy(err->sqlstate, "55000", 6);
    return LW_EIO;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Non-admins: keeps the rows whose object OpenFGA says the principal may read the
 * assignments of. Any failure to ask fails the scan with 42501. */
static int keep_readable(struct cursor *c, const char *table, struct lw_err *err)
{
    if (!c->n)
        return LW_OK;
    const char **objs = lw_malloc(c->n * sizeof(*objs));
    size_t nobj = 0;
    int rc = LW_OK;
    struct fga_key *keys = NULL;
    bool *allowed = NULL;
    char *user = NULL;
    struct fga_client *fc = NULL;
    if (!objs)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->n; i++)
        objs[i] = c->rows[i].t->object;
    qsort(objs, c->n, sizeof(*objs), cmp_str);
    for (size_t i = 0; i < c->n; i++)
        if (!nobj || strcmp(objs[nobj - 1], objs[i]) != 0)
            objs[nobj++] = objs[i];
    if (nobj > MAX_CHECKED_OBJECTS) {
        rc = lw_err_set(err, LW_ENOMEM, "%s: more than %d objects to check for a "
                        "non-administrator; filter by object", table, MAX_CHECKED_OBJECTS);
        goto out;
    }
    keys = lw_calloc(nobj, sizeof(*keys));
    allowed = lw_calloc(nobj, sizeof(*allowed));
    user = lk_principals_fga_subject(c->qc->principal ? c->qc->principal : "", false);
    if (!keys || !allowed || !user) {
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nobj; i++)
        keys[i] = (struct fga_key){user, "can_read_assignments", objs[i]};
    if (!(fc = fga_client_new(&c->w->fga.fga, err))) {
        rc = err->code;
        goto out;
    }
    rc = fga_check(fc, keys, allowed, (int)nobj, c->qc->deadline_us, err);
    if (rc != LW_OK)
        goto out;
    size_t kept = 0;
    for (size_t i = 0; i < c->n; i++) {
        const char *o = c->rows[i].t->object;
        const char **hit = bsearch(&o, objs, nobj, sizeof(*objs), cmp_str);
        if (hit && allowed[hit - objs]) {
            c->rows[kept++] = c->rows[i];
        } else {
            row_free(&c->rows[i]);
        }
    }
    c->n = kept;
out:
    if (rc != LW_OK) {
        /* Fail closed: the reader sees nothing rather than grants it may not read. */
        char reason[sizeof err->msg];
        snprintf(reason, sizeof reason, "%s", err->msg);
        lw_err_set(err, LW_EAUTH, "%s: cannot verify which grants %s may read: %s", table,
                   c->qc->principal ? c->qc->principal : "(none)", reason);
        memcpy(err->sqlstate, "42501", 6);
        rc = LW_EAUTH;
    }
    fga_client_free(fc);
    lw_free(user);
    lw_free(keys);
    lw_free(allowed);
    lw_free(objs);
    return rc;
}

/* The part of the catalog the rows name: the namespace trees only for grants below
 * warehouses, and tables or views listings only when a grant is on one. Every listing is a
 * Lakekeeper call that Lakekeeper authorizes in OpenFGA, which costs seconds in a warehouse
 * of 10,000 tables (docs/benchmarks.md), so grants on tables alone list no views. */
static struct lk_cat_scope scope_of_rows(const struct cursor *c)
{
    bool tables = false, views = false, namespaces = false;
    for (size_t i = 0; i < c->n; i++) {
        const char *type = c->rows[i].object_type;
        tables |= strcmp(type, "table") == 0;
        views |= strcmp(type, "view") == 0;
        namespaces |= strcmp(type, "namespace") == 0;
    }
    return (struct lk_cat_scope){.namespaces = namespaces || tables || views,
                                 .tabulars = tables || views,
                                 .skip_tables = !tables,
                                 .skip_views = !views};
}

/* Names, project and warehouse from the catalog cache, when there is one and it loads. */
static void add_names(struct cursor *c)
{
    struct perm_catalog *pc = c->w->catalog;
    struct lw_err err = {0};
    struct lk_cat_scope s = scope_of_rows(c);
    if (!pc || perm_catalog_load(pc, &s, c->qc->deadline_us, &err) != 0)
        return;
    for (size_t i = 0; i < c->n; i++) {
        struct row *r = &c->rows[i];
        struct perm_cat_object obj;
        enum perm_cat_found f = perm_catalog_find(pc, r->t->object, &obj);
        if (f == PERM_CAT_NOT_CATALOG)
            continue;
        r->exists = f == PERM_CAT_FOUND;
        if (f != PERM_CAT_FOUND)
            continue;
        r->object_name = lw_strdup(obj.name);
        r->project_id = obj.project_id ? lw_strdup(obj.project_id) : NULL;
        if (obj.warehouse_id) {
            lw_free(r->warehouse_id);
            r->warehouse_id = lw_strdup(obj.warehouse_id);
        }
    }
}

/* Sorts v and keeps one of each string; returns how many remain. */
static size_t distinct(const char **v, size_t n)
{
    size_t k = 0;
    qsort(v, n, sizeof(*v), cmp_str);
    for (size_t i = 0; i < n; i++)
        if (!k || strcmp(v[k - 1], v[i]) != 0)
            v[k++] = v[i];
    return k;
}

/* The principals' names (perm_principal_names.h), as leniently as the objects' names: when
 * Lakekeeper cannot be read, principal_name stays NULL and the grants still show. Copied into
 * the rows: lakeward.catalog_refresh() in the same statement may drop the cache. */
static void add_principal_names(struct cursor *c)
{
    const char **ids = lw_calloc(c->n + 1, sizeof(*ids));
    size_t nusers = 0, nroles = 0;
    struct lw_err err = {0};
    if (!ids)
        return;
    /* users from the front of ids, roles from the back */
    for (size_t i = 0; i < c->n; i++) {
        bool role = strcmp(c->rows[i].principal_type, "role") == 0;
        if (role)
            ids[c->n - ++nroles] = c->rows[i].principal;
        else
            ids[nusers++] = c->rows[i].principal;
    }
    const char **roles = ids + c->n - nroles;
    nusers = distinct(ids, nusers);
    nroles = distinct(roles, nroles);
    struct perm_principal_names_view view;
    if (perm_principal_names_view(c->w->principal_names, c->w->with_fga ? &c->w->fga.fga : NULL,
                                  c->qc, ids, nusers, roles, nroles, &view, &err) == 0)
        for (size_t i = 0; i < c->n; i++) {
            struct row *r = &c->rows[i];
            const char *name = perm_principal_names_get(&view, r->principal,
                                                        strcmp(r->principal_type, "role") == 0);
            /* out of memory: the name stays NULL, as when it cannot be read */
            r->principal_name = name ? lw_strdup(name) : NULL;
        }
    perm_principal_names_view_free(&view);
    lw_free(ids);
}

static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    bool history = cur->mod == &perm_grant_history_module;
    (void)argc, (void)argv;
    rows_free(c);
    if (!c->w->fga_snap)
        return lw_err_set(err, LW_ECONFIG, "%s: no openfga mirror runs", cur->mod->name);
    int rc = fga_snap_copy(c->w->fga_snap, !history, history, &c->snap, err);
    if (rc != LW_OK)
        return rc;
    if (!c->snap.state.loaded)
        return not_loaded(&c->snap.state, cur->mod->name, err);
    const struct fga_tuple *src = history ? c->snap.changes : c->snap.tuples;
    size_t nsrc = history ? c->snap.nchanges : c->snap.ntuples;
    if (!(c->rows = lw_calloc(nsrc ? nsrc : 1, sizeof(*c->rows))))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    for (size_t i = 0; i < nsrc; i++) {
        const struct fga_tuple *t = &src[i];
        const char *colon = strchr(t->object, ':');
        const char *type = colon ? object_type_of(t->object, (size_t)(colon - t->object)) : NULL;
        if (!type || !is_grant_relation(t->relation, type))
            continue;
        struct row *r = &c->rows[c->n];
        bool is_role = false;
        if (!(r->principal = lk_principals_from_fga_subject(t->user, &is_role))) {
            if (!names_a_principal(t->user))
                continue;
            return lw_err_set(err, LW_EIO, "grant subject \"%s\" could not be decoded (out of "
                              "memory, or not Lakekeeper's percent-encoding)", t->user);
        }
        r->principal_type = is_role ? "role" : "user";
        r->t = t;
        r->object_type = type;
        r->exists = -1;
        /* Tabulars are "<warehouse>/<id>": the warehouse is in the object itself. */
        const char *slash = strchr(colon + 1, '/');
        r->object_id = slash ? slash + 1 : colon + 1;
        if (slash && !(r->warehouse_id = lw_strndup(colon + 1, (size_t)(slash - colon - 1)))) {
            lw_free(r->principal);
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        }
        c->n++;
    }
    if (!c->qc->admin && (rc = keep_readable(c, cur->mod->name, err)) != LW_OK)
        return rc;
    if (plan & PLAN_CATALOG_NAMES)
        add_names(c);
    if (plan & PLAN_PRINCIPAL_NAMES)
        add_principal_names(c);
    return 0;
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
    return c->pos >= c->n;
}

static void text(struct sql_value *v, const char *s)
{
    if (!s)
        return;
    v->type = SQL_V_TEXT;
    v->u.s.p = s;
    v->u.s.len = strlen(s);
}

static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct row *r = &c->rows[c->pos];
    memset(v, 0, sizeof(*v));
    switch (col) {
    case COL_OBJECT_TYPE: text(v, r->object_type); break;
    case COL_OBJECT_ID: text(v, r->object_id); break;
    case COL_WAREHOUSE_ID:
        text(v, r->warehouse_id ? r->warehouse_id
                : strcmp(r->object_type, "warehouse") == 0 ? r->object_id : NULL);
        break;
    case COL_PROJECT_ID:
        text(v, r->project_id ? r->project_id
                : strcmp(r->object_type, "project") == 0 ? r->object_id : NULL);
        break;
    case COL_OBJECT_NAME: text(v, r->object_name); break;
    case COL_PRIVILEGE: text(v, r->t->relation); break;
    case COL_PRINCIPAL_TYPE: text(v, r->principal_type); break;
    case COL_PRINCIPAL: text(v, r->principal); break;
    case COL_PRINCIPAL_NAME: text(v, r->principal_name); break;
    case COL_FGA_OBJECT: text(v, r->t->object); break;
    case COL_FGA_SUBJECT: text(v, r->t->user); break;
    case COL_TIME:
        if (r->t->ts_ms > 0) {
            v->type = SQL_V_TIME;
            v->u.us = r->t->ts_ms * 1000;
        }
        break;
    case COL_LAST:
        if (cur->mod == &perm_grant_history_module) {
            text(v, r->t->deleted ? "revoke" : "grant");
        } else if (r->exists >= 0) {
            v->type = SQL_V_BOOL;
            v->u.b = r->exists == 1;
        }
        break;
    default: return lw_err_set(err, LW_EINVAL, "no column %d in %s", col, cur->mod->name);
    }
    return 0;
}

static void close_cursor(struct sql_cursor *cur)
{
    struct cursor *c = (struct cursor *)cur;
    if (!c)
        return;
    rows_free(c);
    lw_free(c);
}

const struct sql_vtab_module perm_grants_module = {
    .name = "grants",
    .cols = grant_cols,
    .ncols = NCOLS,
    .best_index = best_index,
    .open = open_grants,
    .filter = filter,
    .next = next,
    .eof = eof,
    .column = column,
    .close = close_cursor,
};

const struct sql_vtab_module perm_grant_history_module = {
    .name = "grant_history",
    .cols = history_cols,
    .ncols = NCOLS,
    .best_index = history_best_index,
    .open = open_history,
    .filter = filter,
    .next = next,
    .eof = eof,
    .column = column,
    .close = close_cursor,
};
