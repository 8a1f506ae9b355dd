/* pg_extended.c -- the extended query protocol of one session (pg_session_int.h): Parse,
 * Bind, Describe, Execute, Close, Sync and Flush over the engine's prepared statements and
 * portals (sql_exec.h), with the named maps bounded, as Postgres 15 answers them:
 * ParseComplete/BindComplete/CloseComplete, ParameterDescription, RowDescription or NoData,
 * PortalSuspended, EmptyQueryResponse; the unnamed statement and portal replaced by the next
 * Parse/Bind; portals closed at the end of their transaction; after an error everything up
 * to the next Sync is skipped. Protocol reference: Postgres 15 "Message Flow, Extended
 * Query"; what drivers send: shared/reference/pgwire/pgwire-compat.md section 5. */
#include "pg_session_int.h"

#include "pg_extended.h"

#include "pg_cancel.h"

#include "../sql/sql_cursor.h"
#include "../sql/sql_type_io.h"
#include "../sql/sql_value.h"
#include "core/lw_arena.h"

#include <stdio.h>
#include <string.h>

#define MAX_STATEMENTS 1000         /* named prepared statements per session */
#define MAX_PORTALS 100             /* named portals per session */
#define MAX_PARAMS 65535            /* Bind's parameter count is an int16 */
#define PG_BIND_ARENA_MAX ((size_t)1 << 30) /* parameters of one Bind (the message is bounded first) */
/* Protocol-level names have no length limit in Postgres (pgx's are 75 bytes); this bound
 * only keeps 1000 statements' names from taking much memory. */
#define NAME_MAX_LEN 1024

struct ext_stmt {
    char *name;
    struct sql_stmt *st;
};

struct ext_portal {
    char *name;
    struct sql_portal *p;
    int ncols;
    int16_t *formats;               /* ncols result formats (Bind's) */
    bool done;                      /* ran to completion */
};

/* Unnamed statements longer than this are not kept for reuse. */
#define UNNAMED_KEEP_MAX 16384

struct pg_ext {
    struct ext_stmt unnamed_stmt;   /* name "" */
    /* The unnamed statement last replaced (by a Parse or a Query), kept so that an
     * identical unnamed Parse (same text and parameter types, no SET since: libpq's
     * PQexecParams, pgbench -M extended and most drivers send the same text again and
     * again) takes it back instead of parsing and binding it again. kept_key is the text,
     * a NUL and the types of kept, or of the unnamed statement while it lives; a portal
     * binds the statement again anyway, so only its Describe answers come from the
     * kept bind. */
    struct sql_stmt *kept;
    struct lw_buf kept_key;
    unsigned kept_gen;              /* the settings' generation it was bound under */
    bool key_valid;                 /* kept_key describes unnamed_stmt or kept */
    struct ext_portal unnamed_portal;
    struct ext_stmt *stmts;         /* named, MAX_STATEMENTS slots */
    int nstmts;
    struct ext_portal *portals;     /* named, MAX_PORTALS slots */
    int nportals;
};

struct pg_ext *pg_ext_new(void)
{
    struct pg_ext *x = lw_calloc(1, sizeof *x);
    if (!x)
        return NULL;
    lw_buf_init(&x->kept_key, UNNAMED_KEEP_MAX + 1 + (size_t)MAX_PARAMS * 4);
    x->stmts = lw_calloc(MAX_STATEMENTS, sizeof *x->stmts);
    x->portals = lw_calloc(MAX_PORTALS, sizeof *x->portals);
    if (!x->stmts || !x->portals) {
        pg_ext_free(x);
        return NULL;
    }
    return x;
}

static void stmt_clear(struct ext_stmt *e)
{
    sql_stmt_free(e->st);
    lw_free(e->name);
    memset(e, 0, sizeof *e);
}

static void portal_clear(struct ext_portal *e)
{
    sql_portal_free(e->p);
    lw_free(e->name);
    lw_free(e->formats);
    memset(e, 0, sizeof *e);
}

void pg_ext_close_portals(struct pg_ext *x)
{
    portal_clear(&x->unnamed_portal);
    for (int i = 0; i < x->nportals; i++)
        portal_clear(&x->portals[i]);
    x->nportals = 0;
}

/* The unnamed statement is replaced: it becomes the kept one. */
static void unnamed_replace(struct pg_ext *x)
{
    if (!x->unnamed_stmt.st)
        return;
    sql_stmt_free(x->kept);
    x->kept = x->unnamed_stmt.st;
    x->unnamed_stmt.st = NULL;
}

