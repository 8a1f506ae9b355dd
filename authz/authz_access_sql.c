/* authz_access_sql.c -- lakeward.access_history (authz_access_sql.h): Trino's decisions, read
 * from the decision ring or the decision store, grouped into queries and objects when the
 * scan starts; next() then walks the rows built.
 *
 * Decisions come in as (time, id, query id, user, operation, endpoint, record JSON); the
 * record's resources and result say which object each request named and whether it was
 * allowed. They are sorted by user and time, given a query key (Trino's query id; without
 * one, the ExecuteQuery that started the query or the time window, AUTHZ_ACCESS_WINDOW_US),
 * sorted again by (user, key) and merged object by object.
 *
 * From the store only what can match is read: user_name and query_id constraints go to
 * PostgreSQL as they are, and a time range on first_time or last_time becomes a range of
 * decision times widened by two windows (enough to see the ExecuteQuery that starts any
 * query without an id overlapping the range), followed by a second read of every decision
 * of the query ids seen there. Queries only partly read can only come out with times outside
 * the range, so the engine's re-check (nothing is marked omit) drops them: pushdown never
 * changes an answer. The store is read through lakeward.decisions' own module, so its
 * connection, timeouts and visibility rule are the same. */
#include "authz_access_sql.h"

#include "../server/core/lw_arena.h"
#include "authz_decision_log.h"
#include "authz_decision_store_sql.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_MAX (256u << 20)  /* bytes of decisions and rows one scan may hold */
#define RING_CHUNK 128
#define QID_BATCH 1000          /* query ids per IN list of the second store read */

enum {
    COL_QUERY_KEY,
    COL_QUERY_ID,
    COL_USER_NAME,
    COL_FIRST_TIME,
    COL_LAST_TIME,
    COL_OBJECT_TYPE,
    COL_OBJECT_NAME,
    COL_CATALOG_NAME,
    COL_SCHEMA_NAME,
    COL_TABLE_NAME,
    COL_COLUMNS,
    COL_COLUMNS_ALLOWED,
    COL_COLUMNS_DENIED,
    COL_OPERATIONS,
    COL_ALLOWED,
    COL_REQUESTS,
    COL_DENIED_REQUESTS,
    COL_PARTIAL,
    NCOLS
};

