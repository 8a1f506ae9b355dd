/* standin_state.c -- the in-memory catalog behind the stand-in (see standin_state.h): bounded
 * arrays of fixed-size records under one mutex, copied out on every read. */
#include "standin_state.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A growable array of fixed-size records, capped at SI_MAX_OBJECTS. */
struct vec {
    char *items;
    size_t n;
    size_t cap;
    size_t elem;
};

struct standin_state {
    pthread_mutex_t mu;
    char server_id[SI_ID_MAX];
    char default_project[SI_ID_MAX];
    int64_t started_ms;
    struct vec projects, warehouses, namespaces, tabulars, users, roles;
};

#define AT(v, type, i) ((type *)(void *)((v)->items + (size_t)(i) * (v)->elem))

static void vec_init(struct vec *v, size_t elem)
{
    memset(v, 0, sizeof *v);
    v->elem = elem;
}

static void *vec_push(struct vec *v)
{
    if (v->n >= SI_MAX_OBJECTS)
        return NULL;
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        char *p;
        if (cap > SI_MAX_OBJECTS)
            cap = SI_MAX_OBJECTS;
        p = lw_realloc(v->items, cap * v->elem);
        if (!p)
            return NULL;
        v->items = p;
        v->cap = cap;
    }
    memset(v->items + v->n * v->elem, 0, v->elem);
    return v->items + v->n++ * v->elem;
}

static void vec_remove(struct vec *v, size_t i)
{
    memmove(v->items + i * v->elem, v->items + (i + 1) * v->elem, (v->n - i - 1) * v->elem);
    v->n--;
}

struct standin_state *standin_state_new(void)
{
    struct standin_state *st = lw_calloc(1, sizeof *st);
    if (!st)
        return NULL;
    pthread_mutex_init(&st->mu, NULL);
    st->started_ms = lw_wall_ms();
    vec_init(&st->projects, sizeof(struct si_project));
    vec_init(&st->warehouses, sizeof(struct si_warehouse));
    vec_init(&st->namespaces, sizeof(struct si_namespace));
    vec_init(&st->tabulars, sizeof(struct si_tabular));
    vec_init(&st->users, sizeof(struct si_user));
    vec_init(&st->roles, sizeof(struct si_role));
    return st;
}

void standin_state_free(struct standin_state *st)
{
    if (!st)
        return;
    lw_free(st->projects.items);
    lw_free(st->warehouses.items);
    lw_free(st->namespaces.items);
    lw_free(st->tabulars.items);
    lw_free(st->users.items);
    lw_free(st->roles.items);
    pthread_mutex_destroy(&st->mu);
    lw_free(st);
}

const char *standin_state_server_id(const struct standin_state *st)
{
    return st->server_id;
}

const char *standin_state_default_project(const struct standin_state *st)
{
    return st->default_project;
}

int64_t standin_state_started_ms(const struct standin_state *st)
{
    return st->started_ms;
}

int standin_state_set_server(struct standin_state *st, const char *server_id,
                             const char *default_project, struct lw_err *err)
{
    if (!standin_copy(st->server_id, sizeof st->server_id, server_id) ||
        !standin_copy(st->default_project, sizeof st->default_project, default_project))
        return lw_err_set(err, LW_EINVAL, "server or default project id too long");
    return 0;
}

/* --- lookups without the lock (callers hold it) --- */

static long find_project(struct standin_state *st, const char *id)
{
    for (size_t i = 0; i < st->projects.n; i++)
        if (strcmp(AT(&st->projects, struct si_project, i)->id, id) == 0)
            return (long)i;
    return -1;
}

static long find_warehouse(struct standin_state *st, const char *id)
{
    for (size_t i = 0; i < st->warehouses.n; i++)
        if (strcasecmp(AT(&st->warehouses, struct si_warehouse, i)->id, id) == 0)
            return (long)i;
    return -1;
}

static long find_warehouse_name(struct standin_state *st, const char *project_id, const char *name)
{
    for (size_t i = 0; i < st->warehouses.n; i++) {
        struct si_warehouse *w = AT(&st->warehouses, struct si_warehouse, i);
        if (strcmp(w->project_id, project_id) == 0 && strcasecmp(w->name, name) == 0)
            return (long)i;
    }
    return -1;
}

static long find_namespace(struct standin_state *st, const char *wh, const char *id)
{
    for (size_t i = 0; i < st->namespaces.n; i++) {
        struct si_namespace *n = AT(&st->namespaces, struct si_namespace, i);
        if (strcasecmp(n->id, id) == 0 && (!wh || strcasecmp(n->warehouse_id, wh) == 0))
            return (long)i;
    }
    return -1;
}

