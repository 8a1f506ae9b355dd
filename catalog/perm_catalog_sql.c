/* perm_catalog_sql.c -- the catalog object tables (perm_catalog_sql.h). One cursor for all
 * of them: a table is a row of cat_tables (columns, which columns are pushable keys, how its
 * rows are built); filter reads the catalog (perm_catalog_load: the shared snapshot in a
 * backend), builds every row the keys select into
 * the statement's arena, and for a non-admin keeps only the rows Lakekeeper's batch-check
 * (or, for projects, the project's /actions) allows. */
#include "perm_catalog_sql.h"
#include "lk_check.h"
#include "perm_catalog.h"

#include "../server/core/lw_arena.h"
#include "../server/core/lw_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The keys a query can push down, in scope order. */
enum key { K_PROJECT, K_WH_ID, K_WH_NAME, K_NS_ID, K_NS_NAME, NKEYS };
#define KEY_BITS 3

struct keys {
    const char **v[NKEYS];      /* NULL: not given */
    int n[NKEYS];
};

enum kind { T_SERVER, T_PROJECTS, T_WAREHOUSES, T_NAMESPACES, T_TABLES, T_VIEWS };

/* What a non-admin's row is checked with. */
struct vis {
    int inst;
    enum lk_object obj;
    bool project;               /* checked through the project's /actions instead */
    bool always;                /* visible to every authenticated reader */
    const char *warehouse_id, *project_id, *name;
    char *const *path;
    int depth;
};

struct cat_table {
    enum kind kind;
    const char *name;
    const struct sql_col *cols;
    int ncols;
    int key_col[NKEYS];         /* column of each key, -1: not pushable here */
};

struct cur {
    struct sql_cursor base;
    const struct cat_table *t;
    struct perm_catalog *pc;
    const struct sql_query_ctx *qc;
    struct sql_value *vals;     /* nrows * ncols */
    struct vis *vis;            /* nrows */
    size_t nrows, cap, pos;
};

/* ---- columns ---------------------------------------------------------------------------- */

#define OPT SQL_COL_KEY_OPTIONAL

enum { S_SERVER_ID, S_VERSION, S_AUTHZ, S_BOOT, S_DEFAULT_PROJECT, S_STORE, S_MODEL,
       S_PRINCIPAL, S_IS_ADMIN, S_LOADED_AT, S_INSTANCE, S_N };
static const struct sql_col server_cols[S_N] = {
    [S_SERVER_ID] = {"server_id", SQL_OID_UUID, 0},
    [S_VERSION] = {"lakekeeper_version", SQL_OID_TEXT, 0},
    [S_AUTHZ] = {"authz_backend", SQL_OID_TEXT, 0},
    [S_BOOT] = {"bootstrapped", SQL_OID_BOOL, 0},
    [S_DEFAULT_PROJECT] = {"default_project_id", SQL_OID_TEXT, 0},
    [S_STORE] = {"fga_store_id", SQL_OID_TEXT, 0},
    [S_MODEL] = {"fga_model_id", SQL_OID_TEXT, 0},
    [S_PRINCIPAL] = {"service_principal", SQL_OID_TEXT, 0},
    [S_IS_ADMIN] = {"service_is_instance_admin", SQL_OID_BOOL, 0},
    [S_LOADED_AT] = {"catalog_loaded_at", SQL_OID_TIMESTAMPTZ, 0},
    [S_INSTANCE] = {"instance", SQL_OID_TEXT, 0},
};

enum { P_ID, P_NAME, P_DEFAULT, P_FGA, P_INSTANCE, P_N };
static const struct sql_col project_cols[P_N] = {
    [P_ID] = {"project_id", SQL_OID_TEXT, OPT},
    [P_NAME] = {"project_name", SQL_OID_TEXT, 0},
    [P_DEFAULT] = {"is_default", SQL_OID_BOOL, 0},
    [P_FGA] = {"fga_object", SQL_OID_TEXT, 0},
    [P_INSTANCE] = {"instance", SQL_OID_TEXT, 0},
};

enum { W_ID, W_NAME, W_PROJECT, W_STATUS, W_PROTECTED, W_MANAGED_BY, W_STORAGE_TYPE,
       W_STORAGE_LOCATION, W_DELETE_PROFILE, W_SOFT_DELETE, W_FGA, W_INSTANCE, W_N };
