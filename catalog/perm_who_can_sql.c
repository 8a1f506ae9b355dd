/* perm_who_can_sql.c -- lakeward.who_can (perm_who_can_sql.h). For each (object, relation)
 * pair of the query's keys, two ListUsers calls: users (including the `user:*` wildcard,
 * shown as is: with exclusions in a model it does not prove access) and roles through their
 * assignees (`role:<id>#assignee`); then, once per role found, ListUsers of the role's
 * assignees gives its members, each a row naming the role it comes through. Every call is
 * answered or the statement fails. */
#include "perm_who_can_sql.h"
#include "lk_principals.h"
#include "perm_cursor.h"
#include "perm_names.h"
#include "perm_tables.h"

#include <stdio.h>
#include <string.h>

enum { COL_OBJECT, COL_RELATION, COL_SUBJECT, COL_SUBJECT_TYPE, COL_VIA_ROLE, COL_FGA_OBJECT,
       NCOLS };

static const struct sql_col cols[NCOLS] = {
    [COL_OBJECT] = {"object", SQL_OID_TEXT, SQL_COL_KEY_REQUIRED},
    [COL_RELATION] = {"relation", SQL_OID_TEXT, SQL_COL_KEY_REQUIRED},
    [COL_SUBJECT] = {"subject", SQL_OID_TEXT, 0},
    [COL_SUBJECT_TYPE] = {"subject_type", SQL_OID_TEXT, 0},
    [COL_VIA_ROLE] = {"via_role", SQL_OID_TEXT, 0},
    [COL_FGA_OBJECT] = {"fga_object", SQL_OID_TEXT, 0},
};

/* The subject kinds of a row: ListUsers' user type and userset relation, and the label. */
enum kind { KIND_USER, KIND_ROLE, KIND_MEMBER };
static const struct {
    const char *type, *relation, *label;
} kinds[] = {
    [KIND_USER] = {"user", NULL, "user"},
    [KIND_ROLE] = {"role", "assignee", "role"},
    [KIND_MEMBER] = {"user", NULL, "role_member"},
};

/* More pairs than this in one query is refused: each costs two round trips and one per
 * role holding it. */
#define MAX_PAIRS 1000

struct row {
    int obj, rel;
    enum kind kind;
    char *subject, *via_role;
};

/* A role's members, asked once per scan however many pairs the role holds. */
struct members {
    char *role;
    struct fga_strs users;
};

struct cursor {
    struct perm_cursor pc;
    struct perm_strs objs, rels;
    char **fga;                 /* objs' OpenFGA objects; NULL: names nothing */
    struct row *rows;
    size_t cap;
    struct members *roles;
    size_t nroles, roles_cap;
};

static int best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err)
{
    (void)aux;
    (void)err;
    perm_keys_best_index(in, out, COL_RELATION + 1, 20, 20);
    return 0;
}

static void reset(struct perm_cursor *pc)
{
    struct cursor *c = (struct cursor *)pc;
    for (size_t i = 0; i < c->pc.n; i++) {
        lw_free(c->rows[i].subject);
        lw_free(c->rows[i].via_role);
    }
    lw_free(c->rows);
    for (int i = 0; c->fga && i < c->objs.n; i++)
        lw_free(c->fga[i]);
    lw_free(c->fga);
    for (size_t i = 0; i < c->nroles; i++) {
        lw_free(c->roles[i].role);
        fga_strs_free(&c->roles[i].users);
    }
    lw_free(c->roles);
    perm_strs_free(&c->objs);
    perm_strs_free(&c->rels);
    c->rows = NULL;
    c->fga = NULL;
    c->roles = NULL;
    c->cap = c->nroles = c->roles_cap = c->pc.n = c->pc.pos = 0;
}

static int open_cursor(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       struct lw_err *err)
{
    return perm_cursor_open(&perm_who_can_module, aux, qc, sizeof(struct cursor), false, reset,
                            cur, err);
}

/* Takes subject (and via_role) into a new row; frees them on failure. */
static int add_row(struct cursor *c, int obj, int rel, enum kind kind, char *subject,
                   char *via_role, struct lw_err *err)
{
    struct row *v = perm_grow(c->rows, &c->cap, c->pc.n, sizeof(*v), err);
    if (!v) {
        lw_free(subject);
        lw_free(via_role);
        return LW_ENOMEM;
    }
    c->rows = v;
    c->rows[c->pc.n++] = (struct row){obj, rel, kind, subject, via_role};
    return 0;
}