static void kept_drop(struct pg_ext *x)
{
    sql_stmt_free(x->kept);
    x->kept = NULL;
    x->key_valid = false;
}

void pg_ext_close_statements(struct pg_ext *x)
{
    kept_drop(x);
    stmt_clear(&x->unnamed_stmt);
    for (int i = 0; i < x->nstmts; i++)
        stmt_clear(&x->stmts[i]);
    x->nstmts = 0;
}

void pg_ext_free(struct pg_ext *x)
{
    if (!x)
        return;
    if (x->portals)
        pg_ext_close_portals(x);
    if (x->stmts)
        pg_ext_close_statements(x);
    lw_buf_free(&x->kept_key);
    lw_free(x->stmts);
    lw_free(x->portals);
    lw_free(x);
}

/* --- the maps ------------------------------------------------------------------------- */

static struct ext_stmt *stmt_find(struct pg_ext *x, const char *name)
{
    if (!*name)
        return x->unnamed_stmt.st ? &x->unnamed_stmt : NULL;
    for (int i = 0; i < x->nstmts; i++)
        if (strcmp(x->stmts[i].name, name) == 0)
            return &x->stmts[i];
    return NULL;
}

static struct ext_portal *portal_find(struct pg_ext *x, const char *name)
{
    if (!*name)
        return x->unnamed_portal.p ? &x->unnamed_portal : NULL;
    for (int i = 0; i < x->nportals; i++)
        if (strcmp(x->portals[i].name, name) == 0)
            return &x->portals[i];
    return NULL;
}

/* Removes a named entry by moving the last one into its slot (order does not matter). */
static void stmt_remove(struct pg_ext *x, struct ext_stmt *e)
{
    if (e == &x->unnamed_stmt) {
        stmt_clear(e);
        return;
    }
    stmt_clear(e);
    *e = x->stmts[--x->nstmts];
    memset(&x->stmts[x->nstmts], 0, sizeof *e);
}

static void portal_remove(struct pg_ext *x, struct ext_portal *e)
{
    if (e == &x->unnamed_portal) {
        portal_clear(e);
        return;
    }
    portal_clear(e);
    *e = x->portals[--x->nportals];
    memset(&x->portals[x->nportals], 0, sizeof *e);
}

int pg_ext_deallocate(struct pg_ext *x, const char *name, struct sql_error *err)
{
    struct ext_stmt *e;
    if (!name) {
        pg_ext_close_statements(x);
        return 0;
    }
    if (!*name || !(e = stmt_find(x, name)))
        return sql_error_set(err, "26000", "prepared statement \"%.63s\" does not exist", name);
    stmt_remove(x, e);
    return 0;
}

/* --- messages ------------------------------------------------------------------------- */

static int bad_format(struct sql_error *err)
{
    return sql_error_set(err, "08P01", "invalid message format");
}

static int check_name(const char *name, size_t *bad, struct sql_error *err)
{
    if (!pg_utf8_valid(name, strlen(name), bad))
        return sql_error_set(err, "22021", "invalid byte sequence for encoding \"UTF8\"");
    if (strlen(name) > NAME_MAX_LEN)
        return sql_error_set(err, "54000", "statement or portal name \"%.63s...\" is longer "
                             "than %d bytes", name, NAME_MAX_LEN);
    return 0;
}

static void put_empty(struct pg_sess *s, char type)
{
    size_t m = pg_msg_begin(&s->io.out, type);
    pg_msg_end(&s->io.out, m);
}

/* The unnamed statement's key: its text, a NUL, then its declared parameter types. */
static bool same_key(const struct lw_buf *k, const char *q, int n, const uint32_t *types)
{
    size_t len = strlen(q);
    return k->len == len + 1 + (size_t)n * sizeof *types && memcmp(k->data, q, len + 1) == 0 &&
           (n == 0 || memcmp(k->data + len + 1, types, (size_t)n * sizeof *types) == 0);
}

static void set_key(struct pg_ext *x, const char *q, int n, const uint32_t *types, unsigned gen)
{
    size_t len = strlen(q);
    lw_buf_reset(&x->kept_key);
    x->key_valid = false;
    if (len > UNNAMED_KEEP_MAX)
        return;
    lw_buf_append(&x->kept_key, q, len + 1);
    if (n)
        lw_buf_append(&x->kept_key, types, (size_t)n * sizeof *types);
    x->key_valid = !x->kept_key.failed;
    x->kept_gen = gen;
}

