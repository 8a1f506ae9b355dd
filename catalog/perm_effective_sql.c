/* perm_effective_sql.c -- lakeward.effective_permissions (perm_effective_sql.h). For each
 * principal of the key: the (type, relation) pairs to ask are read from the active model
 * (ReadAuthorizationModel), the objects come from one ListObjects per pair (sent
 * catalog_concurrency at a time), and the source of each row from the principal's own
 * tuples and those of the roles it is an assignee of (ListObjects role#assignee, then a
 * type-only Read per role and type). ListObjects answers at most OpenFGA's configured
 * maximum (1000 by default) objects per pair. */
#include "perm_effective_sql.h"
#include "perm_cursor.h"
#include "perm_fga_sql.h"
#include "perm_names.h"
#include "perm_tables.h"

#include <stdio.h>
#include <string.h>

enum {
    COL_PRINCIPAL,
    COL_OBJECT_TYPE,
    COL_PERMISSION,
    COL_OBJECT_ID,
    COL_WAREHOUSE_ID,
    COL_FGA_OBJECT,
    COL_SOURCE,
    COL_VIA_ROLE,
    COL_FGA_SUBJECT,
    NCOLS
};

static const struct sql_col cols[NCOLS] = {
    [COL_PRINCIPAL] = {"principal", SQL_OID_TEXT, SQL_COL_KEY_REQUIRED},
    [COL_OBJECT_TYPE] = {"object_type", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [COL_PERMISSION] = {"permission", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [COL_OBJECT_ID] = {"object_id", SQL_OID_TEXT, 0},
    [COL_WAREHOUSE_ID] = {"warehouse_id", SQL_OID_TEXT, 0},
    [COL_FGA_OBJECT] = {"fga_object", SQL_OID_TEXT, 0},
    [COL_SOURCE] = {"source", SQL_OID_TEXT, 0},
    [COL_VIA_ROLE] = {"via_role", SQL_OID_TEXT, 0},
    [COL_FGA_SUBJECT] = {"fga_subject", SQL_OID_TEXT, 0},
};

/* ListObjects calls one query may make (principals x (type, relation) pairs). */
#define MAX_LISTS 1000
/* Tuples of a principal and its roles read to tell direct grants from derived ones. */
#define MAX_HELD 100000

/* One (type, relation) pair to ask; strings borrowed from the model document. */
struct pair {
    const char *type;       /* lakeward's object_type */
    const char *fga_type, *relation;
};

struct row {
    int principal;
    const char *type;       /* static */
    char *permission, *object, *via_role;
    const char *source;     /* static */
};

struct cursor {
    struct perm_cursor pc;
    struct perm_strs principals;
    struct perm_principal *pr;
    struct row *rows;
    size_t cap;
};

static int best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err)
{
    (void)aux;
    (void)err;
    perm_keys_best_index(in, out, COL_PERMISSION + 1, 100, 100);
    return 0;
}

static void reset(struct perm_cursor *pc)
{
    struct cursor *c = (struct cursor *)pc;
    for (size_t i = 0; i < c->pc.n; i++) {
        lw_free(c->rows[i].permission);
        lw_free(c->rows[i].object);
        lw_free(c->rows[i].via_role);
    }
    lw_free(c->rows);
    for (int i = 0; c->pr && i < c->principals.n; i++)
        perm_principal_free(&c->pr[i]);
    lw_free(c->pr);
    perm_strs_free(&c->principals);
    c->rows = NULL;
    c->pr = NULL;
    c->cap = c->pc.n = c->pc.pos = 0;
}

static int open_cursor(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       struct lw_err *err)
{
    return perm_cursor_open(&perm_effective_module, aux, qc, sizeof(struct cursor), false, reset,
                            cur, err);
}

static int add_row(struct cursor *c, const struct row *r, struct lw_err *err)
{
    struct row *v = perm_grow(c->rows, &c->cap, c->pc.n, sizeof(*v), err);
    if (!v)
        return LW_ENOMEM;
    c->rows = v;
    struct row *d = &c->rows[c->pc.n];
    *d = *r;
    d->permission = lw_strdup(r->permission);
    d->object = lw_strdup(r->object);
    d->via_role = r->via_role ? lw_strdup(r->via_role) : NULL;
    c->pc.n++;
    if (!d->permission || !d->object || (r->via_role && !d->via_role))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    return 0;
}

static bool listed(const struct perm_strs *s, const char *v)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->v[i], v) == 0)
            return true;
    return false;
}

/* A relation grants can write: some directly related type is a user or a role's assignees
 * (hierarchy relations relate objects, managed_access only wildcards). */