static const struct sql_col cols[NCOLS] = {
    [COL_QUERY_KEY] = {"query_key", SQL_OID_TEXT, 0},
    [COL_QUERY_ID] = {"query_id", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [COL_USER_NAME] = {"user_name", SQL_OID_TEXT, SQL_COL_KEY_OPTIONAL},
    [COL_FIRST_TIME] = {"first_time", SQL_OID_TIMESTAMPTZ, SQL_COL_KEY_OPTIONAL},
    [COL_LAST_TIME] = {"last_time", SQL_OID_TIMESTAMPTZ, SQL_COL_KEY_OPTIONAL},
    [COL_OBJECT_TYPE] = {"object_type", SQL_OID_TEXT, 0},
    [COL_OBJECT_NAME] = {"object_name", SQL_OID_TEXT, 0},
    [COL_CATALOG_NAME] = {"catalog_name", SQL_OID_TEXT, 0},
    [COL_SCHEMA_NAME] = {"schema_name", SQL_OID_TEXT, 0},
    [COL_TABLE_NAME] = {"table_name", SQL_OID_TEXT, 0},
    [COL_COLUMNS] = {"columns", SQL_OID_TEXT_ARRAY, 0},
    [COL_COLUMNS_ALLOWED] = {"columns_allowed", SQL_OID_TEXT_ARRAY, 0},
    [COL_COLUMNS_DENIED] = {"columns_denied", SQL_OID_TEXT_ARRAY, 0},
    [COL_OPERATIONS] = {"operations", SQL_OID_TEXT_ARRAY, 0},
    [COL_ALLOWED] = {"allowed", SQL_OID_BOOL, 0},
    [COL_REQUESTS] = {"requests", SQL_OID_INT4, 0},
    [COL_DENIED_REQUESTS] = {"denied_requests", SQL_OID_INT4, 0},
    [COL_PARTIAL] = {"partial", SQL_OID_BOOL, 0},
};

/* Constraints the scan uses: plan bit k set means keys[k] was usable, its value in the next
 * argv slot (slots follow the bits in order). The engine re-checks all of them. */
static const struct key {
    int column;
    enum sql_op op;
} keys[] = {
    {COL_FIRST_TIME, SQL_OP_GE}, {COL_FIRST_TIME, SQL_OP_GT}, {COL_FIRST_TIME, SQL_OP_LE},
    {COL_FIRST_TIME, SQL_OP_LT}, {COL_FIRST_TIME, SQL_OP_EQ}, {COL_LAST_TIME, SQL_OP_GE},
    {COL_LAST_TIME, SQL_OP_GT},  {COL_LAST_TIME, SQL_OP_LE},  {COL_LAST_TIME, SQL_OP_LT},
    {COL_LAST_TIME, SQL_OP_EQ},  {COL_USER_NAME, SQL_OP_EQ},  {COL_QUERY_ID, SQL_OP_EQ},
};
#define NKEYS ((int)(sizeof keys / sizeof keys[0]))

/* How Trino names an object in a resource: the resource's key, our object_type, and the
 * fields whose values, joined by '.', make object_name; the first three are also catalog,
 * schema and table name where the kind has them (has_path). */
static const struct kind {
    const char *key, *type;
    const char *part[3];
    bool has_path;
} kinds[] = {
    {"table", "table", {"catalogName", "schemaName", "tableName"}, true},
    {"schema", "schema", {"catalogName", "schemaName", NULL}, true},
    {"catalog", "catalog", {"name", NULL, NULL}, true},
    {"function", "function", {"catalogName", "schemaName", "functionName"}, false},
    {"user", "user", {"user", NULL, NULL}, false},
};
#define NKINDS ((int)(sizeof kinds / sizeof kinds[0]))

/* One object named by one request. */
struct ent {
    const char *type, *name, *path[3];
    int ncols;
    const char **col;
    bool *col_ok;
    bool ok;
};

/* One decision, as the grouping needs it. */
struct dec {
    int64_t t;
    uint64_t seq;               /* arrival order: ties of equal times keep it */
    const char *id, *qid, *user, *op, *key;
    struct ent *ent;
    int nent;
    bool allowed, partial;
};

/* A growable list of distinct strings (objects of one query name few). */
struct strset {
    const char **v;
    int n, cap;
};

struct obj {
    const char *type, *name, *path[3];
    struct strset cols, ok, bad, ops;
    int requests, denied;
};

struct row {
    const char *qkey, *qid, *user, *type, *name, *path[3];
    int64_t first, last;
    struct sql_array arr[4];    /* columns, columns_allowed, columns_denied, operations */
    bool allowed, partial;
    int requests, denied;
};

struct cursor {
    struct sql_cursor base;
    const struct authz_access_sql *aux;
    const struct sql_query_ctx *qc;
    struct lw_arena arena;
    const char *owner;          /* authz_sql_visible_user */
    const char *user_eq, *qid_eq;   /* pushed constraints (NUL-terminated copies) */
    bool has_lo, has_hi;
    int64_t wlo, whi;           /* widened decision-time window (store reads) */
    struct dec **dec;
    int ndec, capdec;
    uint64_t seq;
    struct row *rows;
    int nrows, caprows, pos;
};

/* ---- visibility ---- */

const char *authz_sql_visible_user(const struct sql_query_ctx *qc)
{
    static const char oidc[] = "oidc~";
    if (qc && qc->admin)
        return NULL;
    if (!qc || !qc->principal)
        return "";
    if (strncmp(qc->principal, oidc, sizeof oidc - 1) == 0)
        return qc->principal + sizeof oidc - 1;
    return qc->principal;
}

bool authz_sql_may_see(const char *owner, const char *user)
{
    return !owner || (*owner && user && strcmp(owner, user) == 0);
}

/* ---- small helpers ---- */

static int nomem(struct cursor *c, struct lw_err *err)
{
    return lw_err_set(err, LW_ENOMEM, c->arena.exceeded
                      ? "access_history: the decisions to group exceed %u MiB; narrow the "
                        "query by user_name, query_id or a time range"
                      : "out of memory", ARENA_MAX >> 20);
}

static const char *dup_n(struct cursor *c, const char *s, size_t n)
{
    return lw_arena_strndup(&c->arena, s ? s : "", s ? n : 0);
}

static const char *dup(struct cursor *c, const char *s)
{
    return dup_n(c, s, s ? strlen(s) : 0);
}

static bool set_add(struct strset *s, const char *v)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->v[i], v) == 0)
            return true;
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 8;
        const char **nv = lw_realloc(s->v, (size_t)cap * sizeof *nv);
        if (!nv)
            return false;
        s->v = nv;
        s->cap = cap;
    }
    s->v[s->n++] = v;
    return true;
}

static void set_free(struct strset *s)
{
    lw_free(s->v);
    memset(s, 0, sizeof *s);
}

/* ---- reading one decision record ---- */

