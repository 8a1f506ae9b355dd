/* authz_batch.c -- batch routing (authz_batch.h), following §5.6's pseudo-code. Where the
 * reference sends one request per rule, this sends all of a decision's checks in one
 * chunked batch-check per Lakekeeper instance; decisions are the same. */
#include "authz_batch.h"

#include "authz_names.h"
#include "authz_rules.h"

#include <stdlib.h>
#include <string.h>

#define STREQ(a, b) ((a) && (b) && strcmp((a), (b)) == 0)

/* Trino query ids look like 20250718_081710_03427_trino. The id travels as an HTTP header
 * (X-Request-ID) on lakeward's authenticated requests to Lakekeeper, so anything else (CR/LF
 * would inject headers) is replaced by "" -- as if Trino had sent none. */
const char *authz_safe_query_id(const char *qid)
{
    size_t n = 0;
    if (!qid)
        return "";
    for (const char *c = qid; *c; c++, n++) {
        if (n >= 128 || !((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                          (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '.' ||
                          *c == ':'))
            return "";
    }
    return qid;
}

int authz_batch_answer_size(const struct authz_input *in)
{
    int n = in->nitems;
    if (in->op == AUTHZ_OP_FILTER_COLUMNS && in->nitems == 1 && in->items[0].columns &&
        (int)json_array_size(in->items[0].columns) > n)
        n = (int)json_array_size(in->items[0].columns);
    return n;
}

/* A managed item that is neither in a Lakekeeper system schema nor (for table operations) a
 * metadata table: the fast/slow-path class. */
static bool managed_regular(const struct authz_plan *p, const struct authz_resource *r)
{
    const char *sch = authz_resource_sch(r);
    /* An item without a schema name cannot be asked about: not in this class (it denies). */
    if (!sch || !authz_plan_catalog(p, authz_resource_cat(r)) || authz_is_lk_system_schema(sch))
        return false;
    if (authz_op_is_table_op(p->in->op))
        return !authz_is_metadata_table(r->table_name, NULL);
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Broad-access probes for catalog `cat` (§5.3). Sets *wb, and nb_ok[k] for each schema in
 * schemas[0..ns). Probe answers are cached per query id (the bridge's 30 s X-Request-ID
 * keyed cache). */
static void probe(struct authz_plan *p, const struct authz_catalog *cat, const char **schemas,
                  int ns, int64_t ttl_ms, bool *wb, bool *nb_ok)
{
    struct lk_check_opts o = {authz_safe_query_id(p->in->query_id), NULL, ttl_ms};
    char scope[300];
    struct lk_check c = {0};
    struct lk_check_item *items;
    const char *wid;
    *wb = false;
    for (int k = 0; k < ns; k++)
        nb_ok[k] = false;
    if (!cat->lk || !p->principal)
        return;
    /* Through the plan's memo: a failed lookup is not repeated by the slow path. */
    if (!(wid = authz_plan_warehouse_id(p, cat)))
        return;
    snprintf(scope, sizeof scope, "probe:%s", o.request_id);
    o.cache_scope = scope;
    c.warehouse_id = wid;
    c.principal = p->principal;
    c.action = "list_everything";
    items = lw_calloc((size_t)ns + 1, sizeof *items);
    if (!items)
        return;
    c.object = LK_OBJ_WAREHOUSE;
    items[0].json = lk_check_render(&c);
    if (items[0].json) {
        lk_client_check(cat->lk, items, 1, &o, &p->stats);
        *wb = items[0].allowed;
    }
    lw_free((char *)items[0].json);
    if (!*wb && ns > 0) {
        c.object = LK_OBJ_NAMESPACE;
        for (int k = 0; k < ns; k++) {
            c.ns = authz_ns_split(schemas[k]);
            items[k].json = lk_check_render(&c);
            json_decref(c.ns);
            if (!items[k].json)
                goto done_items;
        }
        lk_client_check(cat->lk, items, ns, &o, &p->stats);
        for (int k = 0; k < ns; k++)
            nb_ok[k] = items[k].allowed;
    done_items:
        for (int k = 0; k < ns; k++)
            lw_free((char *)items[k].json);
    }
    lw_free(items);
}

/* Fast path (I, J, K, L) for one catalog; marks covered items in covered[]. */
static void fast_path(struct authz_plan *p, const struct authz_catalog *cat, int64_t ttl_ms,
                      bool *covered)
{
    const struct authz_input *in = p->in;
    const char **schemas = lw_calloc((size_t)in->nitems, sizeof *schemas);
    bool *nb_ok = lw_calloc((size_t)in->nitems, sizeof *nb_ok);
    int ns = 0, u = 0;
    bool wb;

    if (!schemas || !nb_ok)
        goto done;
    /* S_c: distinct schemas of this catalog's non-system items, metadata tables included. */
    for (int i = 0; i < in->nitems; i++) {
        const char *sch = authz_resource_sch(&in->items[i]);
        if (STREQ(authz_resource_cat(&in->items[i]), cat->name) && sch &&
            !authz_is_lk_system_schema(sch))
            schemas[ns++] = sch;
    }
    if (ns == 0)
        goto done;
    qsort(schemas, (size_t)ns, sizeof *schemas, cmp_str);
    for (int k = 0; k < ns; k++)
        if (u == 0 || strcmp(schemas[u - 1], schemas[k]) != 0)
            schemas[u++] = schemas[k];
    probe(p, cat, schemas, u, ttl_ms, &wb, nb_ok);
    for (int i = 0; i < in->nitems; i++) {
        const struct authz_resource *r = &in->items[i];
        const char *sch = authz_resource_sch(r);
        const char **hit;
        if (!STREQ(authz_resource_cat(r), cat->name) || !managed_regular(p, r))
            continue;
        hit = bsearch(&sch, schemas, (size_t)u, sizeof *schemas, cmp_str);
        if (wb || (hit && nb_ok[hit - schemas])) {
            covered[i] = true;
            authz_plan_allow(p, i, wb ? "fast-path warehouse.list_everything"
                                      : "fast-path namespace.list_everything");
        }
    }
done:
    lw_free(schemas);
    lw_free(nb_ok);
}

/* Slow path (G, H) for the items not covered. */
static void slow_path(struct authz_plan *p, const bool *covered)
{
    const struct authz_input *in = p->in;
    enum authz_op op = in->op;
    /* Deviation: for SelectFromColumns the bridge's batch slow path asks view read_data,
     * which Lakekeeper rejects for views (and with it the whole request); view select is
     * what the bridge's own single-resource rule asks (docs/authz.md). */
    const char *table_action = op == AUTHZ_OP_SELECT_FROM_COLUMNS ? "read_data" : "get_metadata";
    const char *view_action = op == AUTHZ_OP_SELECT_FROM_COLUMNS ? "select" : "get_metadata";

    for (int i = 0; i < in->nitems; i++) {
        const struct authz_resource *r = &in->items[i];
        const char *cat = authz_resource_cat(r), *sch = authz_resource_sch(r);
        json_t *ns;
        if (covered[i] || !managed_regular(p, r) || !sch)
            continue;
        ns = authz_ns_split(sch);
        if (op == AUTHZ_OP_FILTER_SCHEMAS) {
            authz_plan_allow_if(p, i, "slow-path namespace.get_metadata",
                                authz_plan_check(p, cat, LK_OBJ_NAMESPACE, "get_metadata", NULL, ns, NULL), -1);
        } else if (r->table_name) {
            int t = authz_plan_check(p, cat, LK_OBJ_TABLE, table_action, NULL, ns, r->table_name);
            int v = authz_plan_check(p, cat, LK_OBJ_VIEW, view_action, NULL, ns, r->table_name);
            authz_plan_allow_if(p, i, op == AUTHZ_OP_SELECT_FROM_COLUMNS ? "slow-path table.read_data"
                                                                        : "slow-path table.get_metadata", t, -1);
            authz_plan_allow_if(p, i, op == AUTHZ_OP_SELECT_FROM_COLUMNS ? "slow-path view.select"
                                                                        : "slow-path view.get_metadata", v, -1);
        }
        json_decref(ns);
    }
}

void authz_batch_decide(struct authz_plan *p, int64_t probe_ttl_ms, int64_t decision_ttl_ms)
{
    const struct authz_input *in = p->in;
    enum authz_op op = in->op;
    struct lk_check_opts o = {NULL, NULL, decision_ttl_ms};
    bool *covered = lw_calloc((size_t)(in->nitems ? in->nitems : 1), sizeof *covered);
    bool single_columns = op == AUTHZ_OP_FILTER_COLUMNS && in->nitems == 1 && in->items[0].columns &&
                          json_array_size(in->items[0].columns) > 0;
    int ncols = single_columns ? (int)json_array_size(in->items[0].columns) : 0;
    int column_alias = -1;  /* plan item standing for all columns (F and M) */

    if (!covered) {
        p->oom = true;
        return;
    }
    for (int i = 0; i < in->nitems; i++) {
        const struct authz_resource *r = &in->items[i];
        const char *cat = authz_resource_cat(r);
        bool managed = authz_plan_catalog(p, cat) != NULL;
        const char *ext = authz_rules_extension(p, r);
        if (ext) {
            /* Extension rules apply per item everywhere (the bridge consults allow_managed
             * only for some batch items: docs/authz.md, deviations). */
            authz_plan_allow(p, i, ext);
            continue;
        }
        if (!authz_op_is_batch_op(op)) {
            authz_rules_allow(p, i, r);                                     /* E */
            continue;
        }
        if (!managed) {
            if (cat && authz_rules_unmanaged(p, r))
                authz_plan_allow(p, i, "unmanaged-catalogs-flag");          /* A */
            else
                authz_rules_default_access(p, i, r);                        /* B */
        } else if (authz_is_lk_system_schema(authz_resource_sch(r))) {
            authz_rules_allow(p, i, r);                                     /* C */
        } else if (authz_op_is_table_op(op) && authz_is_metadata_table(r->table_name, NULL)) {
            authz_rules_allow(p, i, r);                                     /* D */
        }
    }
    /* F: FilterColumns for one table outside the managed-regular class: every column gets
     * the table's allow decision (no rule reads the column). Index 0 doubles as column 0. */
    if (single_columns && !managed_regular(p, &in->items[0])) {
        authz_rules_allow(p, 0, &in->items[0]);
        column_alias = 0;
    }
    /* G-M: managed regular items. */
    if (authz_op_is_batch_op(op)) {
        if (op != AUTHZ_OP_SELECT_FROM_COLUMNS) {
            for (int c = 0; c < p->opts->ncatalogs; c++) {
                const struct authz_catalog *cat = &p->opts->catalogs[c];
                bool present = false;
                for (int i = 0; i < in->nitems && !present; i++)
                    present = STREQ(authz_resource_cat(&in->items[i]), cat->name) &&
                              managed_regular(p, &in->items[i]) && !p->allowed[i];
                if (present)
                    fast_path(p, cat, probe_ttl_ms, covered);
            }
        }
        slow_path(p, covered);
        if (single_columns && managed_regular(p, &in->items[0]))
            column_alias = 0;                                               /* M */
    }
    authz_plan_run(p, &o);
    if (column_alias == 0 && p->allowed[0]) {
        for (int k = 1; k < ncols; k++)
            authz_plan_allow(p, k, p->rule[0]);
    }
    lw_free(covered);
}