static bool assignable(json_t *type_def, const char *relation)
{
    json_t *meta = json_object_get(json_object_get(json_object_get(type_def, "metadata"),
                                                   "relations"), relation);
    json_t *t;
    size_t i;
    json_array_foreach(json_object_get(meta, "directly_related_user_types"), i, t) {
        const char *type = json_string_value(json_object_get(t, "type"));
        const char *rel = json_string_value(json_object_get(t, "relation"));
        if (json_object_get(t, "wildcard") || !type)
            continue;
        if (strcmp(type, "user") == 0 || (strcmp(type, "role") == 0 && rel &&
                                          strcmp(rel, "assignee") == 0))
            return true;
    }
    return false;
}

/* The pairs the keys ask for, in the model's order. *pairs is the caller's to free. */
static int plan_pairs(json_t *model, const struct perm_strs *types, const struct perm_strs *perms,
                      struct pair **pairs, int *n, struct lw_err *err)
{
    json_t *td;
    size_t i, total = 0;
    json_array_foreach(json_object_get(model, "type_definitions"), i, td)
        total += json_object_size(json_object_get(td, "relations"));
    *n = 0;
    if (!(*pairs = lw_calloc(total + 1, sizeof(**pairs))))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    json_array_foreach(json_object_get(model, "type_definitions"), i, td) {
        const char *fga_type = json_string_value(json_object_get(td, "type"));
        const char *type = perm_obj_type_of_fga(fga_type);
        if (!type || (types->n && !listed(types, type)))
            continue;
        const char *rel;
        json_t *def;
        json_object_foreach(json_object_get(td, "relations"), rel, def) {
            (void)def;
            if (perms->n ? listed(perms, rel) : assignable(td, rel))
                (*pairs)[(*n)++] = (struct pair){type, fga_type, rel};
        }
    }
    return 0;
}

/* The tuples that say why: the principal's own and those of its roles (*roles: role ids),
 * on the pairs' types. */
static int read_held(struct fga_client *fc, const struct perm_principal *p,
                     const struct pair *pairs, int npairs, struct fga_tuples *held,
                     int64_t deadline, struct lw_err *err)
{
    struct fga_strs roles = {0};
    int rc = fga_list_objects(fc, "role", "assignee", p->subject, &roles, deadline, err);
    for (int i = 0; rc == 0 && i < npairs; i++) {
        bool seen = false;
        for (int j = 0; j < i; j++)
            seen = seen || strcmp(pairs[j].fga_type, pairs[i].fga_type) == 0;
        if (seen)
            continue;
        char object[128];
        snprintf(object, sizeof object, "%s:", pairs[i].fga_type);
        for (size_t r = 0; rc == 0 && r <= roles.n; r++) {
            char subject[320];
            if (r < roles.n)
                snprintf(subject, sizeof subject, "%s#assignee", roles.v[r]);
            struct fga_key key = {r < roles.n ? subject : p->subject, NULL, object};
            /* fga_read takes 0 as "no bound": a full budget is refused here */
            rc = held->n >= MAX_HELD
                     ? lw_err_set(err, LW_ENOMEM, "effective_permissions: more than %d tuples "
                                  "of the principal and its roles", MAX_HELD)
                     : fga_read(fc, &key, MAX_HELD - held->n, held, deadline, err);
        }
    }
    fga_strs_free(&roles);
    return rc;
}

/* Rows for the objects of one pair: one per tuple that grants it (the principal's own, or a
 * role's), or one "derived" row when no tuple on the object itself does. */
static int add_objects(struct cursor *c, int pi, const struct pair *pp,
                       const struct fga_strs *objs, const struct fga_tuples *held,
                       struct lw_err *err)
{
    const char *subject = c->pr[pi].subject;
    for (size_t o = 0; o < objs->n; o++) {
        struct row r = {pi, pp->type, (char *)pp->relation, objs->v[o], NULL, "derived"};
        int found = 0;
        for (size_t t = 0; t < held->n; t++) {
            const struct fga_tuple *h = &held->v[t];
            if (strcmp(h->relation, pp->relation) || strcmp(h->object, objs->v[o]))
                continue;
            char role[64] = "";
            bool own = strcmp(h->user, subject) == 0;
            if (!own && sscanf(h->user, "role:%63[^#]", role) != 1)
                continue;
            r.source = own ? "direct" : "role";
            r.via_role = own ? NULL : role;
            if (add_row(c, &r, err) != 0)
                return LW_ENOMEM;
            found++;
        }
        r.source = "derived";
        r.via_role = NULL;
        if (!found && add_row(c, &r, err) != 0)
            return LW_ENOMEM;
    }
    return 0;
}

/* The pairs' ListObjects go out `concurrency` at a time: one principal's are independent
 * questions, and asked one after another they cost npairs round trips. */
