/* perm_names.c -- principals and catalog objects as the permission tables name them, and
 * their resolution to Lakekeeper's ids (perm_names.h). Catalog objects are found in the
 * session's catalog cache (perm_catalog.h), loading only the warehouse and namespace a name
 * points into; roles, which are no catalog objects, in the role listing of the management
 * API. */
#include "perm_names.h"
#include "lk_principals.h"

#include "../server/core/lw_buf.h"

#include <stdio.h>
#include <string.h>

/* The object types: lakeward's name, OpenFGA's type, the path segment under a warehouse
 * (NULL: not inside a warehouse), the catalog's kind, and whether the catalog holds them
 * (roles are principals, not catalog objects). */
static const struct obj_type {
    const char *name, *fga_type, *segment;
    enum perm_cat_kind kind;
    bool in_catalog;
} obj_types[] = {
    {"server", "server", NULL, PERM_CAT_SERVER, true},
    {"project", "project", NULL, PERM_CAT_PROJECT, true},
    {"warehouse", "warehouse", NULL, PERM_CAT_WAREHOUSE, true},
    {"namespace", "namespace", "namespace", PERM_CAT_NAMESPACE, true},
    {"table", "lakekeeper_table", "table", PERM_CAT_TABLE, true},
    {"view", "lakekeeper_view", "view", PERM_CAT_VIEW, true},
    {"role", "role", NULL, PERM_CAT_SERVER, false},
};
#define NTYPES (sizeof obj_types / sizeof *obj_types)

/* Role listing pages followed for one name before giving up (1000 names a page). */
#define MAX_PAGES 100

static const struct obj_type *type_named(const char *name)
{
    for (size_t i = 0; name && i < NTYPES; i++)
        if (strcmp(obj_types[i].name, name) == 0)
            return &obj_types[i];
    return NULL;
}

bool perm_obj_type_known(const char *type)
{
    return type_named(type) != NULL;
}

const char *perm_obj_type_of_fga(const char *fga_type)
{
    for (size_t i = 0; fga_type && i < NTYPES; i++)
        if (strcmp(obj_types[i].fga_type, fga_type) == 0)
            return obj_types[i].name;
    return NULL;
}

static bool is_uuid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
            return false;
    }
    return true;
}

int perm_principal_parse(const char *s, struct perm_principal *p, struct lw_err *err)
{
    memset(p, 0, sizeof(*p));
    bool prefixed_role = strncmp(s, "role:", 5) == 0;
    if (strncmp(s, "user:", 5) == 0 || (prefixed_role && strchr(s, '#'))) {
        p->id = lk_principals_from_fga_subject(s, &p->role);    /* OpenFGA's forms */
    } else if (prefixed_role) {
        p->role = true;
        p->id = lw_strdup(s + 5);
    } else {
        p->role = !strchr(s, '~');      /* user ids always contain '~', role ids never */
        p->id = lw_strdup(s);
    }
    if (!p->id || (p->role ? !is_uuid(p->id) : !*p->id || !strchr(p->id, '~'))) {
        perm_principal_free(p);
        return lw_err_set(err, LW_EINVAL, "principal '%s' is not a user id (<idp>~<subject>), "
                          "a role id (uuid) or user:<id> / role:<id>[#assignee]", s);
    }
    if (!(p->subject = lk_principals_fga_subject(p->id, p->role))) {
        perm_principal_free(p);
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    }
    return 0;
}

void perm_principal_free(struct perm_principal *p)
{
    lw_free(p->id);
    lw_free(p->subject);
    p->id = p->subject = NULL;
}

void perm_obj_free(struct perm_obj *o)
{
    lw_free(o->id);
    lw_free(o->warehouse_id);
    lw_free(o->project_id);
    lw_free(o->fga);
    lw_free(o->actions_path);
    memset(o, 0, sizeof(*o));
}

/* One GET; *doc is the JSON answer (caller json_decref) when 0 is returned. */
static int get1(struct lk_client *lk, const char *path, int64_t deadline, json_t **doc,
                struct lw_err *err)
{
    struct lk_get g = {.path = path};
    struct lk_stats st = {.deadline_us = deadline};
    int rc = lk_client_get(lk, &g, 1, &st, err);
    *doc = g.doc;
    if (rc != 0)
        json_decref(g.doc), *doc = NULL;
    return rc;
}

static int not_found(struct lw_err *err, const char *type, const char *ref)
{
    return lw_err_set(err, LW_ENOTFOUND, "no %s named '%s'", type, ref);
}

