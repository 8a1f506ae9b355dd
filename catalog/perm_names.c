/* perm_names.c -- principals and catalog objects as the permission tables name them, and
 * the reader that resolves human names to Lakekeeper's ids (perm_names.h). Names are looked
 * up the way a client would: warehouses through the catalog config, namespaces with
 * returnUuid, tables and views in their namespace's listing (returnUuids), roles and projects
 * in their management listings. Every lookup is one or a few GETs with the statement's
 * deadline; nothing is cached here (the catalog cache will take this over). */
#include "perm_names.h"
#include "lk_principals.h"

#include "../server/core/lw_buf.h"

#include <string.h>

/* The object types: lakeward's name, OpenFGA's type, the path segment under a warehouse
 * (NULL: not inside a warehouse). */
static const struct obj_type {
    const char *name, *fga_type, *segment;
} obj_types[] = {
    {"server", "server", NULL},
    {"project", "project", NULL},
    {"warehouse", "warehouse", NULL},
    {"namespace", "namespace", "namespace"},
    {"table", "lakekeeper_table", "table"},
    {"view", "lakekeeper_view", "view"},
    {"role", "role", NULL},
};
#define NTYPES (sizeof obj_types / sizeof *obj_types)

/* Listing pages followed for one name before giving up (1000 names a page). */
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
static int get1(struct lk_client *lk, const char *path, const char *project, int64_t deadline,
                json_t **doc, struct lw_err *err)
{
    struct lk_get g = {.path = path, .project_id = project};
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

/* Finds ref in one page of a listing; returns its id (caller frees) or NULL. */
typedef char *(*match_fn)(json_t *page, const char *ref, const char *list);

/* Management listings: an item of page[list] whose "id" or "name" equals ref (projects:
 * "project-id", "project-name"). */
static char *match_named(json_t *page, const char *ref, const char *list)
{
    bool project = strcmp(list, "projects") == 0;
    json_t *it;
    size_t i;
    json_array_foreach(json_object_get(page, list), i, it) {
        const char *id = json_string_value(json_object_get(it, project ? "project-id" : "id"));
        const char *name = json_string_value(json_object_get(it, project ? "project-name"
                                                                         : "name"));
        if (id && (strcmp(id, ref) == 0 || (name && strcmp(name, ref) == 0)))
            return lw_strdup(id);
    }
    return NULL;
}

/* Iceberg listings of tables or views: identifiers[i].name pairs with table-uuids[i] (views
 * report theirs there too, as Lakekeeper does). */
static char *match_tabular(json_t *page, const char *ref, const char *list)
{
    (void)list;
    json_t *ids = json_object_get(page, "identifiers");
    json_t *uuids = json_object_get(page, "table-uuids");
    for (size_t i = 0; i < json_array_size(ids); i++) {
        const char *n = json_string_value(json_object_get(json_array_get(ids, i), "name"));
        const char *u = json_string_value(json_array_get(uuids, i));
        if (n && u && strcmp(n, ref) == 0)
            return lw_strdup(u);
    }
    return NULL;
}

/* Follows a paginated listing at base ("...?x=y&" or "...?") until match finds ref. A page
 * may be short or empty while more remain, so only a missing token ends it. */
static int find_in_listing(struct lk_client *lk, const char *base, const char *project,
                           match_fn match, const char *list, const char *ref,
                           int64_t deadline, char **id, struct lw_err *err)
{
    char *token = NULL;
    int rc = 0;
    *id = NULL;
    for (int page = 0; rc == 0 && !*id && page < MAX_PAGES; page++) {
        struct lw_buf path;
        json_t *doc = NULL;
        lw_buf_init(&path, 8192);
        lw_buf_printf(&path, "%spageSize=1000&pageToken=", base);
        if (token)
            lw_buf_urlencode(&path, token, false);
        if (path.failed)
            rc = lw_err_set(err, LW_ENOMEM, "listing path too long");
        else
            rc = get1(lk, path.data, project, deadline, &doc, err);
        lw_buf_free(&path);
        if (rc != 0)
            break;
        *id = match(doc, ref, list);
        const char *next = json_string_value(json_object_get(doc, "next-page-token"));
        lw_free(token);
        token = next && *next ? lw_strdup(next) : NULL;
        json_decref(doc);
        if (!token)
            break;
    }
    lw_free(token);
    if (rc == 0 && !*id)
        rc = LW_ENOTFOUND;
    return rc;
}

/* Splits "wh.a.b[.t]" into the warehouse, the namespace path joined with 0x1F (as the
 * Iceberg API wants it, percent-encoded into ns) and, with want_leaf, the last part. */
static int split_name(const char *ref, bool want_leaf, char **wh, struct lw_buf *ns,
                      char **leaf)
{
    const char *dot = strchr(ref, '.');
    const char *last = strrchr(ref, '.');
    if (!dot || (want_leaf && last == dot) || dot == ref || !last[1])
        return LW_ENOTFOUND;
    *wh = lw_strndup(ref, (size_t)(dot - ref));
    const char *end = want_leaf ? last : ref + strlen(ref);
    for (const char *p = dot + 1; p < end; p++) {
        if (*p == '.')
            lw_buf_puts(ns, "%1F");
        else
            lw_buf_urlencode(ns, (char[]){*p, 0}, false);
    }
    *leaf = want_leaf ? lw_strdup(last + 1) : NULL;
    if (!*wh || (want_leaf && !*leaf) || ns->failed)
        return LW_ENOMEM;
    return 0;
}

static int resolve_warehouse(struct lk_client *lk, const char *name, struct perm_obj *o,
                             struct lw_err *err)
{
    if (is_uuid(name)) {
        o->warehouse_id = lw_strdup(name);
        return o->warehouse_id ? 0 : lw_err_set(err, LW_ENOMEM, "out of memory");
    }
    struct lk_stats st = {0};
    o->warehouse_id = lk_client_warehouse_id(lk, name, &st, err);
    return o->warehouse_id ? 0 : err->code;
}

/* Namespace, table or view by dotted name, or a table/view as "<warehouse-id>/<id>". */
static int resolve_in_warehouse(struct lk_client *lk, const struct obj_type *t, const char *ref,
                                int64_t deadline, struct perm_obj *o, struct lw_err *err)
{
    bool leaf = strcmp(t->name, "namespace") != 0;
    const char *slash = strchr(ref, '/');
    if (leaf && slash && slash - ref == 36 && is_uuid(slash + 1)) {
        o->warehouse_id = lw_strndup(ref, 36);
        o->id = lw_strdup(slash + 1);
        return o->warehouse_id && o->id && is_uuid(o->warehouse_id)
                   ? 0 : not_found(err, t->name, ref);
    }
    char *wh = NULL, *name = NULL;
    struct lw_buf ns, path;
    lw_buf_init(&ns, 4096);
    lw_buf_init(&path, 8192);
    int rc = split_name(ref, leaf, &wh, &ns, &name);
    if (rc == LW_ENOTFOUND)
        rc = not_found(err, t->name, ref);
    else if (rc != 0)
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    if (rc == 0)
        rc = resolve_warehouse(lk, wh, o, err);
    if (rc == 0 && !leaf) {
        json_t *doc = NULL;
        lw_buf_printf(&path, "/catalog/v1/%s/namespaces/%s?returnUuid=true", o->warehouse_id,
                      ns.data);
        rc = path.failed ? lw_err_set(err, LW_ENOMEM, "name too long")
                         : get1(lk, path.data, NULL, deadline, &doc, err);
        const char *id = json_string_value(json_object_get(doc, "namespace-uuid"));
        if (rc == 0 && !(o->id = id ? lw_strdup(id) : NULL))
            rc = lw_err_set(err, LW_EIO, "Lakekeeper %s: no namespace-uuid", path.data);
        json_decref(doc);
    } else if (rc == 0) {
        lw_buf_printf(&path, "/catalog/v1/%s/namespaces/%s/%ss?returnUuids=true&",
                      o->warehouse_id, ns.data, t->segment);
        rc = path.failed ? lw_err_set(err, LW_ENOMEM, "name too long")
                         : find_in_listing(lk, path.data, NULL, match_tabular, NULL, name,
                                           deadline, &o->id, err);
        if (rc == LW_ENOTFOUND)
            rc = not_found(err, t->name, ref);
    }
    lw_free(wh);
    lw_free(name);
    lw_buf_free(&ns);
    lw_buf_free(&path);
    return rc;
}

static int resolve_top(struct lk_client *lk, const struct obj_type *t, const char *ref,
                       int64_t deadline, struct perm_obj *o, struct lw_err *err)
{
    int rc;
    json_t *doc = NULL;
    if (strcmp(t->name, "server") == 0) {
        rc = get1(lk, "/management/v1/info", NULL, deadline, &doc, err);
        const char *sid = json_string_value(json_object_get(doc, "server-id"));
        if (rc == 0 && (!sid || (strcmp(ref, "server") != 0 && strcmp(ref, sid) != 0)))
            rc = not_found(err, t->name, ref);
        if (rc == 0 && !(o->id = lw_strdup(sid)))
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        json_decref(doc);
    } else if (strcmp(t->name, "project") == 0) {
        rc = get1(lk, "/management/v1/project-list", NULL, deadline, &doc, err);
        if (rc == 0 && !(o->id = match_named(doc, ref, "projects")))
            rc = not_found(err, t->name, ref);
        if (rc == 0 && !(o->project_id = lw_strdup(o->id)))
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        json_decref(doc);
    } else if (strcmp(t->name, "warehouse") == 0) {
        rc = resolve_warehouse(lk, ref, o, err);
        if (rc == 0 && !(o->id = lw_strdup(o->warehouse_id)))
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    } else if (is_uuid(ref)) {      /* role by id */
        rc = (o->id = lw_strdup(ref)) ? 0 : lw_err_set(err, LW_ENOMEM, "out of memory");
    } else {                        /* role by name */
        rc = find_in_listing(lk, "/management/v1/role?", NULL, match_named, "roles", ref,
                             deadline, &o->id, err);
        if (rc == LW_ENOTFOUND)
            rc = not_found(err, t->name, ref);
    }
    return rc;
}

int perm_obj_resolve(struct lk_client *lk, const char *type, const char *ref,
                     int64_t deadline_us, struct perm_obj *out, struct lw_err *err)
{
    memset(out, 0, sizeof(*out));
    const struct obj_type *t = type_named(type);
    if (!t)
        return lw_err_set(err, LW_EINVAL, "unknown object_type '%s' (server, project, "
                          "warehouse, namespace, table, view, role)", type);
    out->type = t->name;
    int rc = t->segment ? resolve_in_warehouse(lk, t, ref, deadline_us, out, err)
                        : resolve_top(lk, t, ref, deadline_us, out, err);
    struct lw_buf fga, path;
    lw_buf_init(&fga, 4096);
    lw_buf_init(&path, 4096);
    if (rc == 0) {
        lw_buf_printf(&fga, "%s:", t->fga_type);
        if (strcmp(t->name, "table") == 0 || strcmp(t->name, "view") == 0)
            lw_buf_printf(&fga, "%s/", out->warehouse_id);
        lw_buf_puts(&fga, out->id);
        lw_buf_puts(&path, "/management/v1/");
        if (t->segment) {
            lw_buf_printf(&path, "warehouse/%s/%s/", out->warehouse_id, t->segment);
            lw_buf_urlencode(&path, out->id, false);
        } else if (strcmp(t->name, "warehouse") == 0 || strcmp(t->name, "role") == 0) {
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