static int ask_principal(struct cursor *c, struct fga_client *fc, int concurrency, int pi,
                         const struct pair *pairs, int npairs, struct lw_err *err)
{
    struct fga_tuples held = {0};
    struct fga_list_objects_req *q = lw_calloc((size_t)npairs + 1, sizeof(*q));
    int rc = q ? read_held(fc, &c->pr[pi], pairs, npairs, &held, c->pc.deadline_us, err)
               : lw_err_set(err, LW_ENOMEM, "out of memory");
    for (int i = 0; rc == 0 && i < npairs; i++)
        q[i] = (struct fga_list_objects_req){pairs[i].fga_type, pairs[i].relation,
                                             c->pr[pi].subject, {0}};
    if (rc == 0)
        rc = fga_list_objects_many(fc, q, npairs, concurrency, c->pc.deadline_us, err);
    for (int i = 0; rc == 0 && i < npairs; i++)
        rc = add_objects(c, pi, &pairs[i], &q[i].objects, &held, err);
    for (int i = 0; q && i < npairs; i++)
        fga_strs_free(&q[i].objects);
    lw_free(q);
    fga_tuples_free(&held);
    return rc;
}

static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct perm_world *w = c->pc.aux;
    const struct perm_fga_sql *pf = &w->fga;
    const struct sql_query_ctx *qc = c->pc.qc;
    struct perm_strs types = {0}, perms = {0};
    reset(&c->pc);
    int rc = perm_strs_of(perm_key_arg(plan, COL_PRINCIPAL, argc, argv), &c->principals, err);
    if (rc == 0)
        rc = perm_strs_of(perm_key_arg(plan, COL_OBJECT_TYPE, argc, argv), &types, err);
    if (rc == 0)
        rc = perm_strs_of(perm_key_arg(plan, COL_PERMISSION, argc, argv), &perms, err);
    if (rc == 0 && !(c->pr = lw_calloc((size_t)c->principals.n + 1, sizeof(*c->pr))))
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    for (int i = 0; rc == 0 && i < c->principals.n; i++) {
        rc = perm_principal_parse(c->principals.v[i], &c->pr[i], err);
        if (rc == 0 && !qc->admin &&
            (c->pr[i].role || !qc->principal || strcmp(c->pr[i].id, qc->principal)))
            rc = perm_denied(err, "permission denied: only administrators may ask about "
                             "another principal's permissions (%s)", c->principals.v[i]);
    }
    if (rc == 0 && (!pf->fga.model_id || !*pf->fga.model_id))
        rc = lw_err_set(err, LW_EINVAL, "effective_permissions needs openfga_model_id "
                        "configured");
    struct fga_client *fc = NULL;
    json_t *model = NULL;
    struct pair *pairs = NULL;
    int npairs = 0;
    if (rc == 0 && c->principals.n > 0 && !(fc = fga_client_new(&pf->fga, err)))
        rc = err->code;
    if (fc && rc == 0)
        rc = fga_read_model(fc, NULL, &model, c->pc.deadline_us, err);
    if (fc && rc == 0)
        rc = plan_pairs(model, &types, &perms, &pairs, &npairs, err);
    if (rc == 0 && (int64_t)npairs * c->principals.n > MAX_LISTS)
        rc = lw_err_set(err, LW_EINVAL, "effective_permissions: %d ListObjects calls in one "
                        "query, at most %d", npairs * c->principals.n, MAX_LISTS);
    for (int i = 0; fc && rc == 0 && i < c->principals.n; i++)
        rc = ask_principal(c, fc, w->concurrency > 0 ? w->concurrency : 8, i, pairs, npairs,
                           err);
    lw_free(pairs);
    json_decref(model);
    fga_client_free(fc);
    perm_strs_free(&types);
    perm_strs_free(&perms);
    if (rc != 0)
        reset(&c->pc);
    return rc;
}

static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct row *r = &c->rows[c->pc.pos];
    /* OpenFGA names tables and views "<warehouse-id>/<id>", everything else by its id. */
    const char *colon = strchr(r->object, ':'), *id = colon ? colon + 1 : r->object;
    const char *slash = strchr(id, '/');
    switch (col) {
    case COL_PRINCIPAL: perm_text(v, c->principals.v[r->principal]); break;
    case COL_OBJECT_TYPE: perm_text(v, r->type); break;
    case COL_PERMISSION: perm_text(v, r->permission); break;
    case COL_OBJECT_ID: perm_text(v, slash ? slash + 1 : id); break;
    case COL_WAREHOUSE_ID:
        if (slash)
            perm_textn(v, id, (size_t)(slash - id));
        else
            perm_text(v, NULL);
        break;
    case COL_FGA_OBJECT: perm_text(v, r->object); break;
    case COL_SOURCE: perm_text(v, r->source); break;
    case COL_VIA_ROLE: perm_text(v, r->via_role); break;
    case COL_FGA_SUBJECT: perm_text(v, c->pr[r->principal].subject); break;
    default: return lw_err_set(err, LW_EINVAL, "no column %d in effective_permissions", col);
    }
    return 0;
}

const struct sql_vtab_module perm_effective_module = {
    .name = "effective_permissions",
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