static int parse_msg(struct pg_sess *s, struct pg_rd *rd, struct sql_error *err)
{
    struct pg_ext *x = s->ext;
    const char *name, *q;
    int16_t n;
    uint32_t *types = NULL;
    struct sql_stmt *st;
    size_t bad;
    int rc;

    if (!pg_get_cstr(rd, &name) || !pg_get_cstr(rd, &q) || !pg_get_i16(rd, &n) || n < 0)
        return bad_format(err);
    if (check_name(name, &bad, err) != 0)
        return LW_EINVAL;
    if (!pg_utf8_valid(q, strlen(q), &bad))
        return sql_error_set(err, "22021", "invalid byte sequence for encoding \"UTF8\": 0x%02x",
                             (unsigned char)q[bad]);
    if (n > 0 && !(types = lw_calloc((size_t)n, sizeof *types)))
        return sql_error_set(err, "53200", "out of memory");
    for (int i = 0; i < n; i++) {
        int32_t t;
        if (!pg_get_i32(rd, &t)) {
            lw_free(types);
            return bad_format(err);
        }
        types[i] = (uint32_t)t;
    }
    if (!pg_rd_done(rd)) {
        lw_free(types);
        return bad_format(err);
    }
    if (*name) {
        if (stmt_find(x, name)) {
            lw_free(types);
            return sql_error_set(err, "42P05", "prepared statement \"%s\" already exists", name);
        }
        if (x->nstmts >= MAX_STATEMENTS) {
            lw_free(types);
            return sql_error_set(err, "54000", "too many prepared statements in one session "
                                 "(bound %d): close or DEALLOCATE some", MAX_STATEMENTS);
        }
    } else {
        unnamed_replace(x);             /* replaced even when the new one fails */
        if (x->kept && x->key_valid && x->kept_gen == s->sql.settings.gen &&
            same_key(&x->kept_key, q, n, types)) {
            x->unnamed_stmt.st = x->kept;
            x->kept = NULL;
            lw_free(types);
            s->nqueries++;
            put_empty(s, '1');
            return 0;
        }
        kept_drop(x);
    }
    s->nqueries++;
    rc = sql_prepare(&s->sql, q, n, types, &st, err);
    if (rc == 0 && !*name)
        set_key(x, q, n, types, s->sql.settings.gen);
    lw_free(types);
    if (rc != 0)
        return LW_EINVAL;
    if (*name) {
        struct ext_stmt *e = &x->stmts[x->nstmts];
        if (!(e->name = lw_strdup(name))) {
            sql_stmt_free(st);
            return sql_error_set(err, "53200", "out of memory");
        }
        e->st = st;
        x->nstmts++;
    } else {
        x->unnamed_stmt.st = st;
    }
    put_empty(s, '1');
    return 0;
}

/* Reads Bind's parameter values into text, converting binary ones through the type's
 * receive function (the engine binds text). vals/lens are allocated in arena. */