static const struct sql_col warehouse_cols[W_N] = {
    [W_ID] = {"warehouse_id", SQL_OID_UUID, OPT},
    [W_NAME] = {"warehouse_name", SQL_OID_TEXT, OPT},
    [W_PROJECT] = {"project_id", SQL_OID_TEXT, OPT},
    [W_STATUS] = {"status", SQL_OID_TEXT, 0},
    [W_PROTECTED] = {"protected", SQL_OID_BOOL, 0},
    [W_MANAGED_BY] = {"managed_by", SQL_OID_TEXT, 0},
    [W_STORAGE_TYPE] = {"storage_type", SQL_OID_TEXT, 0},
    [W_STORAGE_LOCATION] = {"storage_location", SQL_OID_TEXT, 0},
    [W_DELETE_PROFILE] = {"delete_profile", SQL_OID_TEXT, 0},
    [W_SOFT_DELETE] = {"soft_delete_seconds", SQL_OID_INT8, 0},
    [W_FGA] = {"fga_object", SQL_OID_TEXT, 0},
    [W_INSTANCE] = {"instance", SQL_OID_TEXT, 0},
};

enum { N_ID, N_NAME, N_PATH, N_PARENT, N_DEPTH, N_WH_ID, N_WH_NAME, N_PROJECT, N_PROTECTED,
       N_FGA, N_INSTANCE, N_N };
static const struct sql_col namespace_cols[N_N] = {
    [N_ID] = {"namespace_id", SQL_OID_UUID, OPT},
    [N_NAME] = {"namespace_name", SQL_OID_TEXT, OPT},
    [N_PATH] = {"namespace_path", SQL_OID_TEXT_ARRAY, 0},
    [N_PARENT] = {"parent_namespace_id", SQL_OID_UUID, 0},
    [N_DEPTH] = {"depth", SQL_OID_INT4, 0},
    [N_WH_ID] = {"warehouse_id", SQL_OID_UUID, OPT},
    [N_WH_NAME] = {"warehouse_name", SQL_OID_TEXT, OPT},
    [N_PROJECT] = {"project_id", SQL_OID_TEXT, OPT},
    [N_PROTECTED] = {"protected", SQL_OID_BOOL, 0},
    [N_FGA] = {"fga_object", SQL_OID_TEXT, 0},
    [N_INSTANCE] = {"instance", SQL_OID_TEXT, 0},
};

/* tables and views share their shape; only the first two names differ. */
enum { TB_ID, TB_NAME, TB_FULL, TB_NS_ID, TB_NS_NAME, TB_NS_PATH, TB_WH_ID, TB_WH_NAME,
       TB_PROJECT, TB_PROTECTED, TB_FGA, TB_INSTANCE, TB_N };
#define TABULAR_COLS(idcol, namecol)                                                          \
    {                                                                                          \
        [TB_ID] = {idcol, SQL_OID_UUID, 0}, [TB_NAME] = {namecol, SQL_OID_TEXT, 0},            \
        [TB_FULL] = {"full_name", SQL_OID_TEXT, 0},                                            \
        [TB_NS_ID] = {"namespace_id", SQL_OID_UUID, OPT},                                      \
        [TB_NS_NAME] = {"namespace_name", SQL_OID_TEXT, OPT},                                  \
        [TB_NS_PATH] = {"namespace_path", SQL_OID_TEXT_ARRAY, 0},                              \
        [TB_WH_ID] = {"warehouse_id", SQL_OID_UUID, OPT},                                      \
        [TB_WH_NAME] = {"warehouse_name", SQL_OID_TEXT, OPT},                                  \
        [TB_PROJECT] = {"project_id", SQL_OID_TEXT, OPT},                                      \
        [TB_PROTECTED] = {"protected", SQL_OID_BOOL, 0},                                       \
        [TB_FGA] = {"fga_object", SQL_OID_TEXT, 0}, [TB_INSTANCE] = {"instance", SQL_OID_TEXT, 0}, \
    }
static const struct sql_col table_cols[TB_N] = TABULAR_COLS("table_id", "table_name");
static const struct sql_col view_cols[TB_N] = TABULAR_COLS("view_id", "view_name");

