/* authz_plan.c -- building and running a decision's checks (authz_plan.h). */
#include "authz_plan.h"

#include <string.h>

int authz_plan_init(struct authz_plan *p, struct authz_engine *eng,
                    const struct authz_engine_opts *opts, const struct authz_input *in,
                    int nitems)
{
    memset(p, 0, sizeof *p);
    p->eng = eng;
    p->opts = opts;
    p->in = in;
    p->nitems = nitems;
    p->allowed = lw_calloc((size_t)(nitems ? nitems : 1), sizeof *p->allowed);
    p->rule = lw_calloc((size_t)(nitems ? nitems : 1), sizeof *p->rule);
    if (in->user) {
        size_t n = strlen(in->user);
        p->principal = lw_malloc(n + 6);
        if (p->principal) {
            memcpy(p->principal, "oidc~", 5);
            memcpy(p->principal + 5, in->user, n + 1);
        }
    }
    for (int i = 0; in->user && i < opts->nadmins && !p->admin; i++)
        p->admin = strcmp(opts->admins[i], in->user) == 0;
    if (!p->allowed || !p->rule || (in->user && !p->principal)) {
        authz_plan_free(p);
        return LW_ENOMEM;
    }
    return 0;
}

void authz_plan_free(struct authz_plan *p)
{
    for (int i = 0; i < p->nchecks; i++)
        lw_free(p->checks[i].json);
    for (int i = 0; i < p->nwh; i++)
        lw_free(p->wh[i].wid);
    lw_free(p->wh);
    lw_free(p->checks);
    lw_free(p->hash);
    lw_free(p->terms);
    lw_free(p->allowed);
    lw_free(p->rule);
    lw_free(p->principal);
    memset(p, 0, sizeof *p);
}

const struct authz_catalog *authz_plan_catalog(const struct authz_plan *p, const char *name)
{
    if (!name)
        return NULL;
    for (int i = 0; i < p->opts->ncatalogs; i++)
        if (strcmp(p->opts->catalogs[i].name, name) == 0)
            return &p->opts->catalogs[i];
    return NULL;
}

bool authz_plan_is_admin(const struct authz_plan *p)
{
    return p->admin;
}

const char *authz_plan_warehouse_id(struct authz_plan *p, const struct authz_catalog *cat)
{
    struct lw_err err = {0};
    for (int i = 0; i < p->nwh; i++)
        if (p->wh[i].cat == cat)
            return p->wh[i].failed ? NULL : p->wh[i].wid;
    if (p->nwh == p->capwh) {
        int ncap = p->capwh ? p->capwh * 2 : 8;
        struct authz_plan_wh *n = lw_realloc(p->wh, sizeof *n * (size_t)ncap);
        if (!n) {
            p->oom = true;
            return NULL;
        }
        p->wh = n;
        p->capwh = ncap;
    }
    p->wh[p->nwh].cat = cat;
    p->wh[p->nwh].wid = lk_client_warehouse_id(cat->lk, cat->warehouse, &p->stats, &err);
    p->wh[p->nwh].failed = p->wh[p->nwh].wid == NULL;
    return p->wh[p->nwh++].wid;
}

/* Index of an equal check already planned, or the slot where it would go. */
static int *hash_slot(struct authz_plan *p, const char *json)
{
    uint64_t h = lw_hash_str(json);
    for (int i = 0;; i++) {
        int *slot = &p->hash[(h + (uint64_t)i) % (uint64_t)p->hashcap];
        if (*slot < 0 || strcmp(p->checks[*slot].json, json) == 0)
            return slot;
    }
}

static bool grow_checks(struct authz_plan *p)
{
    if (p->nchecks + 1 > p->capchecks) {
        int ncap = p->capchecks ? p->capchecks * 2 : 16;
        struct authz_check *n = lw_realloc(p->checks, sizeof *n * (size_t)ncap);
        if (!n)
            return false;
        p->checks = n;
        p->capchecks = ncap;
    }
    if ((p->nchecks + 1) * 2 > p->hashcap) {
        int ncap = p->hashcap ? p->hashcap * 2 : 64;
        int *nh = lw_malloc(sizeof *nh * (size_t)ncap);
        if (!nh)
            return false;
        lw_free(p->hash);
        p->hash = nh;
        p->hashcap = ncap;
        memset(nh, 0xff, sizeof *nh * (size_t)ncap);
        for (int i = 0; i < p->nchecks; i++)
            *hash_slot(p, p->checks[i].json) = i;
    }
    return true;
}

