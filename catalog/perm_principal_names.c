/* perm_principal_names.c -- the session's cache of principal names and the per-scan views
 * of it (perm_principal_names.h). The cache is one array sorted by (kind, id), so a scan of
 * 100,000 grants does 100,000 binary searches; the strings are taken over from the
 * lk_principals reads, not copied. Listing users is for Lakekeeper's server admins: where
 * lakeward's technical client may not, the users a scan asks about are read by id (as
 * Lakekeeper lets any caller do), at most MAX_USERS_BY_ID a scan, and remembered, the unknown
 * ones too. */
#include "perm_principal_names.h"
#include "lk_principals.h"

#include "../server/core/lw_buf.h"

#include <stdlib.h>
#include <string.h>

struct entry {
    bool role;
    int inst;                   /* -1: Lakekeeper does not know the id */
    char *id, *name;
};

/* Users read by id for one scan, past which their names stay NULL rather than cost more. */
#define MAX_USERS_BY_ID 1000

struct perm_principal_names {
    struct lk_client **lk;      /* borrowed */
    int nlk;
    int64_t ttl_ms;
    int64_t loaded_at;          /* lw_now_ms of the last whole read; 0: nothing held */
    struct entry *e;
    size_t n, cap;
    char **server_ids;          /* per instance, for can_list_users */
    bool *users_listed;         /* per instance: every user is held (else: read by id) */
};

struct perm_principal_names *perm_principal_names_new(struct lk_client **lk, int nlk,
                                                      int64_t ttl_ms)
{
    struct perm_principal_names *pn = lw_calloc(1, sizeof(*pn));
    if (!pn || !(pn->server_ids = lw_calloc((size_t)nlk + 1, sizeof(char *))) ||
        !(pn->users_listed = lw_calloc((size_t)nlk + 1, sizeof(bool)))) {
        if (pn)
            lw_free(pn->server_ids);
        lw_free(pn);
        return NULL;
    }
    pn->lk = lk;
    pn->nlk = nlk;
    pn->ttl_ms = ttl_ms;
    return pn;
}

void perm_principal_names_invalidate(struct perm_principal_names *pn)
{
    if (!pn)
        return;
    for (size_t i = 0; i < pn->n; i++) {
        lw_free(pn->e[i].id);
        lw_free(pn->e[i].name);
    }
    lw_free(pn->e);
    pn->e = NULL;
    pn->n = pn->cap = 0;
    for (int i = 0; i < pn->nlk; i++) {
        lw_free(pn->server_ids[i]);
        pn->server_ids[i] = NULL;
        pn->users_listed[i] = false;
    }
    pn->loaded_at = 0;
}

void perm_principal_names_free(struct perm_principal_names *pn)
{
    if (!pn)
        return;
    perm_principal_names_invalidate(pn);
    lw_free(pn->server_ids);
    lw_free(pn->users_listed);
    lw_free(pn);
}

static int cmp_entry(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    if (x->role != y->role)
        return x->role ? 1 : -1;
    return strcmp(x->id, y->id);
}

/* The server id of instance i (GET /management/v1/info) into pn. */
static int read_server_id(struct perm_principal_names *pn, int i, int64_t deadline,
                          struct lw_err *err)
{
    struct lk_stats st = {.deadline_us = deadline};
    struct lk_get g = {.path = "/management/v1/info"};
    int rc = lk_client_get(pn->lk[i], &g, 1, &st, err);
    const char *sid = rc == 0 ? json_string_value(json_object_get(g.doc, "server-id")) : NULL;
    if (rc == 0 && !sid)
        rc = lw_err_set(err, LW_EINVAL, "Lakekeeper's /management/v1/info has no server-id");
    if (rc == 0 && !(pn->server_ids[i] = lw_strdup(sid)))
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    json_decref(g.doc);
    return rc;
}

/* Appends an entry taking id and name over (both freed on failure). */
static int add(struct perm_principal_names *pn, bool role, int inst, char *id, char *name,
               struct lw_err *err)
{
    if (pn->n == pn->cap) {
        size_t cap = pn->cap ? pn->cap * 2 : 256;
        struct entry *v = lw_realloc(pn->e, cap * sizeof(*v));
        if (!v) {
            lw_free(id);
            lw_free(name);
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        }
        pn->e = v;
        pn->cap = cap;
    }
    pn->e[pn->n++] = (struct entry){role, inst, id, name};
    return 0;
}