#define NO_KEYS {-1, -1, -1, -1, -1}
static const struct cat_table cat_tables[] = {
    {T_SERVER, "lakekeeper_server", server_cols, S_N, NO_KEYS},
    {T_PROJECTS, "projects", project_cols, P_N, {P_ID, -1, -1, -1, -1}},
    {T_WAREHOUSES, "warehouses", warehouse_cols, W_N, {W_PROJECT, W_ID, W_NAME, -1, -1}},
    {T_NAMESPACES, "namespaces", namespace_cols, N_N,
     {N_PROJECT, N_WH_ID, N_WH_NAME, N_ID, N_NAME}},
    {T_TABLES, "tables", table_cols, TB_N,
     {TB_PROJECT, TB_WH_ID, TB_WH_NAME, TB_NS_ID, TB_NS_NAME}},
    {T_VIEWS, "views", view_cols, TB_N, {TB_PROJECT, TB_WH_ID, TB_WH_NAME, TB_NS_ID, TB_NS_NAME}},
};

/* ---- planning ------------------------------------------------------------------------------ */

static const struct cat_table *table_of(const struct sql_vtab_module *m);

static int best_index_for(const struct cat_table *t, const struct sql_index_in *in,
                          struct sql_index_out *out)
{
    bool used[NKEYS] = {false};
    int nargs = 0, plan = 0;
    for (int i = 0; i < in->nconstraint; i++) {
        const struct sql_index_constraint *k = &in->constraint[i];
        if (!k->usable || (k->op != SQL_OP_EQ && k->op != SQL_OP_IN))
            continue;
        for (int key = 0; key < NKEYS; key++) {
            if (t->key_col[key] != k->column || used[key])
                continue;
            used[key] = true;
            out->usage[i].arg_index = ++nargs;
            plan |= key << (KEY_BITS * (nargs - 1));
        }
    }
    out->plan = plan;
    /* Each key spares listings: a round trip weighs far more than rows in memory. */
    out->est_cost = 1000.0 / (1 + nargs);
    out->est_rows = t->kind == T_SERVER ? 1 : 100.0 / (1 + nargs);
    return 0;
}

/* The text members of an = or IN argument, copied into the arena (NULLs match nothing). */
static int key_values(struct cur *c, const struct sql_value *v, const char ***out, int *n,
                      struct lw_err *err)
{
    const struct sql_value *one = v, *list = v;
    int cnt = 1;
    if (v->type == SQL_V_ARRAY) {
        list = v->u.arr->v;
        cnt = v->u.arr->n;
    }
    const char **arr = lw_arena_alloc(c->qc->arena, (size_t)(cnt ? cnt : 1) * sizeof *arr);
    if (!arr)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    *n = 0;
    for (int i = 0; i < cnt; i++) {
        one = &list[i];
        if (one->type != SQL_V_TEXT)
            continue;
        if (!(arr[*n] = lw_arena_strndup(c->qc->arena, one->u.s.p, one->u.s.len)))
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        (*n)++;
    }
    *out = arr;
    return 0;
}

/* ---- rows ---------------------------------------------------------------------------------- */

static struct sql_value *row_new(struct cur *c, const struct vis *vis, struct lw_err *err)
{
    if (c->nrows == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct sql_value *v = lw_realloc(c->vals, cap * (size_t)c->t->ncols * sizeof *v);
        if (!v) {
            lw_err_set(err, LW_ENOMEM, "out of memory");
            return NULL;
        }
        c->vals = v;
        struct vis *s = lw_realloc(c->vis, cap * sizeof *s);
        if (!s) {
            lw_err_set(err, LW_ENOMEM, "out of memory");
            return NULL;
        }
        c->vis = s;
        c->cap = cap;
    }
    struct sql_value *row = &c->vals[c->nrows * (size_t)c->t->ncols];
    memset(row, 0, (size_t)c->t->ncols * sizeof *row);
    c->vis[c->nrows++] = *vis;
    return row;
}

/* Text copied into the statement's arena: the cache may be reloaded by another scan of the
 * same statement. NULL s stays SQL NULL. false without memory. */
static bool txt(struct cur *c, struct sql_value *v, const char *s)
{
    if (!s)
        return true;
    size_t len = strlen(s);
    char *d = lw_arena_strndup(c->qc->arena, s, len);
    if (!d)
        return false;
    v->type = SQL_V_TEXT;
    v->u.s.p = d;
    v->u.s.len = len;
    return true;
}

