/* standin_batch_check.c -- POST /management/v1/action/batch-check, translated to OpenFGA.
 * The body is validated as strictly as Lakekeeper's serde types do it (422 for a body that is JSON
 * but not a CatalogActionsBatchCheckRequest, e.g. a view action outside LakekeeperViewAction),
 * then: >1000 checks -> 400 TooManyChecks; role identities must exist (404); names and ids are
 * resolved against the catalog (missing -> allowed:false, or 404 with error-on-not-found); each
 * check becomes (subject, can_<action>, object) and all go to OpenFGA BatchCheck in chunks of 50.
 * Asking for another identity needs can_read_assignments on each object (403 otherwise). */
#include "standin_api.h"
#include "standin_fga.h"
#include "standin_vocab.h"

#include "../../server/core/lw_log.h"

#include <stdio.h>
#include <string.h>

struct bc_item {
    const char *id; /* borrowed from the request JSON; NULL when absent or null */
    int kind;
    char action[64];
    const char *user; /* identity: Lakekeeper user id, or */
    const char *role; /* identity: role uuid */
    /* how the object is named */
    const char *warehouse_id;
    const char *object_id; /* namespace-id / table-id when by id */
    const json_t *ns_path; /* namespace array when by name */
    const char *name;      /* table / view name when by name */
    const char *project_id;
    /* resolution */
    bool found;
    int missing_kind; /* kind whose absence made the check not found */
    char object[SI_FGA_OBJ_MAX];
    char relation[SI_FGA_REL_MAX];
    bool always;
};

struct bc_error {
    char msg[400];
};

static bool fail(struct bc_error *e, const char *fmt, ...) LW_PRINTF(2, 3);

static bool fail(struct bc_error *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return false;
}

/* A string field that may be absent; false (with a message) when present but not a string. */
static bool opt_str(const json_t *obj, const char *key, const char **out, const char *where,
                    struct bc_error *e)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return fail(e, "%s.%s: invalid type: expected a string", where, key);
    *out = json_string_value(v);
    return true;
}

static bool is_str_array(const json_t *v)
{
    size_t i;
    json_t *x;
    if (!json_is_array(v) || json_array_size(v) > SI_NS_DEPTH_MAX)
        return false;
    json_array_foreach(v, i, x)
    {
        if (!json_is_string(x))
            return false;
    }
    return true;
}

static bool parse_identity(const json_t *idn, struct bc_item *it, const char *where,
                           struct bc_error *e)
{
    const char *key;
    json_t *v;
    if (!idn || json_is_null(idn))
        return true;
    if (!json_is_object(idn) || json_object_size(idn) != 1)
        return fail(e, "%s.identity: exactly one of `user` and `role` must be set", where);
    json_object_foreach((json_t *)idn, key, v)
    {
        if (!json_is_string(v))
            return fail(e, "%s.identity.%s: invalid type: expected a string", where, key);
        if (strcmp(key, "user") == 0) {
            if (!standin_is_user_id(json_string_value(v)))
                return fail(e,
                            "%s.identity.user: Invalid user id: `%s`. Expected format: "
                            "`<idp_id>~<user-id>`",
                            where, json_string_value(v));
            it->user = json_string_value(v);
        } else if (strcmp(key, "role") == 0) {
            if (!standin_is_uuid(json_string_value(v)))
                return fail(e, "%s.identity.role: invalid UUID `%s`", where, json_string_value(v));
            it->role = json_string_value(v);
        } else {
            return fail(e, "%s.identity: unknown variant `%s`, expected `user` or `role`", where,
                        key);
        }
    }
    return true;
}

/* The first of the alias keys present; "duplicate field" when more than one is. */
static bool alias_str(const json_t *obj, const char *const *keys, int nkeys, const char **out,
                      const char *where, struct bc_error *e)
{
    *out = NULL;
    for (int k = 0; k < nkeys; k++) {
        const char *v;
        if (!opt_str(obj, keys[k], &v, where, e))
            return false;
        if (v && *out)
            return fail(e, "%s: duplicate field `%s`", where, keys[0]);
        if (v)
            *out = v;
    }
    return true;
}

static bool parse_operation(const json_t *op, struct bc_item *it, const char *where,
                            struct bc_error *e)
{
    static const char *const id_keys[] = {"table-id", "view_id", "generic_table_id"};
    static const char *const name_keys[] = {"table", "view", "generic_table"};
    const char *key = NULL, *k, *action;
    json_t *body = NULL, *act, *v;
    char rel[SI_FGA_REL_MAX];
    bool always;

