/* authz_plan.h -- the working state of one decision: the Lakekeeper checks it needs
 * (deduplicated, grouped per instance) and, per item, the alternatives that would allow it
 * (a constant, or one or two checks that must all be true). Rules add to a plan; then the
 * plan is executed and evaluated. Private to authz/. */
#ifndef AUTHZ_PLAN_H
#define AUTHZ_PLAN_H

#include "../catalog/lk_check.h"
#include "authz_engine.h"
#include "authz_input.h"

struct authz_check {
    struct lk_client *lk;
    char *json;
    bool allowed;
    bool sent;              /* already asked in this decision */
};

struct authz_term {
    int item;
    int check[2];           /* -1 when unused */
    const char *rule;       /* label for the decision log, static */
};

struct authz_plan {
    struct authz_engine *eng;
    const struct authz_engine_opts *opts;
    const struct authz_input *in;
    char *principal;                /* "oidc~<user>", NULL when the input has no user */
    bool admin;                     /* the user is in TRINO_ADMIN_USERS */
    struct authz_check *checks;
    int nchecks, capchecks;
    int *hash;                      /* open addressing index into checks, capacity hashcap */
    int hashcap;
    struct authz_term *terms;
    int nterms, capterms;
    int nitems;
    bool *allowed;                  /* per item, the result */
    const char **rule;              /* per item, the label of the alternative that allowed it */
    /* per-decision memo of warehouse ids (failures too: one lookup per catalog and decision) */
    struct authz_plan_wh { const struct authz_catalog *cat; char *wid; bool failed; } *wh;
    int nwh, capwh;
    struct lk_stats stats;
    bool oom;
};

int authz_plan_init(struct authz_plan *p, struct authz_engine *eng,
                    const struct authz_engine_opts *opts, const struct authz_input *in,
                    int nitems) LW_MUSTCHECK;
void authz_plan_free(struct authz_plan *p);

const struct authz_catalog *authz_plan_catalog(const struct authz_plan *p, const char *name);
bool authz_plan_is_admin(const struct authz_plan *p);

/* The warehouse id of managed catalog cat (which has an instance), resolved at most once per
 * decision; owned by the plan. NULL when it cannot be resolved. */
const char *authz_plan_warehouse_id(struct authz_plan *p, const struct authz_catalog *cat);

/* Adds a check on catalog cat; returns its index, or -1 when it cannot be asked (catalog not
 * managed, no Lakekeeper instance, warehouse unresolvable, no user): the caller's
 * alternative then simply does not exist, which denies, as in rego. */
int authz_plan_check(struct authz_plan *p, const char *cat, enum lk_object obj,
                     const char *action, json_t *extra, json_t *ns, const char *name);

/* Alternatives: constant allow, or all given checks (c2 may be -1). Alternatives with a
 * -1 first check are ignored. */
void authz_plan_allow(struct authz_plan *p, int item, const char *rule);
void authz_plan_allow_if(struct authz_plan *p, int item, const char *rule, int c1, int c2);

/* Sends every check not yet answered (opts says caching), then evaluates all terms. */
void authz_plan_run(struct authz_plan *p, const struct lk_check_opts *o);

#endif