static bool fmt(struct cur *c, struct sql_value *v, const char *f, ...) LW_PRINTF(3, 4);

static bool fmt(struct cur *c, struct sql_value *v, const char *f, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return txt(c, v, buf);
}

static void boolean(struct sql_value *v, bool b)
{
    v->type = SQL_V_BOOL;
    v->u.b = b;
}

static void integer(struct sql_value *v, int64_t i)
{
    v->type = SQL_V_INT;
    v->u.i = i;
}

static bool text_array(struct cur *c, struct sql_value *v, char *const *parts, int n)
{
    struct sql_array *a = lw_arena_alloc(c->qc->arena, sizeof *a);
    struct sql_value *el = lw_arena_alloc(c->qc->arena, (size_t)(n ? n : 1) * sizeof *el);
    if (!a || !el)
        return false;
    memset(el, 0, (size_t)(n ? n : 1) * sizeof *el);
    for (int i = 0; i < n; i++)
        if (!txt(c, &el[i], parts[i]))
            return false;
    a->elem_oid = SQL_OID_TEXT;
    a->n = n;
    a->v = el;
    v->type = SQL_V_ARRAY;
    v->u.arr = a;
    return true;
}

static bool in_keys(const struct keys *k, enum key key, const char *v)
{
    if (!k->v[key])
        return true;
    for (int i = 0; i < k->n[key]; i++)
        if (v && strcasecmp(v, k->v[key][i]) == 0)
            return true;
    return false;
}

static int nomem(struct lw_err *err) { return lw_err_set(err, LW_ENOMEM, "out of memory"); }

static int rows_server(struct cur *c, int inst, struct lk_catalog *cat, struct lw_err *err)
{
    const struct lk_cat_server *s = lk_catalog_server(cat);
    const struct perm_catalog_opts *o = perm_catalog_options(c->pc);
    struct sql_value *r = row_new(c, &(struct vis){.inst = inst, .always = true}, err);
    if (!r)
        return err->code;
    boolean(&r[S_BOOT], s->bootstrapped);
    boolean(&r[S_IS_ADMIN], s->service_is_instance_admin);
    r[S_LOADED_AT].type = SQL_V_TIME;
    r[S_LOADED_AT].u.us = lk_catalog_loaded_wall_ms(cat) * 1000;
    if (!txt(c, &r[S_SERVER_ID], s->server_id) || !txt(c, &r[S_VERSION], s->version) ||
        !txt(c, &r[S_AUTHZ], s->authz_backend) ||
        !txt(c, &r[S_DEFAULT_PROJECT], s->default_project_id) ||
        !txt(c, &r[S_STORE], o->fga_store_id) || !txt(c, &r[S_MODEL], o->fga_model_id) ||
        !txt(c, &r[S_PRINCIPAL], s->service_principal) ||
        !txt(c, &r[S_INSTANCE], lk_catalog_instance(cat)))
        return nomem(err);
    return 0;
}

static int rows_projects(struct cur *c, int inst, struct lk_catalog *cat, const struct keys *k,
                         struct lw_err *err)
{
    size_t n;
    const struct lk_cat_project *p = lk_catalog_projects(cat, &n);
    const char *def = lk_catalog_server(cat)->default_project_id;
    for (size_t i = 0; i < n; i++) {
        if (!in_keys(k, K_PROJECT, p[i].id))
            continue;
        struct sql_value *r = row_new(
            c, &(struct vis){.inst = inst, .project = true, .project_id = p[i].id}, err);
        if (!r)
            return err->code;
        boolean(&r[P_DEFAULT], def && strcmp(def, p[i].id) == 0);
        if (!txt(c, &r[P_ID], p[i].id) || !txt(c, &r[P_NAME], p[i].name) ||
            !fmt(c, &r[P_FGA], "project:%s%s%s", p[i].id, "", "") ||
            !txt(c, &r[P_INSTANCE], lk_catalog_instance(cat)))
            return nomem(err);
    }
    return 0;
}