static int bind_params(struct pg_rd *rd, int nfmt, const int16_t *fmts, int n,
                       const uint32_t *types, struct lw_arena *arena, const char ***vals,
                       int **lens, struct sql_error *err)
{
    *vals = NULL;
    *lens = NULL;
    if (n == 0)
        return 0;   /* the common prepared statement: no arena chunk to allocate and free */
    *vals = lw_arena_alloc(arena, (size_t)(n + 1) * sizeof **vals);
    *lens = lw_arena_alloc(arena, (size_t)(n + 1) * sizeof **lens);
    if (!*vals || !*lens)
        return sql_error_set(err, "53200", "out of memory");
    for (int i = 0; i < n; i++) {
        int32_t len;
        int16_t f = nfmt == 0 ? PG_FORMAT_TEXT : fmts[nfmt == 1 ? 0 : i];
        const char *p;
        size_t bad;
        if (!pg_get_i32(rd, &len) || len < -1 || (len > 0 && (size_t)len > rd->len - rd->pos))
            return bad_format(err);
        if (len == -1) {
            (*vals)[i] = NULL;
            (*lens)[i] = 0;
            continue;
        }
        p = (const char *)rd->p + rd->pos;
        rd->pos += (size_t)len;
        if (f == PG_FORMAT_TEXT) {
            char *t = lw_arena_alloc(arena, (size_t)len + 1);
            if (!pg_utf8_valid(p, (size_t)len, &bad))
                return sql_error_set(err, "22021", "invalid byte sequence for encoding "
                                     "\"UTF8\": 0x%02x", (unsigned char)p[bad]);
            if (!t)
                return sql_error_set(err, "53200", "out of memory");
            memcpy(t, p, (size_t)len);
            t[len] = '\0';
            (*vals)[i] = t;
            (*lens)[i] = len;
        } else if (f == PG_FORMAT_BINARY) {
            struct sql_value v;
            struct lw_buf tb;
            char *t;
            if (sql_type_recv(p, (size_t)len, types[i], arena, &v, err) != 0) {
                if (strcmp(err->sqlstate, "22P03") == 0 && !err->detail[0])
                    snprintf(err->detail, sizeof err->detail, "in binary parameter $%d", i + 1);
                return LW_EINVAL;
            }
            lw_buf_init(&tb, (size_t)1 << 30);
            sql_value_text(&v, types[i], &tb);
            if (tb.failed || !(t = lw_arena_alloc(arena, tb.len + 1))) {
                lw_buf_free(&tb);
                return sql_error_set(err, "53200", "out of memory");
            }
            if (tb.len) /* an empty text form leaves data NULL */
                memcpy(t, tb.data, tb.len);
            t[tb.len] = '\0';
            (*vals)[i] = t;
            (*lens)[i] = (int)tb.len;
            lw_buf_free(&tb);
        } else {
            return sql_error_set(err, "22023", "unsupported format code: %d", f);
        }
    }
    return 0;
}

static int read_formats(struct pg_rd *rd, int16_t *n, int16_t **out, struct sql_error *err)
{
    *out = NULL;
    if (!pg_get_i16(rd, n) || *n < 0)
        return bad_format(err);
    if (*n && !(*out = lw_calloc((size_t)*n, sizeof **out)))
        return sql_error_set(err, "53200", "out of memory");
    for (int i = 0; i < *n; i++)
        if (!pg_get_i16(rd, &(*out)[i]))
            return bad_format(err);
    return 0;
}

static int bind_msg(struct pg_sess *s, struct pg_rd *rd, struct sql_error *err)
{
    struct pg_ext *x = s->ext;
    const char *pname, *sname, **vals = NULL;
    int16_t npfmt = 0, nres = 0, nparams;
    int16_t *pfmts = NULL, *rfmts = NULL;
    int *lens = NULL;
    struct ext_stmt *se;
    struct ext_portal *pe;
    struct sql_portal *portal = NULL;
    const uint32_t *types;
    const struct sql_result_col *cols;
    struct lw_arena arena;
    int np, ncols, rc = LW_EINVAL;
    size_t bad;

    lw_arena_init(&arena, PG_BIND_ARENA_MAX);
    if (!pg_get_cstr(rd, &pname) || !pg_get_cstr(rd, &sname)) {
        bad_format(err);
        goto out;
    }
    if (check_name(pname, &bad, err) != 0 || check_name(sname, &bad, err) != 0 ||
        read_formats(rd, &npfmt, &pfmts, err) != 0)
        goto out;
    if (!pg_get_i16(rd, &nparams) || nparams < 0) {
        bad_format(err);
        goto out;
    }
    if (!(se = stmt_find(x, sname))) {
        if (*sname)
            sql_error_set(err, "26000", "prepared statement \"%s\" does not exist", sname);
        else
            sql_error_set(err, "26000", "unnamed prepared statement does not exist");
        goto out;
    }
    if (npfmt > 1 && npfmt != nparams) {
        sql_error_set(err, "08P01", "bind message has %d parameter formats but %d parameters",
                      npfmt, nparams);
        goto out;
    }
    np = sql_stmt_params(se->st, &types);
    if (nparams != np) {
        sql_error_set(err, "08P01", "bind message supplies %d parameters, but prepared "
                      "statement \"%s\" requires %d", nparams, sname, np);
        goto out;
    }
    if (bind_params(rd, npfmt, pfmts, nparams, types, &arena, &vals, &lens, err) != 0 ||
        read_formats(rd, &nres, &rfmts, err) != 0)
        goto out;
    if (!pg_rd_done(rd)) {
        bad_format(err);
        goto out;
    }
    if (*pname) {
        if (portal_find(x, pname)) {
            sql_error_set(err, "42P03", "portal \"%s\" already exists", pname);
            goto out;
        }
        if (x->nportals >= MAX_PORTALS) {
            sql_error_set(err, "54000", "too many open portals in one session (bound %d)",
                          MAX_PORTALS);
            goto out;
        }
    } else {
        portal_clear(&x->unnamed_portal);
    }
    if (sql_session_tx_status(&s->sql) == 'E') {
        /* Postgres refuses Bind in a failed transaction too (except for COMMIT/ROLLBACK,
         * which reach the engine's own check at Execute). */
        const struct sql_result_col *c;
        if (sql_stmt_columns(se->st, &c) > 0) {
            sql_error_set(err, "25P02", "current transaction is aborted, commands ignored until "
                          "end of transaction block");
            goto out;
        }
    }
    if (sql_portal_bind(se->st, nparams, vals, lens, &portal, err) != 0)
        goto out;
    ncols = sql_portal_columns(portal, &cols);
    if (pg_rows_set_columns(&s->rows, ncols, cols, nres, rfmts, err) != 0)
        goto out;
    pe = *pname ? &x->portals[x->nportals] : &x->unnamed_portal;
    if ((*pname && !(pe->name = lw_strdup(pname))) ||
        (ncols && !(pe->formats = lw_calloc((size_t)ncols, sizeof *pe->formats)))) {
        portal_clear(pe);
        sql_error_set(err, "53200", "out of memory");
        goto out;
    }
    if (ncols)
        memcpy(pe->formats, s->rows.formats, (size_t)ncols * sizeof *pe->formats);
    pe->ncols = ncols;
    pe->p = portal;
    portal = NULL;
    if (*pname)
        x->nportals++;
    put_empty(s, '2');
    rc = 0;
out:
    sql_portal_free(portal);
    lw_free(pfmts);
    lw_free(rfmts);
    lw_arena_free(&arena);
    return rc;
}