/* Takes the users and roles of p over into pn (p keeps nothing of them). */
static int take(struct perm_principal_names *pn, struct lk_principals *p, struct lw_err *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < p->nusers; i++) {
        rc = add(pn, false, p->users[i].inst, p->users[i].id, p->users[i].name, err);
        p->users[i].id = p->users[i].name = NULL;
    }
    for (size_t i = 0; rc == 0 && i < p->nroles; i++) {
        rc = add(pn, true, p->roles[i].inst, p->roles[i].id, p->roles[i].name, err);
        p->roles[i].id = p->roles[i].name = NULL;
    }
    return rc;
}

/* Reads every instance's roles, server id and, where lakeward may list them, users. */
static int load(struct perm_principal_names *pn, int64_t deadline, struct lw_err *err)
{
    struct lk_principals p = {0};
    int rc = 0;
    perm_principal_names_invalidate(pn);
    for (int i = 0; rc == 0 && i < pn->nlk; i++) {
        struct lk_stats st = {.deadline_us = deadline};
        rc = lk_principals_read_users(pn->lk[i], i, NULL, &p, &st, err);
        pn->users_listed[i] = rc == 0;
        if (rc == LW_EAUTH)     /* not a server admin: users are read by id instead */
            rc = 0;
        if (rc == 0)
            rc = lk_principals_read_roles(pn->lk[i], i, NULL, &p, &st, err);
        if (rc == 0)
            rc = read_server_id(pn, i, deadline, err);
    }
    if (rc == 0)
        rc = take(pn, &p, err);
    lk_principals_free(&p);
    if (rc != 0) {
        perm_principal_names_invalidate(pn);
        return rc;
    }
    qsort(pn->e, pn->n, sizeof(*pn->e), cmp_entry);
    pn->loaded_at = lw_now_ms();
    return 0;
}

static const struct entry *find(const struct perm_principal_names *pn, const char *id,
                                bool is_role)
{
    struct entry key = {.role = is_role, .id = (char *)id};
    return pn && pn->n && id ? bsearch(&key, pn->e, pn->n, sizeof(*pn->e), cmp_entry) : NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Reads the users of ids[0..n) not held yet by id on the instances whose users were not
 * listed, and remembers them (those no instance knows too, with inst -1). */
static int read_users_by_id(struct perm_principal_names *pn, const char *const *ids, size_t n,
                            int64_t deadline, struct lw_err *err)
{
    bool listed_all = true;
    for (int i = 0; i < pn->nlk; i++)
        listed_all = listed_all && pn->users_listed[i];
    if (listed_all || n == 0)
        return 0;
    const char **want = lw_calloc(n + 1, sizeof(*want));
    int nwant = 0, rc = 0;
    if (!want)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && nwant < MAX_USERS_BY_ID; i++)
        if (!find(pn, ids[i], false))
            want[nwant++] = ids[i];
    struct lk_principals p = {0};
    struct lk_principal_filter f = {want, nwant, NULL, 0};
    for (int i = 0; rc == 0 && nwant > 0 && i < pn->nlk; i++) {
        struct lk_stats st = {.deadline_us = deadline};
        if (!pn->users_listed[i])
            rc = lk_principals_read_users(pn->lk[i], i, &f, &p, &st, err);
    }
    size_t before = pn->n;
    if (rc == 0)
        rc = take(pn, &p, err);
    lk_principals_free(&p);
    qsort(pn->e, pn->n, sizeof(*pn->e), cmp_entry);
    for (int i = 0; rc == 0 && i < nwant; i++) {
        char *id = find(pn, want[i], false) ? NULL : lw_strdup(want[i]);
        if (id)
            rc = add(pn, false, -1, id, NULL, err);
    }
    if (pn->n != before)
        qsort(pn->e, pn->n, sizeof(*pn->e), cmp_entry);
    lw_free(want);
    return rc;
}

/* A non-administrator's part of the view: one BatchCheck for can_list_users on each
 * instance's server and can_read on each role asked about. */
