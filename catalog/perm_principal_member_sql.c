/* perm_principal_member_sql.c -- lakeward.role_members and lakeward.effective_role_members
 * (perm_principal_sql.h).
 * role_members: who is assigned to a role directly, as Lakekeeper answers
 * GET /management/v1/role/{id}/members (users and roles; role_id pushed down as roleIds=).
 * effective_role_members: everyone who holds a role, directly or through roles assigned to
 * it, asked of OpenFGA -- ListUsers on role:<id>#assignee for users and for role#assignee
 * subjects, or ListObjects of the roles a principal is assignee of -- so the nesting is
 * OpenFGA's own evaluation of Lakekeeper's model, never re-derived here. OpenFGA bounds the
 * nesting depth (its resolution limit answers an error, passed on); the rows are bounded
 * here. Lakekeeper's own transitive endpoints answer 501 under OpenFGA. */
#include "perm_principal_sql.h"
#include "perm_tables.h"
#include "../server/core/lw_buf.h"

#include <stdlib.h>
#include <string.h>

/* Keys one query may ask for (each costs two OpenFGA calls) and rows one scan may hold. */
#define MAX_ROLE_KEYS 100
#define MAX_EFFECTIVE_ROWS 10000

/* The OpenFGA subject of a principal as the tables take it: Lakekeeper's rule (a user id
 * contains '~', a role id does not), or OpenFGA's own "user:..." / "role:...#assignee"
 * forms as they are. Caller frees; NULL when out of memory. */
static char *subject_of(const char *p)
{
    if (strncmp(p, "user:", 5) == 0 || strncmp(p, "role:", 5) == 0)
        return lw_strdup(p);
    return lk_principals_fga_subject(p, strchr(p, '~') == NULL);
}

/* --- role_members ----------------------------------------------------------------------- */

enum { M_ROLE, M_ROLE_NAME, M_PROJECT, M_TYPE, M_MEMBER, M_MEMBER_NAME, M_FGA, M_LAKEKEEPER,
       M_NCOLS };

static const struct sql_col member_cols[M_NCOLS] = {
    [M_ROLE] = {"role_id", SQL_OID_UUID, SQL_COL_KEY_OPTIONAL},
    [M_ROLE_NAME] = {"role_name", SQL_OID_TEXT, 0},
    [M_PROJECT] = {"project_id", SQL_OID_TEXT, 0},
    [M_TYPE] = {"member_type", SQL_OID_TEXT, 0},
    [M_MEMBER] = {"member", SQL_OID_TEXT, 0},
    [M_MEMBER_NAME] = {"member_name", SQL_OID_TEXT, 0},
    [M_FGA] = {"fga_subject", SQL_OID_TEXT, 0},
    [M_LAKEKEEPER] = {"lakekeeper", SQL_OID_TEXT, SQL_COL_HIDDEN},
};

static int members_best_index(void *aux, const struct sql_index_in *in,
                              struct sql_index_out *out, struct lw_err *err)
{
    (void)aux;
    (void)err;
    static const int keys[] = {M_ROLE, M_MEMBER};
    return perm_prow_push(keys, 2, in, out);
}

static int members_open(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                        struct lw_err *err)
{
    return perm_prow_open(aux, qc, cur, &perm_role_members_module, err);
}

static int members_rows(struct perm_prow_cursor *c, struct lw_err *err)
{
    for (size_t i = 0; i < c->pr.nmembers; i++) {
        const struct lk_member *m = &c->pr.members[i];
        const struct lk_role *r = &c->pr.roles[m->role];
        struct sql_value *row = perm_prow_add(c);
        if (!row)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        perm_prow_text(&row[M_ROLE], r->id);
        perm_prow_text(&row[M_ROLE_NAME], r->name);
        perm_prow_text(&row[M_PROJECT], r->project_id);
        perm_prow_text(&row[M_TYPE], m->type);
        perm_prow_text(&row[M_MEMBER], m->id);
        perm_prow_text(&row[M_MEMBER_NAME], m->name);
        perm_prow_text(&row[M_LAKEKEEPER], lk_client_id(c->w->lk[r->inst]));
        const char *fga = perm_prow_own(c, lk_principals_fga_subject(
                                               m->id, strcmp(m->type, "role") == 0));
        if (!fga)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        perm_prow_text(&row[M_FGA], fga);
    }
    return 0;
}

/* The roles the members are directly assigned to, from OpenFGA's assignee tuples
 * (Read {user: <subject>, relation: assignee, object: "role:"}), as role ids into *ids. */
