/* perm_grants_sql.c -- lakeward.grants and lakeward.grant_history (perm_grants_sql.h). One
 * module body serves both: they differ in the rows' source (the snapshot's tuples or its
 * change window) and in their last two columns. A scan copies the snapshot once, keeps the
 * tuples that are grants (the §2.1 relations on the §3.4 object types; hierarchy,
 * managed_access and role membership are not grants), filters them by what the reader may
 * see, and looks human names up in the catalog cache when one is configured (a failing
 * catalog leaves names NULL rather than failing the scan: the grants themselves are known),
 * principals' names in the principal name cache when the query reads principal_name.
 *
 * 100,000 grants name a few thousand subjects and objects, so a scan decodes each distinct
 * subject and looks each distinct object up once (interned in the scan's arena, lw_strmap.h)
 * and the rows point at them: the per-row decoding, lookups and copies were half of a full
 * scan's time (docs/benchmarks.md). */
#include "perm_grants_sql.h"
#include "lk_principals.h"
#include "../server/core/lw_strmap.h"

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

/* Bytes of distinct subjects, objects and their names one scan may hold. */
#define SCAN_ARENA_MAX ((size_t)256 << 20)

/* One distinct OpenFGA subject of the scan's grants, decoded once. */
struct subject {
    const char *id;                 /* the principal; in the arena */
    bool role;
    const char *name;               /* NULL when unknown, hidden or not read */
};

/* One distinct object of the scan's grants, looked up in the catalog once. */
struct object {
    const char *warehouse_id, *project_id, *name;      /* NULL when unknown */
    signed char exists;             /* 1, 0, -1 unknown */
    bool readable;                  /* non-admins: may read its assignments */
};

struct row {
    const struct fga_tuple *t;
    const char *object_type;        /* static */
    const char *object_id;          /* in t->object */
    const struct subject *s;
    const struct object *o;
};

struct cursor {
    struct sql_cursor base;
    struct perm_world *w;
    const struct sql_query_ctx *qc;
    struct fga_snap_data snap;
    struct row *rows;
    size_t n, pos;
    struct lw_arena arena;          /* subjects, objects, names; reset by every filter */
    struct lw_strmap subjects;      /* fga subject -> struct subject (or &not_a_principal) */
    struct lw_strmap objects;       /* fga object -> struct object */
};

/* The interned value of a subject that is no principal (a wildcard, another userset). */
static const struct subject not_a_principal;

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
        if (relation[0] == not_grants[i][0] && strcmp(relation, not_grants[i]) == 0)
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

static void rows_free(struct cursor *c)
{
    lw_free(c->rows);
    c->rows = NULL;
    c->n = c->pos = 0;
    lw_arena_reset(&c->arena);
    lw_strmap_init(&c->subjects, &c->arena);
    lw_strmap_init(&c->objects, &c->arena);
    fga_snap_data_free(&c->snap);
}

static int scan_memory(struct lw_err *err)
{
    return lw_err_set(err, LW_ENOMEM, "grants: the scan's subjects and objects need more "
                      "than %zu MiB, or out of memory; filter the query", SCAN_ARENA_MAX >> 20);
}

/* The subject's decoded principal, decoded on its first row; &not_a_principal for a subject
 * that names none (its grants are skipped). NULL with err set when a subject that looks like
 * a principal does not decode (never a silently missing grant) or memory runs out. */
static const struct subject *subject_of(struct cursor *c, const char *fga_subject,
                                        struct lw_err *err)
{
    bool added;
    void **v = lw_strmap_put(&c->subjects, fga_subject, &added);
    if (!v) {
        scan_memory(err);
        return NULL;
    }
    if (!added)
        return *v;
    struct subject *s = lw_arena_alloc(&c->arena, sizeof *s);
    char *id = NULL;
    if (s) {
        memset(s, 0, sizeof *s);
        id = lk_principals_from_fga_subject(fga_subject, &s->role);
    }
    if (s && !id && !names_a_principal(fga_subject)) {
        *v = (void *)&not_a_principal;
        return &not_a_principal;
    }
    if (s && id)
        s->id = lw_arena_strndup(&c->arena, id, strlen(id));
    lw_free(id);
    if (!s || !s->id) {
        *v = (void *)&not_a_principal;     /* the map stays whole; the scan fails anyway */
        if (s && !id)
            lw_err_set(err, LW_EIO, "grant subject \"%s\" could not be decoded (out of "
                       "memory, or not Lakekeeper's percent-encoding)", fga_subject);
        else
            scan_memory(err);
        return NULL;
    }
    *v = s;
    return s;
}

/* The object's entry, made on its first row with the warehouse its id carries: tabulars are
 * "<warehouse>/<id>". NULL when memory runs out. */