static const char *str_at(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Fills e from one Trino resource (an object with one key naming its kind). */
static int parse_ent(struct cursor *c, json_t *r, struct ent *e)
{
    const char *key;
    json_t *o, *colv;
    memset(e, 0, sizeof *e);
    json_object_foreach(r, key, o) {
        const struct kind *k = NULL;
        char name[1024];
        size_t len = 0;
        if (!json_is_object(o))
            continue;
        for (int i = 0; i < NKINDS && !k; i++)
            if (strcmp(kinds[i].key, key) == 0)
                k = &kinds[i];
        if (!k) {   /* e.g. systemSessionProperty, role: the kind and its "name" */
            e->type = dup(c, key);
            e->name = str_at(o, "name") ? dup(c, str_at(o, "name")) : NULL;
            return e->type ? 0 : -1;
        }
        e->type = k->type;
        name[0] = '\0';
        for (int p = 0; p < 3 && k->part[p]; p++) {
            const char *v = str_at(o, k->part[p]);
            if (k->has_path && v && !(e->path[p] = dup(c, v)))
                return -1;
            if (v && len < sizeof name - 1) {   /* a longer name is cut at the buffer */
                int k = snprintf(name + len, sizeof name - len, len ? ".%s" : "%s", v);
                len = k < 0 ? len : len + (size_t)k < sizeof name ? len + (size_t)k
                                                                   : sizeof name - 1;
            }
        }
        e->name = len ? dup_n(c, name, len) : NULL;
        if (len && !e->name)
            return -1;
        if (json_is_array(colv = json_object_get(o, "columns")) && json_array_size(colv)) {
            size_t n = json_array_size(colv);
            if (!(e->col = lw_arena_alloc(&c->arena, n * sizeof *e->col)) ||
                !(e->col_ok = lw_arena_alloc(&c->arena, n * sizeof *e->col_ok)))
                return -1;
            for (size_t i = 0; i < n; i++) {
                const char *cn = json_string_value(json_array_get(colv, i));
                if (!cn)
                    continue;
                if (!(e->col[e->ncols] = dup(c, cn)))
                    return -1;
                e->col_ok[e->ncols++] = false;
            }
        }
        return 0;
    }
    e->type = "unknown";
    return 0;
}

static bool index_in(json_t *result, size_t i)
{
    size_t k;
    json_t *v;
    json_array_foreach(result, k, v)
        if (json_is_integer(v) && json_integer_value(v) == (json_int_t)i)
            return true;
    return false;
}

/* The resources of record json and which were allowed: for /allow the decision's answer
 * covers its one resource; for /batch the result lists the allowed indices, which for
 * FilterColumns' one-table form are column positions. */
static int parse_record(struct cursor *c, struct dec *d, const char *json, size_t len,
                        bool batch)
{
    json_error_t jerr;
    json_t *doc, *res, *result, *r;
    size_t n, i;
    int64_t total;
    if (!json || !(doc = json_loadb(json, len, 0, &jerr))) {
        d->partial = true;      /* the ring kept the summary without its JSON line */
        return 0;
    }
    res = json_object_get(doc, "resources");
    result = json_object_get(doc, "result");
    n = json_is_array(res) ? json_array_size(res) : 0;
    total = json_integer_value(json_object_get(doc, "resources_total"));
    d->partial = total > (int64_t)n;
    if (n && !(d->ent = lw_arena_alloc(&c->arena, n * sizeof *d->ent))) {
        json_decref(doc);
        return -1;
    }
    json_array_foreach(res, i, r) {
        struct ent *e = &d->ent[d->nent];
        bool one_table_columns;
        if (!json_is_object(r) || json_is_true(json_object_get(r, "truncated"))) {
            d->partial = true;
            continue;
        }
        if (parse_ent(c, r, e) != 0) {
            json_decref(doc);
            return -1;
        }
        one_table_columns = batch && n == 1 && e->ncols > 0 && strcmp(d->op, "FilterColumns") == 0;
        e->ok = batch ? (one_table_columns ? true : index_in(result, i)) : d->allowed;
        for (int k = 0; k < e->ncols; k++) {
            e->col_ok[k] = one_table_columns ? index_in(result, (size_t)k) : e->ok;
            e->ok = e->ok && e->col_ok[k];
        }
        d->nent++;
    }
    json_decref(doc);
    return 0;
}

/* Takes one decision if the session may see it and it matches the pushed keys. Strings are
 * copied (they are the source's, valid only for this call). */
static int add_decision(struct cursor *c, int64_t t, const char *id, const char *qid,
                        const char *user, const char *op, bool batch, bool allowed,
                        const char *json, size_t json_len, struct lw_err *err)
{
    struct dec *d;
    if (!authz_sql_may_see(c->owner, user) || (c->user_eq && strcmp(c->user_eq, user ? user : "")) ||
        (c->qid_eq && strcmp(c->qid_eq, qid ? qid : "")))
        return 0;
    if (c->ndec == c->capdec) {
        int cap = c->capdec ? 2 * c->capdec : 256;
        struct dec **nd = lw_realloc(c->dec, (size_t)cap * sizeof *nd);
        if (!nd)
            return nomem(c, err);
        c->dec = nd;
        c->capdec = cap;
    }
    if (!(d = lw_arena_alloc(&c->arena, sizeof *d)))
        return nomem(c, err);
    memset(d, 0, sizeof *d);
    d->t = t;
    d->seq = c->seq++;
    d->allowed = allowed;
    if (!(d->id = dup(c, id)) || !(d->qid = dup(c, qid)) || !(d->user = dup(c, user)) ||
        !(d->op = dup(c, op)) || parse_record(c, d, json, json_len, batch) != 0)
        return nomem(c, err);
    c->dec[c->ndec++] = d;
    return 0;
}

/* ---- sources ---- */

static int read_ring(struct cursor *c, struct lw_err *err)
{
    struct authz_decision_summary rows[RING_CHUNK];
    uint64_t from = 0, to = 0;
    int n, rc = 0;
    if (!c->aux->ring)
        return 0;
    authz_decision_log_span(c->aux->ring, &from, &to);
    while (rc == 0 && from < to) {
        /* a whole ring is parsed before the first row: the statement's deadline is checked
         * here, since the engine cannot cancel between rows that do not exist yet */
        if (c->qc && c->qc->deadline_us && lw_mono_us() > c->qc->deadline_us) {
            lw_err_set(err, LW_ETIMEOUT, "canceling statement due to statement timeout");
            if (err)
                snprintf(err->sqlstate, sizeof err->sqlstate, "57014");
            return LW_ETIMEOUT;
        }
        if ((n = authz_decision_log_read(c->aux->ring, &from, to, true, rows, RING_CHUNK)) < 0)
            return lw_err_set(err, LW_ENOMEM, "out of memory copying the decision log");
        for (int i = 0; i < n && rc == 0; i++)
            rc = add_decision(c, rows[i].time_ms * 1000, rows[i].decision_id, rows[i].query_id,
                              rows[i].user, rows[i].operation, rows[i].batch, rows[i].allowed,
                              rows[i].json, rows[i].json ? strlen(rows[i].json) : 0, err);
        authz_decision_log_rows_clear(rows, n);
    }
    return rc;
}

/* The columns of lakeward.decisions this table reads, found by name in its module. */
enum { D_TIME, D_ID, D_QID, D_USER, D_OP, D_ENDPOINT, D_ALLOWED, D_RECORD, ND };
static const char *const dcol_names[ND] = {"time", "decision_id", "query_id", "user_name",
                                           "operation", "endpoint", "allowed", "record"};

static int dcol(const char *name)
{
    const struct sql_vtab_module *m = &authz_decision_store_sql_module;
    for (int i = 0; i < m->ncols; i++)
        if (strcmp(m->cols[i].name, name) == 0)
            return i;
    return -1;
}

/* A constraint on lakeward.decisions for one store read. */
struct skey {
    int dcol;                   /* D_* */
    enum sql_op op;
    struct sql_value v;
};

static void text_value(struct sql_value *v, const char *s)
{
    v->type = SQL_V_TEXT;
    v->u.s.p = s;
    v->u.s.len = strlen(s);
}

/* Reads the decisions matching k[0..nk) from the store into the cursor; with skip_window,
 * decisions inside the window (read before) are left out. *pushed tells whether the store
 * took every constraint (those it did not take are the engine's to check, so rows outside
 * them arrive too: the caller must not assume their absence). */
static int read_store(struct cursor *c, const struct skey *k, int nk, bool skip_window,
                      bool *pushed, struct lw_err *err)
{
    const struct sql_vtab_module *m = &authz_decision_store_sql_module;
    struct sql_index_constraint cons[8];
    struct sql_index_usage usage[8] = {0};
    struct sql_value argv[8];
    struct sql_index_out out = {.usage = usage};
    struct sql_index_in in = {.nconstraint = nk, .constraint = cons};
    struct sql_cursor *cur = NULL;
    int idx[ND], rc, nargs = 0;

    for (int i = 0; i < ND; i++) {
        if ((idx[i] = dcol(dcol_names[i])) < 0)
            return lw_err_set(err, LW_EINVAL, "lakeward.decisions has no column %s",
                              dcol_names[i]);
        in.cols_used |= 1ull << (idx[i] < 63 ? idx[i] : 63);
    }
    for (int i = 0; i < nk; i++)
        cons[i] = (struct sql_index_constraint){idx[k[i].dcol], k[i].op, true};
    if ((rc = m->best_index((void *)c->aux->store, &in, &out, err)) != 0)
        return rc < 0 ? rc : lw_err_set(err, LW_EINVAL, "decision store refused the plan");
    *pushed = true;
    for (int i = 0; i < nk; i++) {
        if (usage[i].arg_index > 0 && usage[i].arg_index <= nk)
            argv[usage[i].arg_index - 1] = k[i].v;
        else
            *pushed = false;
        nargs += usage[i].arg_index > 0;
    }
    if ((rc = m->open((void *)c->aux->store, c->qc, &cur, err)) != 0)
        return rc;
    rc = m->filter(cur, out.plan, nargs, argv, err);
    while (rc == 0 && !m->eof(cur)) {
        struct sql_value v[ND];
        char *s[ND] = {0};
        for (int i = 0; i < ND && rc == 0; i++) {
            rc = m->column(cur, idx[i], &v[i], err);
            if (rc == 0 && v[i].type == SQL_V_TEXT &&
                !(s[i] = (char *)dup_n(c, v[i].u.s.p, v[i].u.s.len)))
                rc = nomem(c, err);
        }
        if (rc == 0 && v[D_TIME].type == SQL_V_TIME &&
            !(skip_window && (!c->has_lo || v[D_TIME].u.us >= c->wlo) &&
              (!c->has_hi || v[D_TIME].u.us <= c->whi)))
            rc = add_decision(c, v[D_TIME].u.us, s[D_ID], s[D_QID], s[D_USER], s[D_OP],
                              s[D_ENDPOINT] && strcmp(s[D_ENDPOINT], "batch") == 0,
                              v[D_ALLOWED].type == SQL_V_BOOL && v[D_ALLOWED].u.b, s[D_RECORD],
                              s[D_RECORD] ? v[D_RECORD].u.s.len : 0, err);
        if (rc == 0)
            rc = m->next(cur, err);
    }
    m->close(cur);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The store: the decisions in the window (and pushed keys), then every other decision of
 * the query ids seen there, QID_BATCH ids a read. */
static int read_from_store(struct cursor *c, struct lw_err *err)
{
    struct skey k[4];
    int nk = 0, rc, nfirst;
    bool pushed;
    const char **q;
    int nq = 0;

    if (c->user_eq)
        text_value(&k[nk].v, c->user_eq), k[nk].dcol = D_USER, k[nk++].op = SQL_OP_EQ;
    if (c->qid_eq)
        text_value(&k[nk].v, c->qid_eq), k[nk].dcol = D_QID, k[nk++].op = SQL_OP_EQ;
    nfirst = nk;
    if (c->has_lo)
        k[nk] = (struct skey){D_TIME, SQL_OP_GE, {.type = SQL_V_TIME, .u.us = c->wlo}}, nk++;
    if (c->has_hi)
        k[nk] = (struct skey){D_TIME, SQL_OP_LE, {.type = SQL_V_TIME, .u.us = c->whi}}, nk++;
    if ((rc = read_store(c, k, nk, false, &pushed, err)) != 0)
        return rc;
    /* The second read relies on the first having read exactly the window: fail rather
     * than answer from a read the store narrowed differently. */
    if (!pushed)
        return lw_err_set(err, LW_EINVAL, "decision store did not take the access_history "
                          "constraints");
    /* Without a time range (or for one query id) the first read has every decision. */
    if (nk == nfirst || c->qid_eq || c->ndec == 0)
        return 0;
    if (!(q = lw_calloc((size_t)c->ndec, sizeof *q)))
        return nomem(c, err);
    for (int i = 0; i < c->ndec; i++)
        if (*c->dec[i]->qid)
            q[nq++] = c->dec[i]->qid;
    qsort(q, (size_t)nq, sizeof *q, cmp_str);
    {
        int w = 0;
        for (int i = 0; i < nq; i++)
            if (w == 0 || strcmp(q[w - 1], q[i]) != 0)
                q[w++] = q[i];
        nq = w;
    }
    for (int at = 0; rc == 0 && at < nq; at += QID_BATCH) {
        int n = nq - at < QID_BATCH ? nq - at : QID_BATCH;
        struct sql_value *vals = lw_calloc((size_t)n, sizeof *vals);
        struct sql_array arr = {SQL_OID_TEXT, n, vals};
        struct skey kb[2];
        int nkb = 0;
        if (!vals) {
            rc = nomem(c, err);
            break;
        }
        for (int i = 0; i < n; i++)
            text_value(&vals[i], q[at + i]);
        kb[nkb++] = (struct skey){D_QID, SQL_OP_IN, {.type = SQL_V_ARRAY, .u.arr = &arr}};
        if (c->user_eq) {
            kb[nkb] = (struct skey){D_USER, SQL_OP_EQ, {0}};
            text_value(&kb[nkb++].v, c->user_eq);
        }
        rc = read_store(c, kb, nkb, true, &pushed, err);
        if (rc == 0 && !pushed)
            rc = lw_err_set(err, LW_EINVAL, "decision store cannot select by query id list");
        lw_free(vals);
    }
    lw_free(q);
    return rc;
}

/* ---- grouping ---- */

static int cmp_user_time(const void *a, const void *b)
{
    const struct dec *x = *(const struct dec *const *)a, *y = *(const struct dec *const *)b;
    int r = strcmp(x->user, y->user);
    if (r)
        return r;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_group(const void *a, const void *b)
{
    const struct dec *x = *(const struct dec *const *)a, *y = *(const struct dec *const *)b;
    int r = strcmp(x->user, y->user);
    if (r || (r = strcmp(x->key, y->key)))
        return r;
    return cmp_user_time(a, b);
}

/* Gives every decision its query key (decisions in user, time order). */
static int assign_keys(struct cursor *c)
{
    const struct dec *anchor = NULL;
    char key[192];
    for (int i = 0; i < c->ndec; i++) {
        struct dec *d = c->dec[i];
        if (i > 0 && strcmp(d->user, c->dec[i - 1]->user) != 0)
            anchor = NULL;
        if (*d->qid) {
            snprintf(key, sizeof key, "q:%s", d->qid);
        } else if (strcmp(d->op, "ExecuteQuery") == 0) {
            anchor = d;
            snprintf(key, sizeof key, "a:%s", d->id);
        } else if (anchor && d->t - anchor->t <= AUTHZ_ACCESS_WINDOW_US) {
            snprintf(key, sizeof key, "a:%s", anchor->id);
        } else {
            int64_t w = d->t >= 0 ? d->t / AUTHZ_ACCESS_WINDOW_US
                                  : -((-d->t + AUTHZ_ACCESS_WINDOW_US - 1) / AUTHZ_ACCESS_WINDOW_US);
            snprintf(key, sizeof key, "w:%lld", (long long)w);
        }
        if (!(d->key = dup(c, key)))
            return -1;
    }
    return 0;
}

/* The set's strings as an arena array value. */
static int to_array(struct cursor *c, const struct strset *s, struct sql_array *a)
{
    struct sql_value *v = s->n ? lw_arena_alloc(&c->arena, (size_t)s->n * sizeof *v) : NULL;
    if (s->n && !v)
        return -1;
    for (int i = 0; i < s->n; i++)
        text_value(&v[i], s->v[i]);
    *a = (struct sql_array){SQL_OID_TEXT, s->n, v};
    return 0;
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Adds one request on entity e (NULL: the decision named no object) to the group's
 * objects. */
static bool merge(struct obj **objs, int *nobj, int *cap, const struct dec *d,
                  const struct ent *e)
{
    const char *type = e ? e->type : "query", *name = e ? e->name : NULL;
    struct obj *o = NULL;
    bool ok = e ? e->ok : d->allowed;
    for (int i = 0; i < *nobj && !o; i++)
        if (same((*objs)[i].type, type) && same((*objs)[i].name, name))
            o = &(*objs)[i];
    if (!o) {
        if (*nobj == *cap) {
            int nc = *cap ? 2 * *cap : 8;
            struct obj *no = lw_realloc(*objs, (size_t)nc * sizeof *no);
            if (!no)
                return false;
            *objs = no;
            *cap = nc;
        }
        o = &(*objs)[(*nobj)++];
        memset(o, 0, sizeof *o);
        o->type = type;
        o->name = name;
        if (e)
            memcpy(o->path, e->path, sizeof o->path);
    }
    o->requests++;
    o->denied += !ok;
    if (!set_add(&o->ops, d->op))
        return false;
    for (int k = 0; e && k < e->ncols; k++)
        if (!set_add(&o->cols, e->col[k]) ||
            !set_add(e->col_ok[k] ? &o->ok : &o->bad, e->col[k]))
            return false;
    return true;
}

/* Turns the group dec[from..to) into rows. */
static int emit_group(struct cursor *c, int from, int to)
{
    struct obj *objs = NULL;
    int nobj = 0, cap = 0, rc = 0;
    bool partial = false;
    const struct dec *first = c->dec[from];
    for (int i = from; i < to && rc == 0; i++) {
        const struct dec *d = c->dec[i];
        partial = partial || d->partial;
        if (d->nent == 0 && !merge(&objs, &nobj, &cap, d, NULL))
            rc = -1;
        for (int k = 0; k < d->nent && rc == 0; k++)
            if (!merge(&objs, &nobj, &cap, d, &d->ent[k]))
                rc = -1;
    }
    for (int i = 0; i < nobj && rc == 0; i++) {
        struct obj *o = &objs[i];
        struct row *r;
        if (c->nrows == c->caprows) {
            int nc = c->caprows ? 2 * c->caprows : 64;
            struct row *nr = lw_realloc(c->rows, (size_t)nc * sizeof *nr);
            if (!nr) {
                rc = -1;
                break;
            }
            c->rows = nr;
            c->caprows = nc;
        }
        r = &c->rows[c->nrows];
        memset(r, 0, sizeof *r);
        r->qkey = *first->qid ? first->qid : first->id;
        r->qid = first->qid;
        r->user = first->user;
        r->first = first->t;
        r->last = c->dec[to - 1]->t;
        r->type = o->type;
        r->name = o->name;
        memcpy(r->path, o->path, sizeof r->path);
        r->allowed = o->denied == 0;
        r->partial = partial;
        r->requests = o->requests;
        r->denied = o->denied;
        if (to_array(c, &o->cols, &r->arr[0]) || to_array(c, &o->ok, &r->arr[1]) ||
            to_array(c, &o->bad, &r->arr[2]) || to_array(c, &o->ops, &r->arr[3]))
            rc = -1;
        else
            c->nrows++;
    }
    for (int i = 0; i < nobj; i++) {
        set_free(&objs[i].cols);
        set_free(&objs[i].ok);
        set_free(&objs[i].bad);
        set_free(&objs[i].ops);
    }
    lw_free(objs);
    return rc;
}

static int build_rows(struct cursor *c, struct lw_err *err)
{
    if (c->ndec == 0)       /* qsort must not see the NULL of an empty list */
        return 0;
    qsort(c->dec, (size_t)c->ndec, sizeof *c->dec, cmp_user_time);
    if (assign_keys(c) != 0)
        return nomem(c, err);
    qsort(c->dec, (size_t)c->ndec, sizeof *c->dec, cmp_group);
    for (int from = 0, to; from < c->ndec; from = to) {
        for (to = from + 1; to < c->ndec && strcmp(c->dec[to]->user, c->dec[from]->user) == 0 &&
                            strcmp(c->dec[to]->key, c->dec[from]->key) == 0; to++)
            ;
        if (emit_group(c, from, to) != 0)
            return nomem(c, err);
    }
    return 0;
}

/* ---- the module ---- */

static int best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err)
{
    const struct authz_access_sql *a = aux;
    int plan = 0, nargs = 0;
    (void)err;
    for (int k = 0; k < NKEYS; k++) {
        for (int i = 0; i < in->nconstraint; i++) {
            const struct sql_index_constraint *cn = &in->constraint[i];
            if (!cn->usable || cn->column != keys[k].column || cn->op != keys[k].op ||
                out->usage[i].arg_index)
                continue;
            plan |= 1 << k;
            out->usage[i].arg_index = ++nargs;
            out->usage[i].omit = false;     /* the engine re-checks: see the file comment */
            break;
        }
    }
    out->plan = plan;
    out->est_rows = 10000.0 / (1 + 4 * nargs);
    out->est_cost = (a && a->store ? 10 : 1) + out->est_rows / 100;
    return 0;
}

static int open_cursor(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       struct lw_err *err)
{
    struct cursor *c = lw_calloc(1, sizeof *c);
    if (!c)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    c->base.mod = &authz_access_sql_module;
    c->aux = aux;
    c->qc = qc;
    lw_arena_init(&c->arena, ARENA_MAX);
    *cur = &c->base;
    return 0;
}

static void reset(struct cursor *c)
{
    lw_free(c->dec);
    lw_free(c->rows);
    c->dec = NULL;
    c->rows = NULL;
    c->ndec = c->capdec = c->nrows = c->caprows = c->pos = 0;
    c->user_eq = c->qid_eq = NULL;
    c->has_lo = c->has_hi = false;
    lw_arena_free(&c->arena);
}

/* Reads the pushed constraints. Returns false when they match nothing (a NULL value, or a
 * user other than the session's own for a non-administrator). The time range comes from
 * first_time's bounds if any, else last_time's: every query it asks for has a decision at
 * that time, so the window holds it. */
static bool take_keys(struct cursor *c, int plan, int argc, const struct sql_value *argv)
{
    int64_t lo[2] = {INT64_MIN, INT64_MIN}, hi[2] = {INT64_MAX, INT64_MAX};
    bool has_lo[2] = {false, false}, has_hi[2] = {false, false};
    int slot = 0, w;
    for (int k = 0; k < NKEYS; k++) {
        const struct sql_value *v;
        int t;
        if (!(plan & (1 << k)))
            continue;
        if (slot >= argc)
            return false;
        v = &argv[slot++];
        if (keys[k].column == COL_USER_NAME || keys[k].column == COL_QUERY_ID) {
            const char *s;
            if (v->type != SQL_V_TEXT || !(s = dup_n(c, v->u.s.p, v->u.s.len)))
                return false;
            *(keys[k].column == COL_USER_NAME ? &c->user_eq : &c->qid_eq) = s;
            continue;
        }
        if (v->type != SQL_V_TIME)
            return false;
        t = keys[k].column == COL_LAST_TIME;
        if (keys[k].op != SQL_OP_LE && keys[k].op != SQL_OP_LT && v->u.us > lo[t])
            lo[t] = v->u.us, has_lo[t] = true;
        if (keys[k].op != SQL_OP_GE && keys[k].op != SQL_OP_GT && v->u.us < hi[t])
            hi[t] = v->u.us, has_hi[t] = true;
    }
    if (c->owner) {
        if (!*c->owner || (c->user_eq && strcmp(c->user_eq, c->owner) != 0))
            return false;
        c->user_eq = c->owner;
    }
    w = has_lo[0] || has_hi[0] ? 0 : 1;
    c->has_lo = has_lo[w];
    c->has_hi = has_hi[w];
    c->wlo = has_lo[w] && lo[w] > INT64_MIN + 2 * AUTHZ_ACCESS_WINDOW_US
             ? lo[w] - 2 * AUTHZ_ACCESS_WINDOW_US : INT64_MIN;
    c->whi = has_hi[w] && hi[w] < INT64_MAX - 2 * AUTHZ_ACCESS_WINDOW_US
             ? hi[w] + 2 * AUTHZ_ACCESS_WINDOW_US : INT64_MAX;
    return true;
}

static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    int rc;
    reset(c);
    c->owner = authz_sql_visible_user(c->qc);
    if (!take_keys(c, plan, argc, argv))
        return c->arena.exceeded ? nomem(c, err) : 0;
    rc = c->aux->store ? read_from_store(c, err) : read_ring(c, err);
    return rc ? rc : build_rows(c, err);
}

static int next(struct sql_cursor *cur, struct lw_err *err)
{
    (void)err;
    ((struct cursor *)cur)->pos++;
    return 0;
}

static bool eof(struct sql_cursor *cur)
{
    struct cursor *c = (struct cursor *)cur;
    return c->pos >= c->nrows;
}

static void text_or_null(struct sql_value *v, const char *s)
{
    if (s && *s)
        text_value(v, s);
    else
        v->type = SQL_V_NULL;
}

static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct row *r = &c->rows[c->pos];
    memset(v, 0, sizeof *v);
    switch (col) {
    case COL_QUERY_KEY: text_or_null(v, r->qkey); break;
    case COL_QUERY_ID: text_or_null(v, r->qid); break;
    case COL_USER_NAME: text_or_null(v, r->user); break;
    case COL_FIRST_TIME: v->type = SQL_V_TIME, v->u.us = r->first; break;
    case COL_LAST_TIME: v->type = SQL_V_TIME, v->u.us = r->last; break;
    case COL_OBJECT_TYPE: text_or_null(v, r->type); break;
    case COL_OBJECT_NAME: text_or_null(v, r->name); break;
    case COL_CATALOG_NAME:
    case COL_SCHEMA_NAME:
    case COL_TABLE_NAME: text_or_null(v, r->path[col - COL_CATALOG_NAME]); break;
    case COL_COLUMNS:
    case COL_COLUMNS_ALLOWED:
    case COL_COLUMNS_DENIED:
    case COL_OPERATIONS: v->type = SQL_V_ARRAY, v->u.arr = &r->arr[col - COL_COLUMNS]; break;
    case COL_ALLOWED: v->type = SQL_V_BOOL, v->u.b = r->allowed; break;
    case COL_REQUESTS: v->type = SQL_V_INT, v->u.i = r->requests; break;
    case COL_DENIED_REQUESTS: v->type = SQL_V_INT, v->u.i = r->denied; break;
    case COL_PARTIAL: v->type = SQL_V_BOOL, v->u.b = r->partial; break;
    default: return lw_err_set(err, LW_EINVAL, "no column %d in lakeward.access_history", col);
    }
    return 0;
}

static void close_cursor(struct sql_cursor *cur)
{
    struct cursor *c = (struct cursor *)cur;
    if (!c)
        return;
    reset(c);
    lw_free(c);
}

const struct sql_vtab_module authz_access_sql_module = {
    .name = "access_history",
    .cols = cols,
    .ncols = NCOLS,
    .best_index = best_index,
    .open = open_cursor,
    .filter = filter,
    .next = next,
    .eof = eof,
    .column = column,
    .close = close_cursor,
};