static int roles_holding(struct perm_prow_cursor *c, char **members, int n, char ***ids,
                         int *nids, struct lw_err *err)
{
    struct fga_tuples t = {0};
    struct fga_client *fc = fga_client_new(&c->w->fga.fga, err);
    int rc = fc ? 0 : err->code;
    for (int i = 0; rc == 0 && i < n; i++) {
        char *subject = subject_of(members[i]);
        struct fga_key key = {subject, "assignee", "role:"};
        rc = subject ? fga_read(fc, &key, MAX_EFFECTIVE_ROWS, &t, c->qc->deadline_us, err)
                     : lw_err_set(err, LW_ENOMEM, "out of memory");
        lw_free(subject);
    }
    fga_client_free(fc);
    *ids = rc == 0 ? lw_calloc(t.n + 1, sizeof **ids) : NULL;
    *nids = 0;
    if (rc == 0 && !*ids)
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < t.n; i++)
        if (strncmp(t.v[i].object, "role:", 5) == 0 &&
            !((*ids)[(*nids)++] = lw_strdup(t.v[i].object + 5)))
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    fga_tuples_free(&t);
    return rc;
}

static int members_filter(struct sql_cursor *cur, int plan, int argc,
                          const struct sql_value *argv, struct lw_err *err)
{
    struct perm_prow_cursor *c = (struct perm_prow_cursor *)cur;
    char **ids = NULL, **members = NULL;
    int nids = 0, nmembers = 0, rc = 0;
    perm_prow_reset(c);
    int rslot = perm_prow_arg_slot(plan, 0), mslot = perm_prow_arg_slot(plan, 1);
    bool keyed = false;
    if (rslot >= 0 && rslot < argc) {
        keyed = true;
        rc = perm_prow_strs(&argv[rslot], MAX_ROLE_KEYS * 10, "role_id", &ids, &nids, err);
    } else if (mslot >= 0 && mslot < argc && c->w->with_fga) {
        /* member = X: only the roles OpenFGA holds an assignee tuple of X on are read
         * (the engine still matches member against Lakekeeper's answer). */
        keyed = true;
        rc = perm_prow_strs(&argv[mslot], MAX_ROLE_KEYS, "member", &members, &nmembers, err);
        if (rc == 0)
            rc = roles_holding(c, members, nmembers, &ids, &nids, err);
    }
    /* Many roles: one listing per project costs less than a roleIds= list that long. */
    struct lk_principal_filter f = {(const char *const *)ids, nids > 200 ? 0 : nids, NULL, 0};
    if (rc == 0 && !(keyed && nids == 0)) {
        /* Only roles whose assignments the session may read have their members fetched. */
        rc = perm_prow_read_roles(c, &f, "can_read_assignments", err);
        for (int i = 0; rc == 0 && i < c->w->nlk; i++) {
            struct lk_stats st = perm_prow_stats(c);
            rc = lk_principals_read_members(c->w->lk[i], i, &c->pr, &st, err);
        }
    }
    if (rc == 0)
        rc = members_rows(c, err);
    perm_prow_free_strs(ids, nids);
    perm_prow_free_strs(members, nmembers);
    return rc;
}

const struct sql_vtab_module perm_role_members_module = {
    .name = "role_members",
    .cols = member_cols,
    .ncols = M_NCOLS,
    .best_index = members_best_index,
    .open = members_open,
    .filter = members_filter,
    .next = perm_prow_next,
    .eof = perm_prow_eof,
    .column = perm_prow_column,
    .close = perm_prow_close,
};

/* --- effective_role_members ------------------------------------------------------------- */

enum { E_ROLE, E_ROLE_NAME, E_PROJECT, E_TYPE, E_PRINCIPAL, E_PRINCIPAL_NAME, E_FGA, E_NCOLS };