static int describe_msg(struct pg_sess *s, struct pg_rd *rd, struct sql_error *err)
{
    const char *name;
    const struct sql_result_col *cols;
    unsigned char kind;
    int n;

    if (rd->pos >= rd->len)
        return bad_format(err);
    kind = rd->p[rd->pos++];
    if (!pg_get_cstr(rd, &name) || !pg_rd_done(rd))
        return bad_format(err);
    if (kind == 'S') {
        struct ext_stmt *e = stmt_find(s->ext, name);
        const uint32_t *types;
        size_t m;
        int np;
        if (!e) {
            if (*name)
                return sql_error_set(err, "26000", "prepared statement \"%s\" does not exist",
                                     name);
            return sql_error_set(err, "26000", "unnamed prepared statement does not exist");
        }
        np = sql_stmt_params(e->st, &types);
        m = pg_msg_begin(&s->io.out, 't');
        pg_put_i16(&s->io.out, (int16_t)np);
        for (int i = 0; i < np; i++)
            pg_put_i32(&s->io.out, (int32_t)types[i]);
        pg_msg_end(&s->io.out, m);
        n = sql_stmt_columns(e->st, &cols);
        if (n == 0) {
            put_empty(s, 'n');
            return 0;
        }
        return pg_rows_put_description(&s->rows, n, cols, false, err);
    }
    if (kind == 'P') {
        struct ext_portal *e = portal_find(s->ext, name);
        if (!e && *name && (n = sql_cursor_columns(&s->sql, name, &cols)) >= 0) {
            /* a cursor DECLAREd by name is a portal too (psycopg describes its cursors) */
            if (n == 0) {
                put_empty(s, 'n');
                return 0;
            }
            if (pg_rows_set_columns(&s->rows, n, cols, 0, NULL, err) != 0)
                return LW_EINVAL;
            return pg_rows_put_description(&s->rows, n, cols, true, err);
        }
        if (!e)
            return sql_error_set(err, "34000", "portal \"%s\" does not exist", name);
        n = sql_portal_columns(e->p, &cols);
        if (n == 0) {
            put_empty(s, 'n');
            return 0;
        }
        if (n != e->ncols)
            return sql_error_set(err, "XX000", "portal \"%s\" changed its columns", name);
        memcpy(s->rows.formats, e->formats, (size_t)n * sizeof *e->formats);
        return pg_rows_put_description(&s->rows, n, cols, true, err);
    }
    return sql_error_set(err, "08P01", "invalid DESCRIBE message subtype %d", kind);
}

