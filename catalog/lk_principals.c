/* lk_principals.c -- reads Lakekeeper's users, roles and role members (lk_principals.h).
 * One pager drives every listing: a set of pending requests (a path, a project, a page
 * token), sent together through lk_client_get a round at a time until no request has a
 * token left, each answer handed to the parser of its kind. */
#include "lk_principals.h"
#include "fga_client.h"
#include "../server/core/lw_buf.h"

#include <string.h>

/* Lakekeeper's largest page (LAKEKEEPER__PAGINATION_SIZE_MAX default). */
#define PAGE_SIZE 1000
/* lk_client_get's bound on one batch. */
#define MAX_BATCH 64

enum req_kind { K_USERS, K_USER_ONE, K_PROJECTS, K_ROLES, K_MEMBERS };

struct req {
    enum req_kind kind;
    char *base;             /* path without the page parameters */
    char *project;          /* x-project-id; NULL: the default project */
    size_t role;            /* K_MEMBERS: index into p->roles */
    char *token;            /* next page's token; NULL once the listing is over */
    bool started;
};

/* --- small helpers ---------------------------------------------------------------------- */

static char *jdup(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? lw_strdup(s) : NULL;
}

static int64_t jtime(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? fga_parse_time(s) : -1;
}

/* Makes room for one more element of size sz in *v (n used, *cap allocated). */
static int grow(void **v, size_t n, size_t *cap, size_t sz, struct lw_err *err)
{
    if (n >= LK_PRINCIPALS_MAX_ROWS)
        return lw_err_set(err, LW_ENOMEM, "Lakekeeper lists more than %d principals or members; "
                          "narrow the query", LK_PRINCIPALS_MAX_ROWS);
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    void *nv = lw_realloc(*v, nc * sz);
    if (!nv)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    *v = nv;
    *cap = nc;
    return 0;
}

/* The array under key and the page token of a list answer. */
static json_t *page_items(json_t *doc, const char *key, const char **next, struct lw_err *err)
{
    json_t *arr = json_object_get(doc, key);
    if (!json_is_array(arr))
        return lw_err_set(err, LW_EINVAL, "Lakekeeper's answer has no \"%s\" array", key), NULL;
    const char *tok = json_string_value(json_object_get(doc, "next-page-token"));
    *next = tok && *tok ? tok : NULL;
    return arr;
}

/* --- parsers ---------------------------------------------------------------------------- */

static int add_user(json_t *u, int inst, struct lk_principals *p, struct lw_err *err)
{
    if (!json_is_string(json_object_get(u, "id")))
        return lw_err_set(err, LW_EINVAL, "Lakekeeper listed a user without an id");
    if (grow((void **)&p->users, p->nusers, &p->capusers, sizeof *p->users, err) != 0)
        return err->code;
    struct lk_user *x = &p->users[p->nusers];
    *x = (struct lk_user){jdup(u, "id"), jdup(u, "name"), jdup(u, "email"),
                          jdup(u, "user-type"), jdup(u, "last-updated-with"),
                          jtime(u, "created-at"), jtime(u, "updated-at"), inst};
    p->nusers++;
    if (!x->id)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    return 0;
}

int lk_principals_parse_users(json_t *doc, int inst, struct lk_principals *p, const char **next,
                              struct lw_err *err)
{
    json_t *arr = page_items(doc, "users", next, err), *u;
    size_t i;
    if (!arr)
        return err->code;
    json_array_foreach(arr, i, u) {
        if (add_user(u, inst, p, err) != 0)
            return err->code;
    }
    return 0;
}

int lk_principals_parse_roles(json_t *doc, int inst, const char *project_id,
                              struct lk_principals *p, const char **next, struct lw_err *err)
{
    json_t *arr = page_items(doc, "roles", next, err), *r;
    size_t i;
    if (!arr)
        return err->code;
    json_array_foreach(arr, i, r) {
        if (!json_is_string(json_object_get(r, "id")))
            return lw_err_set(err, LW_EINVAL, "Lakekeeper listed a role without an id");
        if (grow((void **)&p->roles, p->nroles, &p->caproles, sizeof *p->roles, err) != 0)
            return err->code;
        struct lk_role *x = &p->roles[p->nroles];
        /* A role's own project-id wins; the project asked for is the fallback. */
        const char *proj = json_string_value(json_object_get(r, "project-id"));
        *x = (struct lk_role){jdup(r, "id"), jdup(r, "name"), jdup(r, "description"),
                              lw_strdup(proj ? proj : project_id ? project_id : ""),
                              jdup(r, "ident"), jdup(r, "provider-id"), jdup(r, "source-id"),
                              jtime(r, "created-at"), jtime(r, "updated-at"), inst};
        p->nroles++;
        if (!x->id || !x->project_id)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
    }
    return 0;
}