int authz_plan_check(struct authz_plan *p, const char *catname, enum lk_object obj,
                     const char *action, json_t *extra, json_t *ns, const char *name)
{
    const struct authz_catalog *cat = authz_plan_catalog(p, catname);
    struct lk_check c;
    const char *wid;
    char *json;
    int *slot;

    if (!cat || !cat->lk || !p->principal || p->oom)
        return -1;
    if (obj != LK_OBJ_WAREHOUSE && !json_is_array(ns)) {
        p->oom = true;      /* the namespace could not be built: never ask about another one */
        return -1;
    }
    if (!(wid = authz_plan_warehouse_id(p, cat)))
        return -1;
    c.object = obj;
    c.action = action;
    c.action_extra = extra;
    c.warehouse_id = wid;
    c.ns = ns;
    c.name = name;
    c.principal = p->principal;
    if (!(json = lk_check_render(&c)) || !grow_checks(p)) {
        lw_free(json);
        p->oom = true;
        return -1;
    }
    slot = hash_slot(p, json);
    if (*slot >= 0) {
        lw_free(json);
        return *slot;
    }
    *slot = p->nchecks;
    p->checks[p->nchecks].lk = cat->lk;
    p->checks[p->nchecks].json = json;
    p->checks[p->nchecks].allowed = false;
    p->checks[p->nchecks].sent = false;
    return p->nchecks++;
}

static void add_term(struct authz_plan *p, int item, const char *rule, int c1, int c2)
{
    if (p->nterms + 1 > p->capterms) {
        int ncap = p->capterms ? p->capterms * 2 : 16;
        struct authz_term *n = lw_realloc(p->terms, sizeof *n * (size_t)ncap);
        if (!n) {
            p->oom = true;
            return;
        }
        p->terms = n;
        p->capterms = ncap;
    }
    p->terms[p->nterms++] = (struct authz_term){item, {c1, c2}, rule};
}

void authz_plan_allow(struct authz_plan *p, int item, const char *rule)
{
    if (!p->allowed[item]) {
        p->allowed[item] = true;
        p->rule[item] = rule;
    }
}

void authz_plan_allow_if(struct authz_plan *p, int item, const char *rule, int c1, int c2)
{
    if (c1 < 0 || p->allowed[item])
        return;
    add_term(p, item, rule, c1, c2);
}

void authz_plan_run(struct authz_plan *p, const struct lk_check_opts *o)
{
    struct lk_check_item *items;
    int *idx;
    if (p->nchecks > 0 && !p->oom) {
        items = lw_calloc((size_t)p->nchecks, sizeof *items);
        idx = lw_calloc((size_t)p->nchecks, sizeof *idx);
        if (!items || !idx) {
            p->oom = true;
        } else {
            /* One call per Lakekeeper instance, each carrying all of that instance's checks:
             * each pass takes the first check not yet sent and everything for its instance,
             * so the cost is checks x instances (instances are few, usually one). */
            int next = 0;
            while (next < p->nchecks && p->checks[next].sent)
                next++;
            while (next < p->nchecks) {
                struct lk_client *lk = p->checks[next].lk;
                int n = 0, first_other = p->nchecks;
                for (int j = next; j < p->nchecks; j++) {
                    if (p->checks[j].lk == lk && !p->checks[j].sent) {
                        idx[n] = j;
                        items[n++].json = p->checks[j].json;
                        p->checks[j].sent = true;
                    } else if (!p->checks[j].sent && j < first_other) {
                        first_other = j;
                    }
                }
                lk_client_check(lk, items, n, o, &p->stats);
                for (int m = 0; m < n; m++)
                    p->checks[idx[m]].allowed = items[m].allowed;
                next = first_other;
            }
        }
        lw_free(items);
        lw_free(idx);
    }
    for (int t = 0; t < p->nterms; t++) {
        const struct authz_term *term = &p->terms[t];
        bool ok = !p->oom && p->checks[term->check[0]].allowed &&
                  (term->check[1] < 0 || p->checks[term->check[1]].allowed);
        if (ok)
            authz_plan_allow(p, term->item, term->rule);
    }
    p->nterms = 0;      /* evaluated; a later phase adds its own */
}