    if (!json_is_object(op))
        return fail(e, "%s.operation: missing field or invalid type", where);
    if (json_object_size(op) != 1)
        return fail(e, "%s.operation: invalid length %zu, expected map with a single key", where,
                    json_object_size(op));
    /* json_object_foreach leaves its key variable NULL at the end: keep our own copy. */
    json_object_foreach((json_t *)op, k, v)
    {
        key = k;
        body = v;
    }
    it->kind = standin_kind_of_key(key);
    if (it->kind < 0)
        return fail(
            e,
            "%s.operation: unknown variant `%s`, expected one of `server`, `project`, `warehouse`, "
            "`namespace`, `table`, `view`, `generic-table`",
            where, key);
    if (!json_is_object(body))
        return fail(e, "%s.operation.%s: invalid type: expected struct", where, key);
    act = json_object_get(body, "action");
    if (!act)
        return fail(e, "%s.operation.%s: missing field `action`", where, key);
    if (!json_is_object(act))
        return fail(e, "%s.operation.%s.action: invalid type: expected internally tagged enum",
                    where, key);
    action = json_string_value(json_object_get(act, "action"));
    if (!action)
        return fail(e, "%s.operation.%s.action: missing field `action`", where, key);
    if (!standin_action_relation(it->kind, action, rel, sizeof rel, &always))
        return fail(e, "%s.operation.%s.action: unknown variant `%s`", where, key, action);
    snprintf(it->action, sizeof it->action, "%s", action);

    switch (it->kind) {
    case SI_SERVER:
        return true;
    case SI_PROJECT:
        if (!opt_str(body, "project-id", &it->project_id, where, e))
            return false;
        if (it->project_id && !standin_is_project_id(it->project_id))
            return fail(e, "%s.operation.project.project-id: invalid project id `%s`", where,
                        it->project_id);
        return true;
    case SI_WAREHOUSE:
        if (!opt_str(body, "warehouse-id", &it->warehouse_id, where, e))
            return false;
        if (!it->warehouse_id)
            return fail(e, "%s.operation.warehouse: missing field `warehouse-id`", where);
        if (!standin_is_uuid(it->warehouse_id))
            return fail(e, "%s.operation.warehouse.warehouse-id: invalid UUID `%s`", where,
                        it->warehouse_id);
        return true;
    default:
        break;
    }
    /* Untagged "by id" or "by name": the first variant that fits wins, as with serde. */
    if (!opt_str(body, "warehouse-id", &it->warehouse_id, where, e))
        return false;
    if (it->kind == SI_NAMESPACE) {
        const char *nid = json_string_value(json_object_get(body, "namespace-id"));
        if (it->warehouse_id && standin_is_uuid(it->warehouse_id) && nid && standin_is_uuid(nid)) {
            it->object_id = nid;
            return true;
        }
        v = json_object_get(body, "namespace");
        if (it->warehouse_id && standin_is_uuid(it->warehouse_id) && is_str_array(v)) {
            it->ns_path = v;
            return true;
        }
        return fail(e,
                    "%s.operation.namespace: data did not match any variant of untagged enum "
                    "NamespaceIdentOrUuid",
                    where);
    }
    {
        const char *tid, *tname;
        struct bc_error ignore;
        bool id_ok = alias_str(body, id_keys, 3, &tid, where, &ignore);
        bool name_ok = alias_str(body, name_keys, 3, &tname, where, &ignore);
        if (it->warehouse_id && standin_is_uuid(it->warehouse_id) && id_ok && tid &&
            standin_is_uuid(tid)) {
            it->object_id = tid;
            return true;
        }
        v = json_object_get(body, "namespace");
        if (it->warehouse_id && standin_is_uuid(it->warehouse_id) && name_ok && tname &&
            is_str_array(v)) {
            it->ns_path = v;
            it->name = tname;
            return true;
        }
    }
    return fail(
        e, "%s.operation.%s: data did not match any variant of untagged enum TabularIdentOrUuid",
        where, key);
}

/* Validates the whole body into items; false with a 422 message. */
static bool parse_request(const json_t *root, struct bc_item **items_out, size_t *n_out, bool *eonf,
                          struct bc_error *e)
{
    json_t *checks, *flag, *c;
    struct bc_item *items;
    size_t i;