/* The id of the role in one page of the role listing whose id or name is ref, or NULL. */
static char *match_role(json_t *page, const char *ref)
{
    json_t *it;
    size_t i;
    json_array_foreach(json_object_get(page, "roles"), i, it) {
        const char *id = json_string_value(json_object_get(it, "id"));
        const char *name = json_string_value(json_object_get(it, "name"));
        if (id && (strcmp(id, ref) == 0 || (name && strcmp(name, ref) == 0)))
            return lw_strdup(id);
    }
    return NULL;
}

/* A role by name: the role listing, followed page by page until ref shows up. A page may
 * be short or empty while more remain, so only a missing token ends it. */
static int resolve_role(struct lk_client *lk, const char *ref, int64_t deadline, char **id,
                        struct lw_err *err)
{
    char *token = NULL;
    int rc = 0;
    *id = NULL;
    for (int page = 0; rc == 0 && !*id && page < MAX_PAGES; page++) {
        struct lw_buf path;
        json_t *doc = NULL;
        lw_buf_init(&path, 8192);
        lw_buf_puts(&path, "/management/v1/role?pageSize=1000&pageToken=");
        if (token)
            lw_buf_urlencode(&path, token, false);
        rc = path.failed ? lw_err_set(err, LW_ENOMEM, "listing path too long")
                         : get1(lk, path.data, deadline, &doc, err);
        lw_buf_free(&path);
        if (rc != 0)
            break;
        *id = match_role(doc, ref);
        const char *next = json_string_value(json_object_get(doc, "next-page-token"));
        lw_free(token);
        token = next && *next ? lw_strdup(next) : NULL;
        json_decref(doc);
        if (!token)
            break;
    }
    lw_free(token);
    return rc == 0 && !*id ? not_found(err, "role", ref) : rc;
}

/* The part of the catalog a name points into: the top level for servers, projects and
 * warehouses; the warehouse's namespace tree for a namespace ("wh.ns"; every warehouse's
 * for a namespace's uuid); also the namespace's tables and views for a table or view
 * ("wh.ns.name"). *wh and *ns are the name's parts (caller frees); false when ref cannot
 * name an object of t. */
static bool scope_of(const struct obj_type *t, const char *ref, struct lk_cat_scope *s,
                     char **wh, char **ns)
{
    memset(s, 0, sizeof(*s));
    *wh = *ns = NULL;
    if (!t->segment)
        return true;
    if (t->kind == PERM_CAT_NAMESPACE && is_uuid(ref)) {
        s->namespaces = true;   /* by id: every warehouse's tree (no name says which) */
        return true;
    }
    bool leaf = t->kind != PERM_CAT_NAMESPACE;
    const char *dot = strchr(ref, '.'), *last = strrchr(ref, '.');
    if (!dot || dot == ref || !last[1] || (leaf && last == dot))
        return false;
    *wh = lw_strndup(ref, (size_t)(dot - ref));
    *ns = lw_strndup(dot + 1, (size_t)((leaf ? last : ref + strlen(ref)) - dot - 1));
    s->warehouse_names = (const char *const *)wh;
    s->nwarehouse_names = 1;
    s->namespaces = true;
    s->tabulars = leaf;
    s->namespace_names = (const char *const *)ns;
    s->nnamespace_names = leaf;
    return true;
}

/* A catalog object by human name, or by id where the catalog names it by id (projects,
 * namespaces, the server). Tables and views given as "<warehouse-id>/<id>" and warehouses
 * given as a uuid need no lookup. */