static int rows_warehouses(struct cur *c, int inst, struct lk_catalog *cat,
                           const struct lk_cat_scope *s, const struct keys *k,
                           struct lw_err *err)
{
    size_t n;
    const struct lk_cat_warehouse *w = lk_catalog_warehouses(cat, &n);
    for (size_t i = 0; i < n; i++) {
        if (!lk_cat_scope_warehouse(s, &w[i]) || !in_keys(k, K_PROJECT, w[i].project_id))
            continue;
        struct sql_value *r = row_new(c, &(struct vis){.inst = inst, .obj = LK_OBJ_WAREHOUSE,
                                                       .warehouse_id = w[i].id}, err);
        if (!r)
            return err->code;
        boolean(&r[W_PROTECTED], w[i].protected_);
        if (w[i].soft_delete_seconds >= 0)
            integer(&r[W_SOFT_DELETE], w[i].soft_delete_seconds);
        if (!txt(c, &r[W_ID], w[i].id) || !txt(c, &r[W_NAME], w[i].name) ||
            !txt(c, &r[W_PROJECT], w[i].project_id) || !txt(c, &r[W_STATUS], w[i].status) ||
            !txt(c, &r[W_MANAGED_BY], w[i].managed_by) ||
            !txt(c, &r[W_STORAGE_TYPE], w[i].storage_type) ||
            !txt(c, &r[W_STORAGE_LOCATION], w[i].storage_location) ||
            !txt(c, &r[W_DELETE_PROFILE], w[i].delete_profile) ||
            !fmt(c, &r[W_FGA], "warehouse:%s", w[i].id) ||
            !txt(c, &r[W_INSTANCE], lk_catalog_instance(cat)))
            return nomem(err);
    }
    return 0;
}

static int rows_namespace(struct cur *c, int inst, struct lk_catalog *cat,
                          const struct lk_cat_warehouse *w, const struct lk_cat_namespace *ns,
                          struct lw_err *err)
{
    struct sql_value *r = row_new(c, &(struct vis){.inst = inst, .obj = LK_OBJ_NAMESPACE,
                                                   .warehouse_id = w->id, .path = ns->path,
                                                   .depth = ns->depth}, err);
    if (!r)
        return err->code;
    boolean(&r[N_PROTECTED], ns->protected_);
    integer(&r[N_DEPTH], ns->depth);
    if (!txt(c, &r[N_ID], ns->id) || !txt(c, &r[N_NAME], ns->name) ||
        !text_array(c, &r[N_PATH], ns->path, ns->depth) ||
        !txt(c, &r[N_PARENT], ns->parent >= 0 ? w->ns[ns->parent].id : NULL) ||
        !txt(c, &r[N_WH_ID], w->id) || !txt(c, &r[N_WH_NAME], w->name) ||
        !txt(c, &r[N_PROJECT], w->project_id) ||
        !fmt(c, &r[N_FGA], "namespace:%s", ns->id) ||
        !txt(c, &r[N_INSTANCE], lk_catalog_instance(cat)))
        return nomem(err);
    return 0;
}

static int rows_tabulars(struct cur *c, int inst, struct lk_catalog *cat,
                         const struct lk_cat_warehouse *w, const struct lk_cat_namespace *ns,
                         bool views, struct lw_err *err)
{
    const struct lk_cat_tabular *t = views ? ns->views : ns->tables;
    size_t n = views ? ns->nviews : ns->ntables;
    const char *type = views ? "lakekeeper_view" : "lakekeeper_table";
    for (size_t i = 0; i < n; i++) {
        struct sql_value *r = row_new(
            c, &(struct vis){.inst = inst, .obj = views ? LK_OBJ_VIEW : LK_OBJ_TABLE,
                             .warehouse_id = w->id, .path = ns->path, .depth = ns->depth,
                             .name = t[i].name}, err);
        if (!r)
            return err->code;
        boolean(&r[TB_PROTECTED], t[i].protected_);
        char fga[512];
        snprintf(fga, sizeof fga, "%s:%s/%s", type, w->id, t[i].id);
        if (!txt(c, &r[TB_ID], t[i].id) || !txt(c, &r[TB_NAME], t[i].name) ||
            !fmt(c, &r[TB_FULL], "%s.%s.%s", w->name, ns->name, t[i].name) ||
            !txt(c, &r[TB_NS_ID], ns->id) || !txt(c, &r[TB_NS_NAME], ns->name) ||
            !text_array(c, &r[TB_NS_PATH], ns->path, ns->depth) ||
            !txt(c, &r[TB_WH_ID], w->id) || !txt(c, &r[TB_WH_NAME], w->name) ||
            !txt(c, &r[TB_PROJECT], w->project_id) || !txt(c, &r[TB_FGA], fga) ||
            !txt(c, &r[TB_INSTANCE], lk_catalog_instance(cat)))
            return nomem(err);
    }
    return 0;
}