/* A catalog name (`table:demo.finance.revenue`, `namespace:demo.finance`, `role:analysts`)
 * rather than an OpenFGA object: tables and views always (OpenFGA calls them
 * lakekeeper_table/_view), other types when what follows is not an id. */
static bool catalog_name(const char *object, char *type, size_t size, const char **ref)
{
    const char *colon = strchr(object, ':');
    if (!colon || (size_t)(colon - object) >= size)
        return false;
    memcpy(type, object, (size_t)(colon - object));
    type[colon - object] = 0;
    *ref = colon + 1;
    if (strcmp(type, "table") == 0 || strcmp(type, "view") == 0)
        return true;
    if (strcmp(type, "server") == 0 || !perm_obj_type_known(type))
        return false;
    return strchr(*ref, '.') != NULL || strlen(*ref) != 36;
}

/* Each asked object as OpenFGA names it; a name that resolves to nothing, or a value that is
 * not type:id, names nothing (no rows). */
static int resolve_objects(struct cursor *c, struct lw_err *err)
{
    const struct perm_world *w = c->pc.aux;
    if (c->objs.n && !(c->fga = lw_calloc((size_t)c->objs.n, sizeof(*c->fga))))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    for (int i = 0; i < c->objs.n; i++) {
        const char *object = c->objs.v[i], *ref, *colon = strchr(object, ':');
        char type[32];
        if (catalog_name(object, type, sizeof type, &ref)) {
            struct perm_obj o;
            if (w->nlk == 0)
                continue;
            int rc = perm_obj_resolve(w->catalog, type, ref, c->pc.deadline_us, &o, err);
            /* To a non-administrator a missing object looks like one whose grants they may
             * not read, so that the answer does not tell whether it exists. */
            if (rc == LW_ENOTFOUND && !c->pc.qc->admin)
                return perm_denied(err, "permission denied to read the grants of %s", object);
            if (rc == LW_ENOTFOUND)
                continue;
            if (rc != 0)
                return rc;
            c->fga[i] = o.fga;
            o.fga = NULL;
            perm_obj_free(&o);
        } else if (colon && colon != object && colon[1] &&
                   !(c->fga[i] = lw_strdup(object))) {
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        }
    }
    return 0;
}

/* A non-administrator sees an object's holders only when OpenFGA says they may read its
 * grants (can_read_assignments, Lakekeeper's read_grants); otherwise 42501: fail closed. */
static int may_read_grants(struct cursor *c, struct fga_client *fc, struct lw_err *err)
{
    const struct sql_query_ctx *qc = c->pc.qc;
    if (qc->admin)
        return 0;
    if (!qc->principal || !strchr(qc->principal, '~'))
        return perm_denied(err, "permission denied for table who_can (the session is no "
                           "Lakekeeper user)");
    char *subject = lk_principals_fga_subject(qc->principal, false);
    struct fga_key *keys = lw_calloc((size_t)c->objs.n + 1, sizeof(*keys));
    bool *allowed = lw_calloc((size_t)c->objs.n + 1, sizeof(*allowed));
    int *idx = lw_calloc((size_t)c->objs.n + 1, sizeof(*idx));
    int n = 0, rc = 0;
    if (!subject || !keys || !allowed || !idx)
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    for (int i = 0; rc == 0 && i < c->objs.n; i++)
        if (c->fga[i]) {
            idx[n] = i;
            keys[n++] = (struct fga_key){subject, "can_read_assignments", c->fga[i]};
        }
    if (rc == 0 && n > 0)
        rc = fga_check(fc, keys, allowed, n, c->pc.deadline_us, err);
    for (int i = 0; rc == 0 && i < n; i++)
        if (!allowed[i])
            rc = perm_denied(err, "permission denied to read the grants of %s",
                             c->objs.v[idx[i]]);
    lw_free(subject);
    lw_free(keys);
    lw_free(allowed);
    lw_free(idx);
    return rc;
}

/* The users that are assignees of role (ListUsers, so nested roles' members and owners
 * count), from the scan's cache or asked once. */