static struct object *object_of(struct cursor *c, const char *fga_object, const char *slash)
{
    bool added;
    void **v = lw_strmap_put(&c->objects, fga_object, &added);
    if (!v || !added)
        return v ? *v : NULL;
    struct object *o = lw_arena_alloc(&c->arena, sizeof *o);
    if (o) {
        memset(o, 0, sizeof *o);
        o->exists = -1;
        const char *colon = strchr(fga_object, ':');
        if (slash && !(o->warehouse_id = lw_arena_strndup(&c->arena, colon + 1,
                                                          (size_t)(slash - colon - 1))))
            o = NULL;
    }
    *v = o;
    return o;
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
    lw_arena_init(&c->arena, SCAN_ARENA_MAX);
    lw_strmap_init(&c->subjects, &c->arena);
    lw_strmap_init(&c->objects, &c->arena);
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
 * assignments of, asking once per distinct object. Any failure to ask fails the scan with
 * 42501. */
static int keep_readable(struct cursor *c, const char *table, struct lw_err *err)
{
    if (!c->n)
        return LW_OK;
    size_t nobj = c->objects.n;
    int rc = LW_OK;
    struct fga_key *keys = NULL;
    struct object **objs = NULL;
    bool *allowed = NULL;
    char *user = NULL;
    struct fga_client *fc = NULL;
    if (nobj > MAX_CHECKED_OBJECTS) {
        rc = lw_err_set(err, LW_ENOMEM, "%s: more than %d objects to check for a "
                        "non-administrator; filter by object", table, MAX_CHECKED_OBJECTS);
        goto out;
    }
    keys = lw_calloc(nobj, sizeof(*keys));
    objs = lw_calloc(nobj, sizeof(*objs));
    allowed = lw_calloc(nobj, sizeof(*allowed));
    user = lk_principals_fga_subject(c->qc->principal ? c->qc->principal : "", false);
    if (!keys || !objs || !allowed || !user) {
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        goto out;
    }
    size_t k = 0;
    LW_STRMAP_FOR_EACH(&c->objects, slot) {
        objs[k] = slot->val;
        keys[k++] = (struct fga_key){user, "can_read_assignments", slot->key};
    }
    if (!(fc = fga_client_new(&c->w->fga.fga, err))) {
        rc = err->code;
        goto out;
    }
    rc = fga_check(fc, keys, allowed, (int)k, c->qc->deadline_us, err);
    if (rc != LW_OK)
        goto out;
    for (size_t i = 0; i < k; i++)
        objs[i]->readable = allowed[i];
    size_t kept = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->rows[i].o->readable)
            c->rows[kept++] = c->rows[i];
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
    lw_free(objs);
    lw_free(allowed);
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

static const char *arena_copy(struct cursor *c, const char *s)
{
    return s ? lw_arena_strndup(&c->arena, s, strlen(s)) : NULL;
}

/* Names, project and warehouse from the catalog cache, when there is one and it loads; once
 * per distinct object. Out of memory leaves the rest unknown (NULL), as a failing catalog
 * does. */
static void add_names(struct cursor *c)
{
    struct perm_catalog *pc = c->w->catalog;
    struct lw_err err = {0};
    struct lk_cat_scope s = scope_of_rows(c);
    if (!pc || perm_catalog_load(pc, &s, c->qc->deadline_us, &err) != 0)
        return;
    LW_STRMAP_FOR_EACH(&c->objects, slot) {
        struct object *o = slot->val;
        struct perm_cat_object obj;
        enum perm_cat_found f = perm_catalog_find(pc, slot->key, &obj);
        if (f == PERM_CAT_NOT_CATALOG)
            continue;
        o->exists = f == PERM_CAT_FOUND;
        if (f != PERM_CAT_FOUND)
            continue;
        o->name = arena_copy(c, obj.name);
        o->project_id = arena_copy(c, obj.project_id);
        if (obj.warehouse_id)
            o->warehouse_id = arena_copy(c, obj.warehouse_id);
    }
}

/* The principals' names (perm_principal_names.h), as leniently as the objects' names: when
 * Lakekeeper cannot be read, principal_name stays NULL and the grants still show. Copied into
 * the scan's arena: lakeward.catalog_refresh() in the same statement may drop the cache. */
static void add_principal_names(struct cursor *c)
{
    size_t n = c->subjects.n, nusers = 0, nroles = 0;
    const char **ids = lw_calloc(n + 1, sizeof(*ids));
    struct lw_err err = {0};
    if (!ids)
        return;
    /* users from the front of ids, roles from the back */
    LW_STRMAP_FOR_EACH(&c->subjects, slot) {
        const struct subject *s = slot->val;
        if (s->id)                      /* not not_a_principal */
            ids[s->role ? n - ++nroles : nusers++] = s->id;
    }
    const char **roles = ids + n - nroles;
    qsort(ids, nusers, sizeof(*ids), cmp_str);
    qsort(roles, nroles, sizeof(*roles), cmp_str);
    struct perm_principal_names_view view;
    if (perm_principal_names_view(c->w->principal_names, c->w->with_fga ? &c->w->fga.fga : NULL,
                                  c->qc, ids, nusers, roles, nroles, &view, &err) == 0)
        LW_STRMAP_FOR_EACH(&c->subjects, slot) {
            struct subject *s = slot->val;
            if (s->id)
                s->name = arena_copy(c, perm_principal_names_get(&view, s->id, s->role));
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
        const struct subject *s = subject_of(c, t->user, err);
        if (!s)
            return err->code;
        if (s == &not_a_principal)
            continue;
        const char *slash = strchr(colon + 1, '/');
        struct object *o = object_of(c, t->object, slash);
        if (!o)
            return scan_memory(err);
        c->rows[c->n++] = (struct row){.t = t, .object_type = type,
                                       .object_id = slash ? slash + 1 : colon + 1,
                                       .s = s, .o = o};
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
        text(v, r->o->warehouse_id ? r->o->warehouse_id
                : strcmp(r->object_type, "warehouse") == 0 ? r->object_id : NULL);
        break;
    case COL_PROJECT_ID:
        text(v, r->o->project_id ? r->o->project_id
                : strcmp(r->object_type, "project") == 0 ? r->object_id : NULL);
        break;
    case COL_OBJECT_NAME: text(v, r->o->name); break;
    case COL_PRIVILEGE: text(v, r->t->relation); break;
    case COL_PRINCIPAL_TYPE: text(v, r->s->role ? "role" : "user"); break;
    case COL_PRINCIPAL: text(v, r->s->id); break;
    case COL_PRINCIPAL_NAME: text(v, r->s->name); break;
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
        } else if (r->o->exists >= 0) {
            v->type = SQL_V_BOOL;
            v->u.b = r->o->exists == 1;
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
    lw_arena_free(&c->arena);
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