static int rows_below(struct cur *c, int inst, struct lk_catalog *cat,
                      const struct lk_cat_scope *s, const struct keys *k, struct lw_err *err)
{
    size_t n;
    const struct lk_cat_warehouse *w = lk_catalog_warehouses(cat, &n);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!lk_cat_scope_warehouse(s, &w[i]) || !in_keys(k, K_PROJECT, w[i].project_id))
            continue;
        for (size_t j = 0; rc == 0 && j < w[i].nns; j++) {
            const struct lk_cat_namespace *ns = &w[i].ns[j];
            if (!lk_cat_scope_namespace(s, ns))
                continue;
            if (c->t->kind == T_NAMESPACES)
                rc = rows_namespace(c, inst, cat, &w[i], ns, err);
            else if (c->t->kind == T_VIEWS ? ns->views_loaded : ns->tables_loaded)
                rc = rows_tabulars(c, inst, cat, &w[i], ns, c->t->kind == T_VIEWS, err);
        }
    }
    return rc;
}

/* ---- visibility for non-admins ------------------------------------------------------------- */

/* Projects: GET /management/v1/project/actions?principalUser=<p>; visible when the principal
 * may get_metadata. 403/404 (Lakekeeper's answers for what they cannot see) deny. */
static int check_projects(struct cur *c, int inst, size_t *idx, int n, bool *allowed,
                          struct lw_err *err)
{
    struct lk_get g[64];
    char *paths[64];
    struct lw_buf b;
    struct lk_stats st = {.deadline_us = c->qc->deadline_us};
    memset(g, 0, sizeof g);
    for (int i = 0; i < n; i++) {
        lw_buf_init(&b, 4096);
        lw_buf_puts(&b, "/management/v1/project/actions?principalUser=");
        for (const unsigned char *p = (const unsigned char *)c->qc->principal; p && *p; p++)
            lw_buf_printf(&b, strchr("-_.~", *p) || (*p >= '0' && *p <= '9') ||
                                      ((*p | 32) >= 'a' && (*p | 32) <= 'z')
                                  ? "%c" : "%%%02X", *p);
        paths[i] = lw_buf_take(&b);
        g[i].path = paths[i] ? paths[i] : "";
        g[i].project_id = c->vis[idx[i]].project_id;
    }
    struct lw_err gerr = {0};
    /* Its code names only the first failure; every item's own status is read below. */
    int grc = lk_client_get(perm_catalog_client(c->pc, inst), g, n, &st, &gerr);
    (void)grc;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const json_t *acts = json_object_get(g[i].doc, "allowed-actions"), *a;
        size_t k;
        allowed[i] = false;
        if (g[i].doc) {
            json_array_foreach(acts, k, a) {
                const char *name = json_string_value(json_object_get(a, "action"));
                if (name && strcmp(name, "get_metadata") == 0)
                    allowed[i] = true;
            }
        } else if (g[i].status != 403 && g[i].status != 404 && rc == 0) {
            rc = lw_err_set(err, LW_EIO, "could not ask Lakekeeper which projects %s may see "
                            "(%s); no rows shown", c->qc->principal, g[i].error);
        }
        json_decref(g[i].doc);
        lw_free(paths[i]);
    }
    return rc;
}