    *items_out = NULL;
    *n_out = 0;
    if (!json_is_object(root))
        return fail(e, "invalid type: expected struct CatalogActionsBatchCheckRequest");
    checks = json_object_get(root, "checks");
    if (!checks)
        return fail(e, "missing field `checks`");
    if (!json_is_array(checks))
        return fail(e, "checks: invalid type: expected a sequence");
    flag = json_object_get(root, "error-on-not-found");
    if (flag && !json_is_boolean(flag))
        return fail(e, "error-on-not-found: invalid type: expected a boolean");
    *eonf = json_is_true(flag);
    /* Bound the work before validating: real Lakekeeper deserialises everything first, but a
     * body can only be as large as http_server's max_body anyway. */
    items = lw_calloc(json_array_size(checks) + 1, sizeof *items);
    if (!items)
        return fail(e, "out of memory");
    json_array_foreach(checks, i, c)
    {
        char where[32];
        struct bc_item *it = &items[i];
        snprintf(where, sizeof where, "checks[%zu]", i);
        if (!json_is_object(c)) {
            lw_free(items);
            return fail(e, "%s: invalid type: expected struct CatalogActionCheckItem", where);
        }
        if (!opt_str(c, "id", &it->id, where, e) ||
            !parse_identity(json_object_get(c, "identity"), it, where, e) ||
            !parse_operation(json_object_get(c, "operation"), it, where, e)) {
            lw_free(items);
            return false;
        }
    }
    *items_out = items;
    *n_out = json_array_size(checks);
    return true;
}

static bool path_of(const json_t *arr, struct si_path *p)
{
    size_t i;
    json_t *v;
    memset(p, 0, sizeof *p);
    json_array_foreach(arr, i, v)
    {
        if (p->depth >= SI_NS_DEPTH_MAX ||
            !standin_copy(p->part[p->depth], sizeof p->part[0], json_string_value(v)))
            return false;
        p->depth++;
    }
    return p->depth > 0;
}

/* Resolves the item's object against the catalog; sets it->found and it->object. */
static void resolve(struct standin_call *c, struct bc_item *it)
{
    struct standin_state *st = c->si->state;
    struct si_warehouse w;
    struct si_namespace ns;
    struct si_tabular tab;
    struct si_path path;

    it->found = false;
    it->missing_kind = it->kind;
    switch (it->kind) {
    case SI_SERVER:
        it->found = standin_fga_object(SI_SERVER, NULL, standin_state_server_id(st), it->object,
                                       sizeof it->object);
        return;
    case SI_PROJECT:
        it->found = standin_fga_object(SI_PROJECT, NULL,
                                       it->project_id ? it->project_id : standin_project_of(c),
                                       it->object, sizeof it->object);
        return;
    default:
        break;
    }
    /* Inactive warehouses count as present (Lakekeeper fetches active and inactive). */
    if (!standin_state_warehouse(st, it->warehouse_id, &w)) {
        it->missing_kind = SI_WAREHOUSE;
        return;
    }
    if (it->kind == SI_WAREHOUSE) {
        it->found = standin_fga_object(SI_WAREHOUSE, NULL, w.id, it->object, sizeof it->object);
        return;
    }
    if (it->kind == SI_GENERIC_TABLE)
        return; /* the stand-in has no generic tables */
    if (it->kind == SI_NAMESPACE) {
        bool ok = it->object_id ? standin_state_namespace(st, w.id, it->object_id, &ns)
                                : path_of(it->ns_path, &path) &&
                                      standin_state_namespace_by_path(st, w.id, &path, &ns);
        if (ok)
            it->found =
                standin_fga_object(SI_NAMESPACE, NULL, ns.id, it->object, sizeof it->object);
        return;
    }
    if (it->object_id) {
        if (standin_state_tabular(st, w.id, it->object_id, it->kind, &tab))
            it->found = standin_fga_object(it->kind, w.id, tab.id, it->object, sizeof it->object);
        return;
    }
    if (!path_of(it->ns_path, &path) || !standin_state_namespace_by_path(st, w.id, &path, &ns)) {
        it->missing_kind = SI_NAMESPACE;
        return;
    }
    if (standin_state_tabular_by_name(st, w.id, ns.id, it->name, it->kind, &tab))
        it->found = standin_fga_object(it->kind, w.id, tab.id, it->object, sizeof it->object);
}

static void not_found_error(struct standin_call *c, const struct bc_item *it)
{
    switch (it->missing_kind) {
    case SI_WAREHOUSE:
        standin_error(c->resp, 404, "NoSuchWarehouseException",
                      "Warehouse id %s not found: Warehouse not found or access denied",
                      it->warehouse_id);
        break;
    case SI_NAMESPACE:
        standin_error(c->resp, 404, "NoSuchNamespaceException",
                      "Namespace not found or access denied");
        break;
    case SI_VIEW:
        standin_error(c->resp, 404, "NoSuchViewException", "Error getting tabular from catalog");
        break;
    case SI_GENERIC_TABLE:
        standin_error(c->resp, 404, "NoSuchGenericTableException",
                      "Error getting tabular from catalog");
        break;
    default:
        standin_error(c->resp, 404, "NoSuchTableException", "Error getting tabular from catalog");
        break;
    }
}