static int execute_msg(struct pg_sess *s, struct pg_rd *rd, struct sql_error *err)
{
    const char *name;
    const struct sql_result_col *cols;
    struct ext_portal *e;
    struct sql_sink sink;
    int32_t max_rows;
    bool suspended = false;
    int n, rc;

    if (!pg_get_cstr(rd, &name) || !pg_get_i32(rd, &max_rows) || !pg_rd_done(rd))
        return bad_format(err);
    if (!(e = portal_find(s->ext, name)))
        return sql_error_set(err, "34000", "portal \"%s\" does not exist", name);
    n = sql_portal_columns(e->p, &cols);
    if (n != e->ncols)      /* a FETCH whose cursor was closed or declared after Bind */
        return sql_error_set(err, "34000", "cursor of portal \"%s\" changed since Bind", name);
    if (e->done && n > 0) {
        /* Postgres runs a finished SELECT portal again as zero more rows. */
        size_t m = pg_msg_begin(&s->io.out, 'C');
        pg_put_cstr(&s->io.out, "SELECT 0");
        pg_msg_end(&s->io.out, m);
        return 0;
    }
    if (pg_rows_set_columns(&s->rows, n, cols, n, e->formats, err) != 0)
        return LW_EINVAL;
    s->rows.describe = false;
    sink = pg_rows_sink(&s->rows);
    pg_sess_statement_start(s);
    rc = sql_portal_execute(e->p, &sink, max_rows > 0 ? max_rows : 0, &suspended, err);
    pg_cancel_statement_end();
    if (rc != 0)
        return LW_EINVAL;
    if (suspended) {
        put_empty(s, 's');
        return 0;
    }
    e->done = true;
    return 0;
}

static int close_msg(struct pg_sess *s, struct pg_rd *rd, struct sql_error *err)
{
    const char *name;
    unsigned char kind;
    if (rd->pos >= rd->len)
        return bad_format(err);
    kind = rd->p[rd->pos++];
    if (!pg_get_cstr(rd, &name) || !pg_rd_done(rd))
        return bad_format(err);
    if (kind == 'S') {
        struct ext_stmt *e = stmt_find(s->ext, name);
        if (e)
            stmt_remove(s->ext, e);
    } else if (kind == 'P') {
        struct ext_portal *e = portal_find(s->ext, name);
        if (e)
            portal_remove(s->ext, e);
    } else {
        return sql_error_set(err, "08P01", "invalid CLOSE message subtype %d", kind);
    }
    put_empty(s, '3');          /* closing what does not exist is not an error */
    return 0;
}

/* One handler per message type: a table rather than a switch. */
static const struct {
    char type;
    int (*fn)(struct pg_sess *s, struct pg_rd *rd, struct sql_error *err);
} handlers[] = {
    {'P', parse_msg}, {'B', bind_msg}, {'D', describe_msg}, {'E', execute_msg}, {'C', close_msg},
};

int pg_ext_message(struct pg_sess *s, char type)
{
    struct sql_error err;
    struct pg_rd rd;
    int64_t t0 = pg_sess_log_start();
    int rc = 0;

    if (type == 'S') {
        s->ignore_till_sync = false;
        pg_sess_end_of_command(s);
        /* The implicit transaction ends here; portals do not outlive their transaction. */
        if (sql_session_tx_status(&s->sql) == 'I')
            pg_ext_close_portals(s->ext);
        pg_sess_ready_for_query(s);
        return pg_sess_flush(s) == 0 ? 0 : -1;
    }
    if (type == 'H')
        return pg_sess_flush(s) == 0 ? 0 : -1;
    if (s->ignore_till_sync)
        return 0;
    memset(&err, 0, sizeof err);
    pg_rd_init(&rd, s->msg.data, s->msg.len);
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (handlers[i].type == type)
            rc = handlers[i].fn(s, &rd, &err);
    if (s->io.broken)
        return -1;
    if (type == 'E' || rc != 0)
        pg_sess_log_query(s, rc, &err, s->msg.len, t0);
    if (rc != 0) {
        if (!err.sqlstate[0])
            sql_error_set(&err, "XX000", "internal error");
        pg_sess_send_error(s, &err);
        sql_session_error(&s->sql);
        s->ignore_till_sync = true;
    }
    return 0;
}

void pg_ext_drop_unnamed(struct pg_ext *x)
{
    unnamed_replace(x);
}