static int check_objects(struct cur *c, int inst, size_t *idx, int n, bool *allowed,
                         struct lw_err *err)
{
    struct lk_check_item items[64];
    json_t *ns[64];
    int rc = 0;
    memset(ns, 0, sizeof ns);
    for (int i = 0; i < n; i++) {
        const struct vis *v = &c->vis[idx[i]];
        items[i].json = NULL;
        if (v->obj != LK_OBJ_WAREHOUSE) {
            if (!(ns[i] = json_array()))
                rc = nomem(err);
            for (int p = 0; rc == 0 && p < v->depth; p++)
                if (json_array_append_new(ns[i], json_string(v->path[p])) != 0)
                    rc = nomem(err);
        }
        struct lk_check chk = {v->obj, "get_metadata", NULL, v->warehouse_id, ns[i], v->name,
                               c->qc->principal};
        if (rc == 0 && !(items[i].json = lk_check_render(&chk)))
            rc = nomem(err);
    }
    if (rc == 0) {
        struct lk_stats st = {.deadline_us = c->qc->deadline_us};
        struct lk_check_opts o = {.cache_scope = "catalog", .ttl_ms = 5000};
        lk_client_check(perm_catalog_client(c->pc, inst), items, n, &o, &st);
        /* lk_client_check denies what it could not ask: fail closed, loudly. */
        if (st.failures > 0 || st.deadline_hit)
            rc = lw_err_set(err, st.deadline_hit ? LW_ETIMEOUT : LW_EIO,
                            "could not ask Lakekeeper which objects %s may see (%s); no rows "
                            "shown", c->qc->principal,
                            st.last_error[0] ? st.last_error : "deadline");
    }
    for (int i = 0; i < n; i++) {
        allowed[i] = rc == 0 && items[i].allowed;
        lw_free((char *)items[i].json);
        json_decref(ns[i]);
    }
    return rc;
}

/* Keeps only the rows the session's principal may see, asked in batches of 64 per instance
 * and kind of question. */
static int filter_visible(struct cur *c, struct lw_err *err)
{
    if (c->qc->admin)
        return 0;
    if (!c->qc->principal || !*c->qc->principal)
        return lw_err_set(err, LW_EAUTH, "%s: the session has no principal to ask Lakekeeper "
                          "about", c->t->name);
    bool *keep = lw_calloc(c->nrows ? c->nrows : 1, sizeof *keep);
    if (!keep)
        return nomem(err);
    int rc = 0;
    size_t idx[64];
    bool allowed[64];
    for (int pass = 0; pass < 2 && rc == 0; pass++) {   /* 0: projects, 1: objects */
        for (int inst = 0; inst < perm_catalog_count(c->pc) && rc == 0; inst++) {
            int n = 0;
            for (size_t r = 0; r <= c->nrows && rc == 0; r++) {
                bool take = r < c->nrows && c->vis[r].inst == inst && !c->vis[r].always &&
                            c->vis[r].project == (pass == 0);
                if (take)
                    idx[n++] = r;
                if (n == 64 || (r == c->nrows && n > 0)) {
                    rc = pass == 0 ? check_projects(c, inst, idx, n, allowed, err)
                                   : check_objects(c, inst, idx, n, allowed, err);
                    for (int i = 0; i < n; i++)
                        keep[idx[i]] = allowed[i];
                    n = 0;
                }
            }
        }
    }
    size_t out = 0;
    for (size_t r = 0; rc == 0 && r < c->nrows; r++) {
        if (!keep[r] && !c->vis[r].always)
            continue;
        if (out != r)
            memcpy(&c->vals[out * (size_t)c->t->ncols], &c->vals[r * (size_t)c->t->ncols],
                   (size_t)c->t->ncols * sizeof *c->vals);
        out++;
    }
    if (rc == 0)
        c->nrows = out;
    lw_free(keep);
    return rc;
}

/* ---- cursor -------------------------------------------------------------------------------- */

static int open_for(const struct sql_vtab_module *m, void *aux, const struct sql_query_ctx *qc,
                    struct sql_cursor **cur, struct lw_err *err)
{
    struct perm_catalog *pc = *(struct perm_catalog **)aux;
    if (!pc)
        return lw_err_set(err, LW_ECONFIG, "no Lakekeeper instance is configured");
    struct cur *c = lw_calloc(1, sizeof *c);
    if (!c)
        return nomem(err);
    c->base.mod = m;
    c->t = table_of(m);
    c->pc = pc;
    c->qc = qc;
    *cur = &c->base;
    return 0;
}