static void record_stats(struct standin *si, size_t n)
{
    long prev = atomic_load(&si->stats.checks_max);
    atomic_fetch_add(&si->stats.checks, (long)n);
    while ((long)n > prev && !atomic_compare_exchange_weak(&si->stats.checks_max, &prev, (long)n))
        ;
}

void standin_api_batch_check(struct standin_call *c)
{
    json_t *root = standin_body_json(c), *results, *o;
    struct bc_item *items = NULL;
    struct standin_tuple *t = NULL;
    bool *allowed = NULL, eonf = false;
    int *slot = NULL;
    struct bc_error e = {{0}};
    size_t n = 0;
    int nt = 0, nguard = 0;

    if (!root)
        return;
    if (!parse_request(root, &items, &n, &eonf, &e)) {
        standin_text_error(c->resp, 422,
                           "Failed to deserialize the JSON body into the target type: %s", e.msg);
        goto out;
    }
    if (n > SI_MAX_CHECKS) {
        standin_error(c->resp, 400, "TooManyChecks",
                      "Too many checks requested: %zu. Maximum allowed is %d", n, SI_MAX_CHECKS);
        goto out;
    }
    record_stats(c->si, n);
    for (size_t i = 0; i < n; i++) {
        struct si_role r;
        if (items[i].role && !standin_state_role(c->si->state, NULL, items[i].role, &r)) {
            standin_error(c->resp, 404, "RoleIdNotFound", "A role with id '%s' does not exist",
                          items[i].role);
            goto out;
        }
    }
    /* Items first, then at most one guard per item: 2n tuples. */
    t = lw_calloc(2 * n + 1, sizeof *t);
    allowed = lw_calloc(2 * n + 1, sizeof *allowed);
    slot = lw_calloc(n + 1, sizeof *slot);
    if (!t || !allowed || !slot) {
        standin_error(c->resp, 500, "InternalServerError", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct bc_item *it = &items[i];
        char subject[SI_FGA_USER_MAX];
        slot[i] = -1;
        resolve(c, it);
        if (!it->found) {
            if (eonf) {
                not_found_error(c, it);
                goto out;
            }
            continue;
        }
        standin_action_relation(it->kind, it->action, it->relation, sizeof it->relation,
                                &it->always);
        if (it->user) {
            standin_fga_user(it->user, subject, sizeof subject);
        } else if (it->role) {
            struct si_role r;
            standin_state_role(c->si->state, NULL, it->role, &r);
            snprintf(subject, sizeof subject, "role:%s#assignee", r.id);
        } else {
            snprintf(subject, sizeof subject, "%s", c->actor);
        }
        if (!it->always) {
            slot[i] = nt;
            standin_tuple_set(&t[nt++], subject, it->relation, it->object);
        }
    }
    /* Guards: the caller must be allowed to read the grants of every object it asks about for
     * another identity. One per distinct object. */
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        if (!items[i].found || (!items[i].user && !items[i].role))
            continue;
        for (int g = 0; g < nguard && !dup; g++)
            dup = strcmp(t[nt + g].object, items[i].object) == 0;
        if (!dup) {
            standin_tuple_set(&t[nt + nguard], c->actor, "can_read_assignments", items[i].object);
            nguard++;
        }
    }
    if (standin_ask_many(c, t, nt + nguard, allowed) != 0)
        goto out;
    for (int g = 0; g < nguard; g++) {
        if (!allowed[nt + g]) {
            standin_error(c->resp, 403, "CannotInspectPermissions",
                          "Not allowed to inspect permissions for object %s", t[nt + g].object);
            goto out;
        }
    }
    results = json_array();
    for (size_t i = 0; i < n; i++) {
        bool ok = items[i].found && (items[i].always || allowed[slot[i]]);
        json_t *r = json_object();
        if (items[i].id)
            json_object_set_new(r, "id", json_string(items[i].id));
        json_object_set_new(r, "allowed", json_boolean(ok));
        json_array_append_new(results, r);
    }
    o = json_pack("{s:o}", "results", results);
    LW_DEBUG("standin", "batch_check", "checks=%zu fga_checks=%d guards=%d", n, nt, nguard);
    standin_json_take(c->resp, o);
out:
    lw_free(slot);
    lw_free(allowed);
    lw_free(t);
    lw_free(items);
    json_decref(root);
}