static int resolve_catalog(struct perm_catalog *pc, const struct obj_type *t, const char *ref,
                           int64_t deadline, struct perm_obj *o, struct lw_err *err)
{
    const char *slash = strchr(ref, '/');
    if ((t->kind == PERM_CAT_TABLE || t->kind == PERM_CAT_VIEW) && slash && slash - ref == 36) {
        o->warehouse_id = lw_strndup(ref, 36);
        o->id = lw_strdup(slash + 1);
        if (!o->warehouse_id || !o->id)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        return is_uuid(o->warehouse_id) && is_uuid(o->id) ? 0 : not_found(err, t->name, ref);
    }
    if (t->kind == PERM_CAT_WAREHOUSE && is_uuid(ref)) {
        o->id = lw_strdup(ref);
        o->warehouse_id = lw_strdup(ref);
        return o->id && o->warehouse_id ? 0 : lw_err_set(err, LW_ENOMEM, "out of memory");
    }
    struct lk_cat_scope s;
    char *wh = NULL, *ns = NULL;
    if (!scope_of(t, ref, &s, &wh, &ns))
        return not_found(err, t->name, ref);
    int rc = s.nwarehouse_names && (!wh || !ns) ? lw_err_set(err, LW_ENOMEM, "out of memory")
                                                : perm_catalog_load(pc, &s, deadline, err);
    lw_free(wh);
    lw_free(ns);
    if (rc != 0)
        return rc;
    struct perm_cat_object obj;
    enum perm_cat_found f = perm_catalog_find_name(pc, t->kind, ref, &obj);
    if (f != PERM_CAT_FOUND && (!t->segment || t->kind == PERM_CAT_NAMESPACE)) {
        char fga[256];
        snprintf(fga, sizeof fga, "%s:%s", t->fga_type, ref);
        f = perm_catalog_find(pc, fga, &obj);
    }
    /* "server" names the one server (whose catalog name is its id) */
    if (f != PERM_CAT_FOUND && t->kind == PERM_CAT_SERVER && strcmp(ref, "server") == 0 &&
        perm_catalog_count(pc) > 0) {
        const char *sid = lk_catalog_server(perm_catalog_at(pc, 0))->server_id;
        f = sid ? perm_catalog_find_name(pc, PERM_CAT_SERVER, sid, &obj) : PERM_CAT_MISSING;
    }
    if (f != PERM_CAT_FOUND)
        return not_found(err, t->name, ref);
    o->id = lw_strdup(obj.id);
    if (obj.kind == PERM_CAT_PROJECT)
        o->project_id = lw_strdup(obj.id);
    else if (obj.warehouse_id)
        o->warehouse_id = lw_strdup(obj.warehouse_id);
    if (!o->id || (obj.kind == PERM_CAT_PROJECT && !o->project_id) ||
        (obj.kind != PERM_CAT_PROJECT && obj.warehouse_id && !o->warehouse_id))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    return 0;
}

int perm_obj_resolve(struct perm_catalog *pc, const char *type, const char *ref,
                     int64_t deadline_us, struct perm_obj *out, struct lw_err *err)
{
    memset(out, 0, sizeof(*out));
    const struct obj_type *t = type_named(type);
    if (!t)
        return lw_err_set(err, LW_EINVAL, "unknown object_type '%s' (server, project, "
                          "warehouse, namespace, table, view, role)", type);
    out->type = t->name;
    int rc;
    if (!pc || perm_catalog_count(pc) == 0)
        rc = lw_err_set(err, LW_ECONFIG, "no Lakekeeper instance is configured");
    else if (t->in_catalog)
        rc = resolve_catalog(pc, t, ref, deadline_us, out, err);
    else if (is_uuid(ref))
        rc = (out->id = lw_strdup(ref)) ? 0 : lw_err_set(err, LW_ENOMEM, "out of memory");
    else
        rc = resolve_role(perm_catalog_client(pc, 0), ref, deadline_us, &out->id, err);
    struct lw_buf fga, path;
    lw_buf_init(&fga, 4096);
    lw_buf_init(&path, 4096);
    if (rc == 0) {
        lw_buf_printf(&fga, "%s:", t->fga_type);
        if (t->kind == PERM_CAT_TABLE || t->kind == PERM_CAT_VIEW)
            lw_buf_printf(&fga, "%s/", out->warehouse_id);
        lw_buf_puts(&fga, out->id);
        lw_buf_puts(&path, "/management/v1/");
        if (t->segment) {
            lw_buf_printf(&path, "warehouse/%s/%s/", out->warehouse_id, t->segment);
            lw_buf_urlencode(&path, out->id, false);
        } else if (t->kind == PERM_CAT_WAREHOUSE || !t->in_catalog) {
            lw_buf_printf(&path, "%s/", t->name);
            lw_buf_urlencode(&path, out->id, false);
        } else {
            lw_buf_puts(&path, t->name);
        }
        lw_buf_puts(&path, "/actions");
        out->fga = lw_buf_take(&fga);
        out->actions_path = lw_buf_take(&path);
        if (!out->fga || !out->actions_path)
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    }
    lw_buf_free(&fga);
    lw_buf_free(&path);
    if (rc != 0) {
        perm_obj_free(out);
        out->type = t->name;
    }
    return rc;
}