static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    struct cur *c = (struct cur *)cur;
    struct keys k = {0};
    int rc = 0;
    c->nrows = c->pos = 0;
    for (int i = 0; i < argc; i++) {
        int key = (plan >> (KEY_BITS * i)) & ((1 << KEY_BITS) - 1);
        if (key < NKEYS && (rc = key_values(c, &argv[i], &k.v[key], &k.n[key], err)) != 0)
            return rc;
    }
    struct lk_cat_scope s = {
        .warehouse_ids = k.v[K_WH_ID], .nwarehouse_ids = k.n[K_WH_ID],
        .warehouse_names = k.v[K_WH_NAME], .nwarehouse_names = k.n[K_WH_NAME],
        .namespaces = c->t->kind >= T_NAMESPACES, .tabulars = c->t->kind >= T_TABLES,
        .skip_views = c->t->kind == T_TABLES, .skip_tables = c->t->kind == T_VIEWS,
        .namespace_ids = k.v[K_NS_ID], .nnamespace_ids = k.n[K_NS_ID],
        .namespace_names = k.v[K_NS_NAME], .nnamespace_names = k.n[K_NS_NAME]};
    rc = perm_catalog_load(c->pc, &s, c->qc->deadline_us, err);
    for (int i = 0; rc == 0 && i < perm_catalog_count(c->pc); i++) {
        struct lk_catalog *cat = perm_catalog_at(c->pc, i);
        switch (c->t->kind) {
        case T_SERVER: rc = rows_server(c, i, cat, err); break;
        case T_PROJECTS: rc = rows_projects(c, i, cat, &k, err); break;
        case T_WAREHOUSES: rc = rows_warehouses(c, i, cat, &s, &k, err); break;
        default: rc = rows_below(c, i, cat, &s, &k, err); break;
        }
    }
    if (rc == 0)
        rc = filter_visible(c, err);
    if (rc != 0)
        c->nrows = 0;
    return rc;
}

static int next(struct sql_cursor *cur, struct lw_err *err)
{
    (void)err;
    ((struct cur *)cur)->pos++;
    return 0;
}

static bool eof(struct sql_cursor *cur)
{
    struct cur *c = (struct cur *)cur;
    return c->pos >= c->nrows;
}

static int column(struct sql_cursor *cur, int col, struct sql_value *out, struct lw_err *err)
{
    struct cur *c = (struct cur *)cur;
    if (col < 0 || col >= c->t->ncols)
        return lw_err_set(err, LW_EINVAL, "no column %d in %s", col, c->t->name);
    *out = c->vals[c->pos * (size_t)c->t->ncols + (size_t)col];
    return 0;
}

static void close_cursor(struct sql_cursor *cur)
{
    struct cur *c = (struct cur *)cur;
    if (!c)
        return;
    lw_free(c->vals);
    lw_free(c->vis);
    lw_free(c);
}

/* One module per table; they differ only in columns and in which descriptor open finds. */
#define CAT_MODULE(var, idx, tname, tcols, n)                                                  \
    static int best_index_##var(void *aux, const struct sql_index_in *in,                      \
                                struct sql_index_out *out, struct lw_err *err)                 \
    {                                                                                          \
        (void)aux;                                                                             \
        (void)err;                                                                             \
        return best_index_for(&cat_tables[idx], in, out);                                      \
    }                                                                                          \
    static int open_##var(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,  \
                          struct lw_err *err)                                                  \
    {                                                                                          \
        return open_for(&var, aux, qc, cur, err);                                              \
    }                                                                                          \
    const struct sql_vtab_module var = {                                                       \
        .name = tname, .cols = tcols, .ncols = n, .best_index = best_index_##var,              \
        .open = open_##var, .filter = filter, .next = next, .eof = eof, .column = column,      \
        .close = close_cursor}

CAT_MODULE(perm_cat_server_module, T_SERVER, "lakekeeper_server", server_cols, S_N);
CAT_MODULE(perm_cat_projects_module, T_PROJECTS, "projects", project_cols, P_N);
CAT_MODULE(perm_cat_warehouses_module, T_WAREHOUSES, "warehouses", warehouse_cols, W_N);
CAT_MODULE(perm_cat_namespaces_module, T_NAMESPACES, "namespaces", namespace_cols, N_N);
CAT_MODULE(perm_cat_tables_module, T_TABLES, "tables", table_cols, TB_N);
CAT_MODULE(perm_cat_views_module, T_VIEWS, "views", view_cols, TB_N);

static const struct sql_vtab_module *const modules[] = {
    &perm_cat_server_module,     &perm_cat_projects_module, &perm_cat_warehouses_module,
    &perm_cat_namespaces_module, &perm_cat_tables_module,   &perm_cat_views_module,
};

static const struct cat_table *table_of(const struct sql_vtab_module *m)
{
    for (size_t i = 0; i < sizeof modules / sizeof *modules; i++)
        if (modules[i] == m)
            return &cat_tables[i];
    return &cat_tables[0];
}