static int ask_openfga(struct perm_principal_names_view *v, const struct fga_client_opts *fga,
                       const struct sql_query_ctx *qc, const char *const *role_ids,
                       size_t nrole_ids, struct lw_err *err)
{
    const struct perm_principal_names *pn = v->pn;
    size_t n = (size_t)pn->nlk + nrole_ids;
    char *subject = lk_principals_fga_subject(qc->principal, false);
    char **objs = lw_calloc(n + 1, sizeof(*objs));
    struct fga_key *keys = lw_calloc(n + 1, sizeof(*keys));
    bool *ok = lw_calloc(n + 1, sizeof(*ok));
    struct fga_client *fc = NULL;
    int rc = subject && objs && keys && ok ? 0 : lw_err_set(err, LW_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct lw_buf b;
        lw_buf_init(&b, 4096);
        bool server = i < (size_t)pn->nlk;
        lw_buf_printf(&b, "%s:%s", server ? "server" : "role",
                      server ? pn->server_ids[i] : role_ids[i - (size_t)pn->nlk]);
        objs[i] = lw_buf_take(&b);
        lw_buf_free(&b);
        if (!objs[i])
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        keys[i] = (struct fga_key){subject, server ? "can_list_users" : "can_read", objs[i]};
    }
    if (rc == 0 && !(fc = fga_client_new(fga, err)))
        rc = err->code;
    if (rc == 0)
        rc = fga_check(fc, keys, ok, (int)n, qc->deadline_us, err);
    for (int i = 0; rc == 0 && i < pn->nlk; i++)
        v->all_users[i] = ok[i];
    for (size_t i = 0; rc == 0 && i < nrole_ids; i++)
        if (ok[(size_t)pn->nlk + i] && !(v->roles[v->nroles++] = lw_strdup(role_ids[i])))
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    if (rc == 0)
        qsort(v->roles, v->nroles, sizeof(*v->roles), cmp_str);
    fga_client_free(fc);
    for (size_t i = 0; objs && i < n; i++)
        lw_free(objs[i]);
    lw_free(objs);
    lw_free(keys);
    lw_free(ok);
    lw_free(subject);
    return rc;
}

int perm_principal_names_view(struct perm_principal_names *pn,
                              const struct fga_client_opts *fga, const struct sql_query_ctx *qc,
                              const char *const *user_ids, size_t nuser_ids,
                              const char *const *role_ids, size_t nrole_ids,
                              struct perm_principal_names_view *out, struct lw_err *err)
{
    memset(out, 0, sizeof(*out));
    if (!pn)
        return lw_err_set(err, LW_ECONFIG, "no Lakekeeper instance is configured");
    int rc = 0;
    if (!pn->loaded_at || lw_now_ms() - pn->loaded_at >= pn->ttl_ms)
        rc = load(pn, qc->deadline_us, err);
    if (rc == 0)
        rc = read_users_by_id(pn, user_ids, nuser_ids, qc->deadline_us, err);
    if (rc != 0)
        return rc;
    out->pn = pn;
    out->admin = qc->admin;
    if (qc->admin)
        return 0;
    if (qc->principal && !(out->self = lw_strdup(qc->principal)))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    if (!qc->principal || !fga || !fga->url || !*fga->url)
        return 0;
    if (!(out->all_users = lw_calloc((size_t)pn->nlk + 1, sizeof(bool))) ||
        !(out->roles = lw_calloc(nrole_ids + 1, sizeof(char *))))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    /* Fail closed: without OpenFGA's answer only the session's own name shows. */
    struct lw_err ignored = {0};
    if (ask_openfga(out, fga, qc, role_ids, nrole_ids, &ignored) != 0) {
        memset(out->all_users, 0, (size_t)pn->nlk * sizeof(bool));
        for (size_t i = 0; i < out->nroles; i++)
            lw_free(out->roles[i]);
        out->nroles = 0;
    }
    return 0;
}

void perm_principal_names_view_free(struct perm_principal_names_view *v)
{
    for (size_t i = 0; i < v->nroles; i++)
        lw_free(v->roles[i]);
    lw_free(v->roles);
    lw_free(v->all_users);
    lw_free(v->self);
    memset(v, 0, sizeof(*v));
}

const char *perm_principal_names_get(const struct perm_principal_names_view *v, const char *id,
                                     bool is_role)
{
    const struct entry *e = v->pn ? find(v->pn, id, is_role) : NULL;
    if (!e || e->inst < 0 || v->admin)
        return e ? e->name : NULL;
    bool visible = is_role ? v->nroles && bsearch(&id, v->roles, v->nroles, sizeof(*v->roles),
                                                  cmp_str)
                           : (v->self && strcmp(v->self, id) == 0) ||
                                 (v->all_users && v->all_users[e->inst]);
    return visible ? e->name : NULL;
}