int lk_principals_parse_members(json_t *doc, size_t role, struct lk_principals *p,
                                const char **next, struct lw_err *err)
{
    json_t *arr = page_items(doc, "members", next, err), *m;
    size_t i;
    if (!arr)
        return err->code;
    json_array_foreach(arr, i, m) {
        const char *type = json_string_value(json_object_get(m, "type"));
        if (!type || (strcmp(type, "user") != 0 && strcmp(type, "role") != 0) ||
            !json_is_string(json_object_get(m, "id")))
            return lw_err_set(err, LW_EINVAL, "Lakekeeper listed a role member without a "
                              "type (user|role) and an id");
        if (grow((void **)&p->members, p->nmembers, &p->capmembers, sizeof *p->members,
                 err) != 0)
            return err->code;
        struct lk_member *x = &p->members[p->nmembers];
        *x = (struct lk_member){role, lw_strdup(type), jdup(m, "id"), jdup(m, "name")};
        p->nmembers++;
        if (!x->type || !x->id)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
    }
    return 0;
}

/* --- the pager -------------------------------------------------------------------------- */

struct pager {
    struct lk_client *c;
    int inst;
    struct lk_principals *p;
    const char *role_query;     /* "roleIds=..&roleIds=.." for the role listings, or "" */
    struct req *v;
    size_t n, cap;
};

/* Queues a request; takes base and project (both lw_free'd by the pager, even on error). */
static int pager_add(struct pager *g, enum req_kind kind, char *base, char *project,
                     size_t role, struct lw_err *err)
{
    if (!base || (kind == K_ROLES && !project))
        goto nomem;
    if (g->n == g->cap) {
        size_t nc = g->cap ? g->cap * 2 : 8;
        struct req *nv = lw_realloc(g->v, nc * sizeof *nv);
        if (!nv)
            goto nomem;
        g->v = nv;
        g->cap = nc;
    }
    g->v[g->n++] = (struct req){kind, base, project, role, NULL, false};
    return 0;
nomem:
    lw_free(base);
    lw_free(project);
    return lw_err_set(err, LW_ENOMEM, "out of memory");
}

static void pager_free(struct pager *g)
{
    for (size_t i = 0; i < g->n; i++) {
        lw_free(g->v[i].base);
        lw_free(g->v[i].project);
        lw_free(g->v[i].token);
    }
    lw_free(g->v);
}

static bool req_pending(const struct req *r)
{
    return !r->started || r->token;
}

/* The path of a request's next page (single objects and the project list are not paged). */
static char *req_path(const struct req *r)
{
    struct lw_buf b;
    lw_buf_init(&b, 1 << 20);
    lw_buf_puts(&b, r->base);
    if (r->kind != K_USER_ONE && r->kind != K_PROJECTS) {
        lw_buf_printf(&b, "%cpageSize=%d&pageToken=", strchr(r->base, '?') ? '&' : '?',
                      PAGE_SIZE);
        if (r->token)
            lw_buf_urlencode(&b, r->token, false);
    }
    return lw_buf_take(&b);
}

/* "<prefix><percent-encoded s><suffix>"; NULL when out of memory. */
static char *path_with(const char *prefix, const char *s, const char *suffix)
{
    struct lw_buf b;
    lw_buf_init(&b, 1 << 20);
    lw_buf_puts(&b, prefix);
    lw_buf_urlencode(&b, s, false);
    lw_buf_puts(&b, suffix);
    return lw_buf_take(&b);
}

/* The project list queues one role listing per project. */
static int parse_projects(struct pager *g, json_t *doc, struct lw_err *err)
{
    json_t *arr = json_object_get(doc, "projects"), *pr;
    size_t i;
    if (!json_is_array(arr))
        return lw_err_set(err, LW_EINVAL, "Lakekeeper's project list has no \"projects\" array");
    json_array_foreach(arr, i, pr) {
        const char *id = json_string_value(json_object_get(pr, "project-id"));
        if (!id)
            return lw_err_set(err, LW_EINVAL, "Lakekeeper listed a project without an id");
        struct lw_buf b;
        lw_buf_init(&b, 1 << 20);
        lw_buf_puts(&b, "/management/v1/role");
        if (*g->role_query)
            lw_buf_printf(&b, "?%s", g->role_query);
        if (pager_add(g, K_ROLES, lw_buf_take(&b), lw_strdup(id), 0, err) != 0)
            return err->code;
    }
    return 0;
}