static const struct sql_col effective_cols[E_NCOLS] = {
    [E_ROLE] = {"role_id", SQL_OID_UUID, SQL_COL_KEY_OPTIONAL},
    [E_ROLE_NAME] = {"role_name", SQL_OID_TEXT, 0},
    [E_PROJECT] = {"project_id", SQL_OID_TEXT, 0},
    [E_TYPE] = {"principal_type", SQL_OID_TEXT, 0},
    [E_PRINCIPAL] = {"principal", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [E_PRINCIPAL_NAME] = {"principal_name", SQL_OID_TEXT, 0},
    [E_FGA] = {"fga_subject", SQL_OID_TEXT, 0},
};

/* keys (perm_prow_push): role_id, principal; and a plan bit: names are read */
static const int effective_keys[] = {E_ROLE, E_PRINCIPAL};
#define PLAN_NAMES (1 << 28)

static int effective_best_index(void *aux, const struct sql_index_in *in,
                                struct sql_index_out *out, struct lw_err *err)
{
    (void)aux;
    perm_prow_push(effective_keys, 2, in, out);
    if (!out->plan) {
        /* One of two keys: the engine's per-column check cannot say that. */
        lw_err_set(err, LW_EINVAL, "table lakeward.effective_role_members needs a condition "
                   "on column \"role_id\" or \"principal\" (WHERE role_id = ... or "
                   "principal = ..., or IN (...))");
        memcpy(err->sqlstate, "42P10", 6);
        return LW_EINVAL;
    }
    if (in->cols_used & ((1u << E_ROLE_NAME) | (1u << E_PRINCIPAL_NAME) | (1u << E_PROJECT) |
                         (1ull << 63)))
        out->plan |= PLAN_NAMES;
    out->est_cost = 20;
    out->est_rows = 20;
    return 0;
}

static int effective_open(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                          struct lw_err *err)
{
    return perm_prow_open(aux, qc, cur, &perm_effective_role_members_module, err);
}

/* One membership: the role's id and the holder's OpenFGA subject (both owned). */
struct holding {
    char *role, *subject;
};

struct holdings {
    struct holding *v;
    size_t n, cap;
};

static void holdings_free(struct holdings *h)
{
    for (size_t i = 0; i < h->n; i++)
        lw_free(h->v[i].role), lw_free(h->v[i].subject);
    lw_free(h->v);
}

/* Appends (role, subject), taking both (freed on failure). */
static int hold(struct holdings *h, char *role, char *subject, struct lw_err *err)
{
    int rc = 0;
    if (!role || !subject)
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    else if (h->n >= MAX_EFFECTIVE_ROWS)
        rc = lw_err_set(err, LW_ENOMEM, "effective_role_members: more than %d memberships; "
                        "ask for fewer roles or principals", MAX_EFFECTIVE_ROWS);
    else if (h->n == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 32;
        struct holding *v = lw_realloc(h->v, nc * sizeof *v);
        if (!v)
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        else
            h->v = v, h->cap = nc;
    }
    if (rc != 0) {
        lw_free(role);
        lw_free(subject);
        return rc;
    }
    h->v[h->n++] = (struct holding){role, subject};
    return 0;
}

static char *prefixed(const char *prefix, const char *s)
{
    struct lw_buf b;
    lw_buf_init(&b, 1 << 16);
    lw_buf_puts(&b, prefix);
    lw_buf_puts(&b, s);
    return lw_buf_take(&b);
}

/* Keeps the values whose "<prefix><value>" object the session holds relation on (all for
 * administrators); the others are freed and removed. */
static int keep_visible(struct perm_prow_cursor *c, const char *prefix, char **v, int *n,
                        struct lw_err *err)
{
    if (c->qc->admin || *n == 0)
        return 0;
    char **objs = lw_calloc((size_t)*n, sizeof *objs);
    bool *ok = lw_calloc((size_t)*n, sizeof *ok);
    int rc = objs && ok ? 0 : lw_err_set(err, LW_ENOMEM, "out of memory");
    for (int i = 0; rc == 0 && i < *n; i++)
        if (!(objs[i] = prefixed(prefix, v[i])))
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    if (rc == 0)
        rc = perm_prow_visible(c, "can_read_assignments", (const char *const *)objs, *n, ok,
                               err);
    int kept = 0, n0 = *n;
    for (int i = 0; i < n0; i++) {
        if (rc == 0 && ok[i])
            v[kept++] = v[i];
        else
            lw_free(v[i]);
    }
    *n = kept;
    perm_prow_free_strs(objs, objs ? n0 : 0);
    lw_free(ok);
    return rc;
}

/* The two subject kinds ListUsers is asked for on role:<id>#assignee. */
static const struct {
    const char *type, *relation;
} holder_kinds[] = {{"user", NULL}, {"role", "assignee"}};

static int holders_of_roles(struct perm_prow_cursor *c, struct fga_client *fc, char **roles,
                            int n, struct holdings *h, struct lw_err *err)
{
    for (int i = 0; i < n; i++) {
        char *object = prefixed("role:", roles[i]);
        char *self = lk_principals_fga_subject(roles[i], true);
        int rc = object && self ? 0 : lw_err_set(err, LW_ENOMEM, "out of memory");
        for (size_t k = 0; rc == 0 && k < sizeof holder_kinds / sizeof *holder_kinds; k++) {
            struct fga_strs s = {0};
            rc = fga_list_users(fc, object, "assignee", holder_kinds[k].type,
                                holder_kinds[k].relation, &s, c->qc->deadline_us, err);
            for (size_t j = 0; rc == 0 && j < s.n; j++) {
                /* OpenFGA names the role itself among role#assignee holders. */
                if (strcmp(s.v[j], self) == 0)
                    continue;
                rc = hold(h, lw_strdup(roles[i]), s.v[j], err);
                s.v[j] = NULL;
            }
            fga_strs_free(&s);
        }
        lw_free(object);
        lw_free(self);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int roles_of_principals(struct perm_prow_cursor *c, struct fga_client *fc,
                               char **principals, int n, struct holdings *h,
                               struct lw_err *err)
{
    for (int i = 0; i < n; i++) {
        char *subject = subject_of(principals[i]);
        struct fga_strs s = {0};
        int rc = subject ? fga_list_objects(fc, "role", "assignee", subject, &s,
                                            c->qc->deadline_us, err)
                         : lw_err_set(err, LW_ENOMEM, "out of memory");
        char **roles = rc == 0 ? lw_calloc(s.n + 1, sizeof *roles) : NULL;
        int nroles = 0;
        if (rc == 0 && !roles)
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        for (size_t j = 0; rc == 0 && j < s.n; j++)
            if (strncmp(s.v[j], "role:", 5) == 0 && !(roles[nroles++] = lw_strdup(s.v[j] + 5)))
                rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        if (rc == 0)
            rc = keep_visible(c, "role:", roles, &nroles, err);
        for (int j = 0; rc == 0 && j < nroles; j++) {
            rc = hold(h, roles[j], lw_strdup(subject), err);
            roles[j] = NULL;
        }
        perm_prow_free_strs(roles, nroles);
        fga_strs_free(&s);
        lw_free(subject);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Names of the roles and users of the holdings, read from Lakekeeper into c->pr: roles
 * the session may read (can_read), users by id (GET /user/{id}, which needs no listing
 * right). */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts v and drops repeated values (freeing them when owned); returns the new count. */
static int uniq(const char **v, int n, bool owned)
{
    int k = 0;
    qsort(v, (size_t)n, sizeof *v, cmp_str);
    for (int i = 0; i < n; i++) {
        if (k > 0 && strcmp(v[k - 1], v[i]) == 0) {
            if (owned)
                lw_free((char *)v[i]);
            continue;
        }
        v[k++] = v[i];
    }
    return k;
}

static int read_names(struct perm_prow_cursor *c, const struct holdings *h, struct lw_err *err)
{
    /* rids: the holdings' roles (borrowed) and role holders (owned, also in held[]) */
    const char **rids = lw_calloc(2 * h->n + 1, sizeof *rids);
    char **held = lw_calloc(h->n + 1, sizeof *held), **uids = lw_calloc(h->n + 1, sizeof *uids);
    int nr = 0, nheld = 0, nu = 0;
    int rc = rids && held && uids ? 0 : lw_err_set(err, LW_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < h->n; i++) {
        bool is_role = false;
        char *id = lk_principals_from_fga_subject(h->v[i].subject, &is_role);
        rids[nr++] = h->v[i].role;
        if (id && is_role)
            rids[nr++] = held[nheld++] = id;
        else if (id)
            uids[nu++] = id;
    }
    nr = uniq(rids, nr, false);
    nu = uniq((const char **)uids, nu, true);
    if (rc == 0) {
        /* Many roles: one listing per project costs less than a roleIds= list that long. */
        struct lk_principal_filter rf = {rids, nr > 200 ? 0 : nr, NULL, 0};
        rc = perm_prow_read_roles(c, &rf, "can_read", err);
    }
    /* One GET per user: past a thousand the names stay NULL rather than cost more. */
    if (rc == 0 && nu > 0 && nu <= 1000) {
        struct lk_principal_filter uf = {(const char *const *)uids, nu, NULL, 0};
        for (int i = 0; rc == 0 && i < c->w->nlk; i++) {
            struct lk_stats st = perm_prow_stats(c);
            rc = lk_principals_read_users(c->w->lk[i], i, &uf, &c->pr, &st, err);
        }
    }
    perm_prow_free_strs(uids, nu);
    perm_prow_free_strs(held, nheld);
    lw_free(rids);
    return rc;
}

static const struct lk_role *role_named(const struct lk_principals *p, const char *id)
{
    for (size_t i = 0; i < p->nroles; i++)
        if (strcmp(p->roles[i].id, id) == 0)
            return &p->roles[i];
    return NULL;
}

static const char *user_name(const struct lk_principals *p, const char *id)
{
    for (size_t i = 0; i < p->nusers; i++)
        if (strcmp(p->users[i].id, id) == 0)
            return p->users[i].name;
    return NULL;
}

static int effective_rows(struct perm_prow_cursor *c, struct holdings *h, struct lw_err *err)
{
    for (size_t i = 0; i < h->n; i++) {
        bool is_role = false;
        char *id = lk_principals_from_fga_subject(h->v[i].subject, &is_role);
        if (!id)
            continue;   /* "user:*" and the like: not a principal */
        const char *pid = perm_prow_own(c, id);
        const char *role = perm_prow_own(c, h->v[i].role);
        const char *subject = perm_prow_own(c, h->v[i].subject);
        h->v[i].role = h->v[i].subject = NULL;
        struct sql_value *row = pid && role && subject ? perm_prow_add(c) : NULL;
        if (!row)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        const struct lk_role *r = role_named(&c->pr, role);
        const struct lk_role *pr = is_role ? role_named(&c->pr, pid) : NULL;
        perm_prow_text(&row[E_ROLE], role);
        perm_prow_text(&row[E_ROLE_NAME], r ? r->name : NULL);
        perm_prow_text(&row[E_PROJECT], r ? r->project_id : NULL);
        perm_prow_text(&row[E_TYPE], is_role ? "role" : "user");
        perm_prow_text(&row[E_PRINCIPAL], pid);
        perm_prow_text(&row[E_PRINCIPAL_NAME], is_role ? (pr ? pr->name : NULL)
                                                       : user_name(&c->pr, pid));
        perm_prow_text(&row[E_FGA], subject);
    }
    return 0;
}

static int effective_filter(struct sql_cursor *cur, int plan, int argc,
                            const struct sql_value *argv, struct lw_err *err)
{
    struct perm_prow_cursor *c = (struct perm_prow_cursor *)cur;
    struct holdings h = {0};
    char **keys = NULL;
    int nkeys = 0, rc = 0;
    int slot = perm_prow_arg_slot(plan, 0);
    bool by_role = slot >= 0;
    perm_prow_reset(c);
    if (!c->w->with_fga)
        return lw_err_set(err, LW_ECONFIG, "effective_role_members needs OpenFGA");
    if (!by_role)
        slot = perm_prow_arg_slot(plan, 1);
    if (slot < 0 || slot >= argc)
        return lw_err_set(err, LW_EINVAL, "effective_role_members: missing key value");
    const struct sql_value *a = &argv[slot];
    rc = perm_prow_strs(a, MAX_ROLE_KEYS, by_role ? "role_id" : "principal", &keys, &nkeys,
                        err);
    /* A role's holders are shown only to those who may read its assignments. */
    if (rc == 0 && by_role)
        rc = keep_visible(c, "role:", keys, &nkeys, err);
    struct fga_client *fc = rc == 0 && nkeys > 0 ? fga_client_new(&c->w->fga.fga, err) : NULL;
    if (rc == 0 && nkeys > 0 && !fc)
        rc = err->code;
    if (rc == 0 && fc)
        rc = by_role ? holders_of_roles(c, fc, keys, nkeys, &h, err)
                     : roles_of_principals(c, fc, keys, nkeys, &h, err);
    fga_client_free(fc);
    if (rc == 0 && (plan & PLAN_NAMES) && h.n > 0)
        rc = read_names(c, &h, err);
    if (rc == 0)
        rc = effective_rows(c, &h, err);
    holdings_free(&h);
    perm_prow_free_strs(keys, nkeys);
    return rc;
}

const struct sql_vtab_module perm_effective_role_members_module = {
    .name = "effective_role_members",
    .cols = effective_cols,
    .ncols = E_NCOLS,
    .best_index = effective_best_index,
    .open = effective_open,
    .filter = effective_filter,
    .next = perm_prow_next,
    .eof = perm_prow_eof,
    .column = perm_prow_column,
    .close = perm_prow_close,
};