static int role_members(struct cursor *c, struct fga_client *fc, const char *role,
                        const struct fga_strs **out, struct lw_err *err)
{
    for (size_t i = 0; i < c->nroles; i++)
        if (strcmp(c->roles[i].role, role) == 0) {
            *out = &c->roles[i].users;
            return 0;
        }
    struct members *v = perm_grow(c->roles, &c->roles_cap, c->nroles, sizeof(*v), err);
    if (!v)
        return LW_ENOMEM;
    c->roles = v;
    struct members *m = &c->roles[c->nroles];
    char object[80];
    snprintf(object, sizeof object, "role:%s", role);
    *m = (struct members){lw_strdup(role), {0}};
    if (!m->role)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    c->nroles++;
    *out = &m->users;
    return fga_list_users(fc, object, "assignee", "user", NULL, &m->users, c->pc.deadline_us,
                          err);
}

static int ask(struct cursor *c, struct fga_client *fc, int obj, int rel, struct lw_err *err)
{
    const char *object = c->fga[obj], *relation = c->rels.v[rel];
    int rc = 0;
    for (enum kind k = KIND_USER; rc == 0 && k <= KIND_ROLE; k++) {
        struct fga_strs subjects = {0};
        rc = fga_list_users(fc, object, relation, kinds[k].type, kinds[k].relation, &subjects,
                            c->pc.deadline_us, err);
        for (size_t i = 0; rc == 0 && i < subjects.n; i++) {
            char role[64] = "";
            bool expand = k == KIND_ROLE && sscanf(subjects.v[i], "role:%63[^#]", role) == 1;
            rc = add_row(c, obj, rel, k, subjects.v[i], NULL, err);
            subjects.v[i] = NULL;
            const struct fga_strs *members = NULL;
            if (rc != 0 || !expand || (rc = role_members(c, fc, role, &members, err)) != 0)
                continue;
            for (size_t m = 0; rc == 0 && m < members->n; m++) {
                char *subject = lw_strdup(members->v[m]), *via = lw_strdup(role);
                rc = subject && via ? add_row(c, obj, rel, KIND_MEMBER, subject, via, err)
                                    : lw_err_set(err, LW_ENOMEM, "out of memory");
                if (rc != 0 && !(subject && via)) {
                    lw_free(subject);
                    lw_free(via);
                }
            }
        }
        fga_strs_free(&subjects);
    }
    return rc;
}

static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct perm_world *w = c->pc.aux;
    reset(&c->pc);
    int rc = perm_strs_of(perm_key_arg(plan, COL_OBJECT, argc, argv), &c->objs, err);
    if (rc == 0)
        rc = perm_strs_of(perm_key_arg(plan, COL_RELATION, argc, argv), &c->rels, err);
    if (rc == 0 && (int64_t)c->objs.n * c->rels.n > MAX_PAIRS)
        rc = lw_err_set(err, LW_EINVAL, "who_can: more than %d object/relation pairs in "
                        "one query", MAX_PAIRS);
    if (rc == 0)
        rc = resolve_objects(c, err);
    struct fga_client *fc = NULL;
    if (rc == 0 && c->objs.n * c->rels.n > 0 && !(fc = fga_client_new(&w->fga.fga, err)))
        rc = err->code;
    if (fc && rc == 0)
        rc = may_read_grants(c, fc, err);
    for (int i = 0; fc && rc == 0 && i < c->objs.n; i++)
        for (int j = 0; rc == 0 && c->fga[i] && j < c->rels.n; j++)
            rc = ask(c, fc, i, j, err);
    fga_client_free(fc);
    if (rc != 0)
        reset(&c->pc);
    return rc;
}

static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct row *r = &c->rows[c->pc.pos];
    switch (col) {
    case COL_OBJECT: perm_text(v, c->objs.v[r->obj]); break;
    case COL_RELATION: perm_text(v, c->rels.v[r->rel]); break;
    case COL_SUBJECT: perm_text(v, r->subject); break;
    case COL_SUBJECT_TYPE: perm_text(v, kinds[r->kind].label); break;
    case COL_VIA_ROLE: perm_text(v, r->via_role); break;
    case COL_FGA_OBJECT: perm_text(v, c->fga[r->obj]); break;
    default: return lw_err_set(err, LW_EINVAL, "no column %d in who_can", col);
    }
    return 0;
}

const struct sql_vtab_module perm_who_can_module = {
    .name = "who_can",
    .cols = cols,
    .ncols = NCOLS,
    .best_index = best_index,
    .open = open_cursor,
    .filter = filter,
    .next = perm_cursor_next,
    .eof = perm_cursor_eof,
    .column = column,
    .close = perm_cursor_close,
};