/* Hands one answer to its parser and records the next page's token. */
static int req_answer(struct pager *g, size_t ri, const struct lk_get *get, bool late,
                      struct lw_err *err)
{
    struct req *r = &g->v[ri];
    const char *next = NULL;
    int rc = 0;
    lw_free(r->token);
    r->token = NULL;
    r->started = true;
    /* A user asked for by id who does not exist, or a role gone since it was listed: no
     * rows, as a listing would have shown. */
    if (!get->doc && get->status == 404 && (r->kind == K_USER_ONE || r->kind == K_MEMBERS))
        return 0;
    /* Unanswered because the statement's time ran out: the statement timeout's error. */
    if (!get->doc && late)
        return lw_err_set(err, LW_ETIMEOUT, "statement timeout while Lakekeeper answered "
                          "GET %s: %s", get->path, get->error);
    if (!get->doc)
        return lw_err_set(err, get->status == 401 || get->status == 403 ? LW_EAUTH : LW_EIO,
                          "Lakekeeper GET %s: %s%s", get->path, get->error,
                          get->status == 403 ? " (lakeward's technical client may not read "
                                               "this; listing users needs server admin or "
                                               "operator)" : "");
    switch (r->kind) {
    case K_USERS: rc = lk_principals_parse_users(get->doc, g->inst, g->p, &next, err); break;
    case K_USER_ONE: rc = add_user(get->doc, g->inst, g->p, err); break;
    case K_PROJECTS: rc = parse_projects(g, get->doc, err); break; /* may move g->v */
    case K_ROLES:
        rc = lk_principals_parse_roles(get->doc, g->inst, r->project, g->p, &next, err);
        break;
    case K_MEMBERS: rc = lk_principals_parse_members(get->doc, r->role, g->p, &next, err); break;
    }
    if (rc == 0 && next && !(g->v[ri].token = lw_strdup(next)))
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    return rc;
}

/* Sends pending requests, MAX_BATCH at a time, until every listing is over. Requests queued
 * while answers are parsed (the roles of each project) go out in later rounds. */
static int pager_run(struct pager *g, struct lk_stats *st, struct lw_err *err)
{
    struct lk_get gets[MAX_BATCH];
    size_t idx[MAX_BATCH];
    for (;;) {
        int n = 0, rc = 0;
        for (size_t i = 0; i < g->n && n < MAX_BATCH && rc == 0; i++) {
            if (!req_pending(&g->v[i]))
                continue;
            if (++g->p->pages > LK_PRINCIPALS_MAX_PAGES) {
                rc = lw_err_set(err, LW_ENOMEM, "reading Lakekeeper's principals took more "
                                "than %d pages; narrow the query", LK_PRINCIPALS_MAX_PAGES);
                break;
            }
            memset(&gets[n], 0, sizeof gets[n]);
            gets[n].project_id = g->v[i].project;
            if (!(gets[n].path = req_path(&g->v[i])))
                rc = lw_err_set(err, LW_ENOMEM, "out of memory");
            else
                idx[n++] = i;
        }
        if (rc == 0 && n == 0)
            return 0;
        if (rc == 0) {
            /* Per-item results decide (a 404 can be an answer), so the call's own verdict,
             * which only names the first failure, is not used. */
            struct lw_err ignored = {0};
            int first_failure = lk_client_get(g->c, gets, n, st, &ignored);
            (void)first_failure;
        }
        for (int k = 0; k < n; k++) {
            if (rc == 0)
                rc = req_answer(g, idx[k], &gets[k], st && st->deadline_hit, err);
            json_decref(gets[k].doc);
            lw_free((char *)gets[k].path);
        }
        if (rc != 0)
            return rc;
    }
}

/* --- entry points ----------------------------------------------------------------------- */