static long find_child_namespace(struct standin_state *st, const char *wh, const char *parent,
                                 const char *name)
{
    for (size_t i = 0; i < st->namespaces.n; i++) {
        struct si_namespace *n = AT(&st->namespaces, struct si_namespace, i);
        if (strcasecmp(n->warehouse_id, wh) == 0 && strcasecmp(n->parent_id, parent) == 0 &&
            strcasecmp(n->name, name) == 0)
            return (long)i;
    }
    return -1;
}

static long find_tabular(struct standin_state *st, const char *wh, const char *id)
{
    for (size_t i = 0; i < st->tabulars.n; i++) {
        struct si_tabular *t = AT(&st->tabulars, struct si_tabular, i);
        if (strcasecmp(t->id, id) == 0 && (!wh || strcasecmp(t->warehouse_id, wh) == 0))
            return (long)i;
    }
    return -1;
}

static long find_tabular_name(struct standin_state *st, const char *wh, const char *ns,
                              const char *name)
{
    /* Tables and views share one name space in a namespace, as in Lakekeeper. */
    for (size_t i = 0; i < st->tabulars.n; i++) {
        struct si_tabular *t = AT(&st->tabulars, struct si_tabular, i);
        if (strcasecmp(t->warehouse_id, wh) == 0 && strcasecmp(t->namespace_id, ns) == 0 &&
            strcasecmp(t->name, name) == 0)
            return (long)i;
    }
    return -1;
}

static long find_user(struct standin_state *st, const char *id)
{
    for (size_t i = 0; i < st->users.n; i++)
        if (strcmp(AT(&st->users, struct si_user, i)->id, id) == 0)
            return (long)i;
    return -1;
}

static long find_role(struct standin_state *st, const char *id)
{
    for (size_t i = 0; i < st->roles.n; i++)
        if (strcasecmp(AT(&st->roles, struct si_role, i)->id, id) == 0)
            return (long)i;
    return -1;
}

static bool id_in_use(struct standin_state *st, const char *id)
{
    return find_warehouse(st, id) >= 0 || find_namespace(st, NULL, id) >= 0 ||
           find_tabular(st, NULL, id) >= 0 || find_role(st, id) >= 0;
}

/* --- adders --- */