int lk_principals_read_users(struct lk_client *c, int inst, const struct lk_principal_filter *f,
                             struct lk_principals *p, struct lk_stats *st, struct lw_err *err)
{
    struct pager g = {c, inst, p, "", NULL, 0, 0};
    int rc = 0;
    if (f && f->nids > 0) {
        for (int i = 0; rc == 0 && i < f->nids; i++)
            rc = pager_add(&g, K_USER_ONE, path_with("/management/v1/user/", f->ids[i], ""),
                           NULL, 0, err);
    } else if (f && f->nnames > 0) {
        for (int i = 0; rc == 0 && i < f->nnames; i++)
            rc = pager_add(&g, K_USERS, path_with("/management/v1/user?name=", f->names[i], ""),
                           NULL, 0, err);
    } else {
        rc = pager_add(&g, K_USERS, lw_strdup("/management/v1/user"), NULL, 0, err);
    }
    if (rc == 0)
        rc = pager_run(&g, st, err);
    pager_free(&g);
    return rc;
}

int lk_principals_read_roles(struct lk_client *c, int inst, const struct lk_principal_filter *f,
                             struct lk_principals *p, struct lk_stats *st, struct lw_err *err)
{
    struct lw_buf q;
    lw_buf_init(&q, 1 << 20);
    lw_buf_puts(&q, "");
    for (int i = 0; f && i < f->nids; i++) {
        lw_buf_puts(&q, i ? "&roleIds=" : "roleIds=");
        lw_buf_urlencode(&q, f->ids[i], false);
    }
    char *query = lw_buf_take(&q);
    if (!query)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    struct pager g = {c, inst, p, query, NULL, 0, 0};
    int rc = pager_add(&g, K_PROJECTS, lw_strdup("/management/v1/project-list"), NULL, 0, err);
    if (rc == 0)
        rc = pager_run(&g, st, err);
    pager_free(&g);
    lw_free(query);
    return rc;
}

int lk_principals_read_members(struct lk_client *c, int inst, struct lk_principals *p,
                               struct lk_stats *st, struct lw_err *err)
{
    struct pager g = {c, inst, p, "", NULL, 0, 0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < p->nroles; i++)
        if (p->roles[i].inst == inst)
            rc = pager_add(&g, K_MEMBERS, path_with("/management/v1/role/", p->roles[i].id,
                                                "/members"),
                       lw_strdup(p->roles[i].project_id), i, err);
    if (rc == 0)
        rc = pager_run(&g, st, err);
    pager_free(&g);
    return rc;
}

void lk_principals_free(struct lk_principals *p)
{
    for (size_t i = 0; i < p->nusers; i++) {
        struct lk_user *u = &p->users[i];
        lw_free(u->id), lw_free(u->name), lw_free(u->email), lw_free(u->user_type);
        lw_free(u->last_updated_with);
    }
    for (size_t i = 0; i < p->nroles; i++) {
        struct lk_role *r = &p->roles[i];
        lw_free(r->id), lw_free(r->name), lw_free(r->description), lw_free(r->project_id);
        lw_free(r->ident), lw_free(r->provider_id), lw_free(r->source_id);
    }
    for (size_t i = 0; i < p->nmembers; i++) {
        lw_free(p->members[i].type), lw_free(p->members[i].id), lw_free(p->members[i].name);
    }
    lw_free(p->users);
    lw_free(p->roles);
    lw_free(p->members);
    memset(p, 0, sizeof *p);
}

/* --- OpenFGA subjects ------------------------------------------------------------------- */

char *lk_principals_fga_subject(const char *id, bool is_role)
{
    struct lw_buf b;
    lw_buf_init(&b, 1 << 16);
    if (is_role) {
        lw_buf_printf(&b, "role:%s#assignee", id);
    } else {
        lw_buf_puts(&b, "user:");
        lw_buf_urlencode(&b, id, false);
    }
    return lw_buf_take(&b);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

char *lk_principals_from_fga_subject(const char *subject, bool *is_role)
{
    static const char role_suffix[] = "#assignee";
    size_t n = strlen(subject), rl = sizeof role_suffix - 1;
    if (strncmp(subject, "role:", 5) == 0) {
        if (n <= 5 + rl || strcmp(subject + n - rl, role_suffix) != 0)
            return NULL;
        *is_role = true;
        return lw_strndup(subject + 5, n - 5 - rl);
    }
    if (strncmp(subject, "user:", 5) != 0 || n == 5 || strcmp(subject + 5, "*") == 0)
        return NULL;
    *is_role = false;
    char *out = lw_malloc(n), *o = out;
    if (!out)
        return NULL;
    for (const char *s = subject + 5; *s; s++) {
        if (*s != '%') {
            *o++ = *s;
            continue;
        }
        int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
        if (lo < 0 || (hi == 0 && lo == 0)) {
            lw_free(out);
            return NULL;
        }
        *o++ = (char)(hi * 16 + lo);
        s += 2;
    }
    *o = '\0';
    return out;
}