int standin_state_add_project(struct standin_state *st, const struct si_project *p,
                              struct lw_err *err)
{
    int rc = 0;
    struct si_project *slot;
    pthread_mutex_lock(&st->mu);
    if (find_project(st, p->id) >= 0) {
        rc = lw_err_set(err, LW_EINVAL, "project %s exists", p->id);
    } else {
        slot = vec_push(&st->projects);
        if (slot)
            *slot = *p;
        else
            rc = lw_err_set(err, LW_ENOMEM, "too many projects");
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

int standin_state_add_warehouse(struct standin_state *st, const struct si_warehouse *w,
                                struct lw_err *err)
{
    int rc = 0;
    struct si_warehouse *slot;
    pthread_mutex_lock(&st->mu);
    if (find_project(st, w->project_id) < 0) {
        rc = lw_err_set(err, LW_ENOTFOUND, "project %s does not exist", w->project_id);
    } else if (id_in_use(st, w->id)) {
        rc = lw_err_set(err, LW_EINVAL, "id %s is in use", w->id);
    } else if (find_warehouse_name(st, w->project_id, w->name) >= 0) {
        rc = lw_err_set(err, LW_EINVAL, "warehouse '%s' exists", w->name);
    } else {
        slot = vec_push(&st->warehouses);
        if (slot)
            *slot = *w;
        else
            rc = lw_err_set(err, LW_ENOMEM, "too many warehouses");
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

int standin_state_add_namespace(struct standin_state *st, const struct si_namespace *n,
                                struct lw_err *err)
{
    int rc = 0;
    struct si_namespace *slot;
    pthread_mutex_lock(&st->mu);
    if (find_warehouse(st, n->warehouse_id) < 0) {
        rc = lw_err_set(err, LW_ENOTFOUND, "warehouse %s does not exist", n->warehouse_id);
    } else if (n->parent_id[0] && find_namespace(st, n->warehouse_id, n->parent_id) < 0) {
        rc = lw_err_set(err, LW_ENOTFOUND, "parent namespace %s does not exist", n->parent_id);
    } else if (id_in_use(st, n->id)) {
        rc = lw_err_set(err, LW_EINVAL, "id %s is in use", n->id);
    } else if (find_child_namespace(st, n->warehouse_id, n->parent_id, n->name) >= 0) {
        rc = lw_err_set(err, LW_EINVAL, "namespace '%s' exists", n->name);
    } else {
        slot = vec_push(&st->namespaces);
        if (slot)
            *slot = *n;
        else
            rc = lw_err_set(err, LW_ENOMEM, "too many namespaces");
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

int standin_state_add_tabular(struct standin_state *st, const struct si_tabular *t,
                              struct lw_err *err)
{
    int rc = 0;
    struct si_tabular *slot;
    pthread_mutex_lock(&st->mu);
    if (find_namespace(st, t->warehouse_id, t->namespace_id) < 0) {
        rc = lw_err_set(err, LW_ENOTFOUND, "namespace %s does not exist", t->namespace_id);
    } else if (id_in_use(st, t->id)) {
        rc = lw_err_set(err, LW_EINVAL, "id %s is in use", t->id);
    } else if (find_tabular_name(st, t->warehouse_id, t->namespace_id, t->name) >= 0) {
        rc = lw_err_set(err, LW_EINVAL, "table or view '%s' exists", t->name);
    } else {
        slot = vec_push(&st->tabulars);
        if (slot)
            *slot = *t;
        else
            rc = lw_err_set(err, LW_ENOMEM, "too many tables and views");
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

int standin_state_add_role(struct standin_state *st, const struct si_role *r, struct lw_err *err)
{
    int rc = 0;
    struct si_role *slot;
    pthread_mutex_lock(&st->mu);
    if (find_project(st, r->project_id) < 0) {
        rc = lw_err_set(err, LW_ENOTFOUND, "project %s does not exist", r->project_id);
    } else if (id_in_use(st, r->id)) {
        rc = lw_err_set(err, LW_EINVAL, "id %s is in use", r->id);
    } else {
        slot = vec_push(&st->roles);
        if (slot)
            *slot = *r;
        else
            rc = lw_err_set(err, LW_ENOMEM, "too many roles");
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

int standin_state_upsert_user(struct standin_state *st, const struct si_user *u, struct lw_err *err)
{
    int rc = 0;
    long i;
    pthread_mutex_lock(&st->mu);
    i = find_user(st, u->id);
    if (i >= 0) {
        struct si_user *old = AT(&st->users, struct si_user, i);
        int64_t created = old->created_ms;
        *old = *u;
        old->created_ms = created;
    } else {
        struct si_user *slot = vec_push(&st->users);
        if (slot)
            *slot = *u;
        else
            rc = lw_err_set(err, LW_ENOMEM, "too many users");
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

/* --- removers --- */

int standin_state_remove_warehouse(struct standin_state *st, const char *id, struct lw_err *err)
{
    int rc = 0;
    long i;
    pthread_mutex_lock(&st->mu);
    i = find_warehouse(st, id);
    if (i < 0) {
        rc = lw_err_set(err, LW_ENOTFOUND, "warehouse %s does not exist", id);
    } else {
        for (size_t k = 0; k < st->namespaces.n; k++)
            if (strcasecmp(AT(&st->namespaces, struct si_namespace, k)->warehouse_id, id) == 0)
                rc = lw_err_set(err, LW_EINVAL, "warehouse %s is not empty", id);
        if (rc == 0)
            vec_remove(&st->warehouses, (size_t)i);
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static size_t count_children(struct standin_state *st, const char *wh, const char *id)
{
    size_t n = 0;
    for (size_t k = 0; k < st->namespaces.n; k++) {
        struct si_namespace *c = AT(&st->namespaces, struct si_namespace, k);
        if (strcasecmp(c->warehouse_id, wh) == 0 && strcasecmp(c->parent_id, id) == 0)
            n++;
    }
    for (size_t k = 0; k < st->tabulars.n; k++) {
        struct si_tabular *t = AT(&st->tabulars, struct si_tabular, k);
        if (strcasecmp(t->warehouse_id, wh) == 0 && strcasecmp(t->namespace_id, id) == 0)
            n++;
    }
    return n;
}

int standin_state_remove_namespace(struct standin_state *st, const char *id, struct lw_err *err)
{
    int rc = 0;
    long i;
    pthread_mutex_lock(&st->mu);
    i = find_namespace(st, NULL, id);
    if (i < 0) {
        rc = lw_err_set(err, LW_ENOTFOUND, "namespace %s does not exist", id);
    } else {
        struct si_namespace *n = AT(&st->namespaces, struct si_namespace, i);
        if (count_children(st, n->warehouse_id, n->id) > 0)
            rc = lw_err_set(err, LW_EINVAL, "namespace %s is not empty", id);
        else
            vec_remove(&st->namespaces, (size_t)i);
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

int standin_state_remove_tabular(struct standin_state *st, const char *id, struct lw_err *err)
{
    int rc = 0;
    long i;
    pthread_mutex_lock(&st->mu);
    i = find_tabular(st, NULL, id);
    if (i < 0)
        rc = lw_err_set(err, LW_ENOTFOUND, "table or view %s does not exist", id);
    else
        vec_remove(&st->tabulars, (size_t)i);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

/* Renames a table or view in place (same id, so its grants stay), as Lakekeeper's rename does. */
int standin_state_rename_tabular(struct standin_state *st, const char *id, const char *namespace_id,
                                 const char *name, struct lw_err *err)
{
    int rc = 0;
    long i;
    struct si_tabular *t;
    pthread_mutex_lock(&st->mu);
    i = find_tabular(st, NULL, id);
    t = i >= 0 ? AT(&st->tabulars, struct si_tabular, i) : NULL;
    if (!t)
        rc = lw_err_set(err, LW_ENOTFOUND, "table or view %s does not exist", id);
    else if (find_namespace(st, t->warehouse_id, namespace_id) < 0)
        rc = lw_err_set(err, LW_ENOTFOUND, "namespace %s does not exist", namespace_id);
    else if (find_tabular_name(st, t->warehouse_id, namespace_id, name) >= 0)
        rc = lw_err_set(err, LW_EINVAL, "table or view '%s' exists", name);
    else if (strlen(name) >= sizeof t->name)
        rc = lw_err_set(err, LW_EINVAL, "name too long");
    else {
        snprintf(t->namespace_id, sizeof t->namespace_id, "%s", namespace_id);
        snprintf(t->name, sizeof t->name, "%s", name);
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

/* --- getters --- */

bool standin_state_project(struct standin_state *st, const char *id, struct si_project *out)
{
    long i;
    pthread_mutex_lock(&st->mu);
    i = find_project(st, id);
    if (i >= 0)
        *out = *AT(&st->projects, struct si_project, i);
    pthread_mutex_unlock(&st->mu);
    return i >= 0;
}

bool standin_state_warehouse(struct standin_state *st, const char *id, struct si_warehouse *out)
{
    long i;
    pthread_mutex_lock(&st->mu);
    i = find_warehouse(st, id);
    if (i >= 0)
        *out = *AT(&st->warehouses, struct si_warehouse, i);
    pthread_mutex_unlock(&st->mu);
    return i >= 0;
}

bool standin_state_warehouse_by_name(struct standin_state *st, const char *project_id,
                                     const char *name, struct si_warehouse *out)
{
    long i;
    pthread_mutex_lock(&st->mu);
    i = find_warehouse_name(st, project_id, name);
    if (i >= 0)
        *out = *AT(&st->warehouses, struct si_warehouse, i);
    pthread_mutex_unlock(&st->mu);
    return i >= 0;
}

bool standin_state_namespace(struct standin_state *st, const char *warehouse_id, const char *id,
                             struct si_namespace *out)
{
    long i;
    pthread_mutex_lock(&st->mu);
    i = find_namespace(st, warehouse_id, id);
    if (i >= 0)
        *out = *AT(&st->namespaces, struct si_namespace, i);
    pthread_mutex_unlock(&st->mu);
    return i >= 0;
}

bool standin_state_namespace_by_path(struct standin_state *st, const char *warehouse_id,
                                     const struct si_path *path, struct si_namespace *out)
{
    long i = -1;
    char parent[SI_ID_MAX] = "";
    if (path->depth < 1)
        return false;
    pthread_mutex_lock(&st->mu);
    for (int d = 0; d < path->depth; d++) {
        i = find_child_namespace(st, warehouse_id, parent, path->part[d]);
        if (i < 0)
            break;
        snprintf(parent, sizeof parent, "%s", AT(&st->namespaces, struct si_namespace, i)->id);
    }
    if (i >= 0)
        *out = *AT(&st->namespaces, struct si_namespace, i);
    pthread_mutex_unlock(&st->mu);
    return i >= 0;
}

bool standin_state_tabular(struct standin_state *st, const char *warehouse_id, const char *id,
                           int kind, struct si_tabular *out)
{
    long i;
    bool ok = false;
    pthread_mutex_lock(&st->mu);
    i = find_tabular(st, warehouse_id, id);
    if (i >= 0 && AT(&st->tabulars, struct si_tabular, i)->kind == kind) {
        *out = *AT(&st->tabulars, struct si_tabular, i);
        ok = true;
    }
    pthread_mutex_unlock(&st->mu);
    return ok;
}

bool standin_state_tabular_by_name(struct standin_state *st, const char *warehouse_id,
                                   const char *namespace_id, const char *name, int kind,
                                   struct si_tabular *out)
{
    long i;
    bool ok = false;
    pthread_mutex_lock(&st->mu);
    i = find_tabular_name(st, warehouse_id, namespace_id, name);
    if (i >= 0 && AT(&st->tabulars, struct si_tabular, i)->kind == kind) {
        *out = *AT(&st->tabulars, struct si_tabular, i);
        ok = true;
    }
    pthread_mutex_unlock(&st->mu);
    return ok;
}

bool standin_state_user(struct standin_state *st, const char *id, struct si_user *out)
{
    long i;
    pthread_mutex_lock(&st->mu);
    i = find_user(st, id);
    if (i >= 0)
        *out = *AT(&st->users, struct si_user, i);
    pthread_mutex_unlock(&st->mu);
    return i >= 0;
}

bool standin_state_role(struct standin_state *st, const char *project_id, const char *id,
                        struct si_role *out)
{
    long i;
    bool ok = false;
    pthread_mutex_lock(&st->mu);
    i = find_role(st, id);
    if (i >= 0 &&
        (!project_id || strcmp(AT(&st->roles, struct si_role, i)->project_id, project_id) == 0)) {
        *out = *AT(&st->roles, struct si_role, i);
        ok = true;
    }
    pthread_mutex_unlock(&st->mu);
    return ok;
}

/* --- slices --- */

/* Walks v, copying the matching records in [offset, offset+max) to out. */
#define SLICE(v, type, cond)                                                                       \
    do {                                                                                           \
        size_t got = 0, seen = 0;                                                                  \
        pthread_mutex_lock(&st->mu);                                                               \
        for (size_t i_ = 0; i_ < (v)->n; i_++) {                                                   \
            const type *x = AT(v, type, i_);                                                       \
            if (!(cond))                                                                           \
                continue;                                                                          \
            if (seen >= offset && got < max)                                                       \
                out[got++] = *x;                                                                   \
            seen++;                                                                                \
        }                                                                                          \
        pthread_mutex_unlock(&st->mu);                                                             \
        *total = seen;                                                                             \
        return got;                                                                                \
    } while (0)

size_t standin_state_projects(struct standin_state *st, size_t offset, struct si_project *out,
                              size_t max, size_t *total)
{
    SLICE(&st->projects, struct si_project, x != NULL);
}

size_t standin_state_warehouses(struct standin_state *st, const char *project_id, size_t offset,
                                struct si_warehouse *out, size_t max, size_t *total)
{
    SLICE(&st->warehouses, struct si_warehouse, strcmp(x->project_id, project_id) == 0);
}

size_t standin_state_child_namespaces(struct standin_state *st, const char *warehouse_id,
                                      const char *parent_id, size_t offset,
                                      struct si_namespace *out, size_t max, size_t *total)
{
    SLICE(&st->namespaces, struct si_namespace,
          strcasecmp(x->warehouse_id, warehouse_id) == 0 &&
              strcasecmp(x->parent_id, parent_id) == 0);
}

size_t standin_state_tabulars(struct standin_state *st, const char *warehouse_id,
                              const char *namespace_id, int kind, size_t offset,
                              struct si_tabular *out, size_t max, size_t *total)
{
    SLICE(&st->tabulars, struct si_tabular,
          x->kind == kind && strcasecmp(x->warehouse_id, warehouse_id) == 0 &&
              strcasecmp(x->namespace_id, namespace_id) == 0);
}

size_t standin_state_users(struct standin_state *st, const char *name_eq, size_t offset,
                           struct si_user *out, size_t max, size_t *total)
{
    SLICE(&st->users, struct si_user, !name_eq || strcmp(x->name, name_eq) == 0);
}

static bool id_listed(const char *id, const char *const *ids, int nids)
{
    if (nids <= 0)
        return true;
    for (int i = 0; i < nids; i++)
        if (strcasecmp(ids[i], id) == 0)
            return true;
    return false;
}

size_t standin_state_roles(struct standin_state *st, const char *project_id, const char *const *ids,
                           int nids, size_t offset, struct si_role *out, size_t max, size_t *total)
{
    SLICE(&st->roles, struct si_role,
          strcmp(x->project_id, project_id) == 0 && id_listed(x->id, ids, nids));
}
