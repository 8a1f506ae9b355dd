/* sql_catalog.c -- the catalog relations' common machinery (sql_catalog.h): registration
 * into the table registry, the stable OID scheme, the list of schemas, and the one
 * virtual-table module every catalog relation runs on (rows built at filter time from the
 * registries, then streamed; constraints are left to the engine because every catalog
 * fits in memory and is built in microseconds). */
#include "sql_catalog_int.h"
#include "sql_func.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Bound of one catalog scan's memory; the largest (pg_attribute, pg_proc) need well
 * under 1 MiB with SQL_TABLES_MAX tables. */
#define CAT_SCAN_MEMORY (16u << 20)

/* Schemas that exist whether or not a table is registered in them, with their OIDs
 * (0: derived from the name). */
static const struct {
    const char *name;
    uint32_t oid;
} fixed_schemas[] = {
    {"pg_catalog", SQL_CATALOG_NS_PG_CATALOG},
    {"information_schema", 0},
    {"lakeward", 0},
};
#define NFIXED ((int)(sizeof fixed_schemas / sizeof fixed_schemas[0]))

struct cat_aux {
    const struct sql_tables *tables;
    const struct cat_rel *rel;
};

struct sql_catalog {
    int n;
    struct cat_aux aux[];
};

uint32_t sql_catalog_oid(const char *kind, const char *schema, const char *name)
{
    const char *parts[] = {kind, schema ? schema : "", name};
    uint32_t h = 2166136261u;
    for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
        for (const unsigned char *c = (const unsigned char *)parts[p]; *c; c++)
            h = (h ^ *c) * 16777619u;
        h = (h ^ 0xffu) * 16777619u;   /* separator: ("ab","c") differs from ("a","bc") */
    }
    return 16384u + h % (0x80000000u - 16384u);
}

const struct cat_rel *cat_rel_of(const struct sql_table *tab)
{
    /* Every catalog relation runs on this file's open; the module is its first member. */
    return tab && tab->mod && tab->mod->open == cat_open ? (const struct cat_rel *)tab->mod
                                                         : NULL;
}

uint32_t cat_table_oid(const struct sql_table *tab)
{
    const struct cat_rel *rel = cat_rel_of(tab);
    return rel && rel->oid ? rel->oid : sql_catalog_oid("rel", tab->schema, tab->name);
}

uint32_t sql_catalog_rel_oid(const struct sql_tables *t, const char *schema, const char *name)
{
    const struct sql_table *tab = sql_tables_find(t, schema, name);
    return tab ? cat_table_oid(tab) : 0;
}

const struct sql_table *sql_catalog_rel_by_oid(const struct sql_tables *t, uint32_t oid)
{
    for (int i = 0; i < sql_tables_count(t); i++)
        if (cat_table_oid(sql_tables_at(t, i)) == oid)
            return sql_tables_at(t, i);
    return NULL;
}

char sql_catalog_relkind(const struct sql_table *tab)
{
    const struct cat_rel *rel = cat_rel_of(tab);
    return rel ? rel->relkind : 'r';
}

/* Appends schema s to out[0..*n) unless it is there already or out is full. */
static void add_schema(const char **out, int *n, int max, const char *s)
{
    int k = 0;
    while (k < *n && strcmp(out[k], s) != 0)
        k++;
    if (k == *n && *n < max)
        out[(*n)++] = s;
}

int cat_schemas(const struct sql_tables *t, const char **out, int max)
{
    int n = 0;
    const char *schema;
    for (int i = 0; i < NFIXED; i++)
        add_schema(out, &n, max, fixed_schemas[i].name);
    for (int i = 0; i < sql_tables_count(t); i++)
        add_schema(out, &n, max, sql_tables_at(t, i)->schema);
    /* a schema holding only functions still exists, as pronamespace names it */
    for (int i = 0; sql_tables_func_at(t, i, &schema); i++)
        add_schema(out, &n, max, schema);
    return n;
}

const struct sql_func *sql_catalog_func_by_oid(const struct sql_tables *t, uint32_t oid,
                                               const char **schema)
{
    const struct sql_func *fn = sql_func_by_oid(oid);
    if (fn) {
        *schema = "pg_catalog";
        return fn;
    }
    for (int i = 0; (fn = sql_tables_func_at(t, i, schema)) != NULL; i++)
        if (fn->oid == oid)
            return fn;
    return NULL;
}

int cat_each_func(const struct sql_tables *t, void *ctx,
                  int (*each)(void *ctx, const struct sql_func *fn, const char *schema))
{
    const struct sql_func *fn;
    const char *schema;
    int rc;
    for (int f = 0; f < sql_func_nfamilies(); f++) {
        const struct sql_func_family *fam = sql_func_family_at(f);
        for (int i = 0; i < fam->nfuncs; i++)
            if (fam->funcs[i].oid != 0 && (rc = each(ctx, &fam->funcs[i], "pg_catalog")) != 0)
                return rc;
    }
    for (int i = 0; (fn = sql_tables_func_at(t, i, &schema)) != NULL; i++)
        if ((rc = each(ctx, fn, schema)) != 0)
            return rc;
    return 0;
}

uint32_t cat_schema_oid(const char *name)
{
    for (int i = 0; i < NFIXED; i++)
        if (strcmp(fixed_schemas[i].name, name) == 0 && fixed_schemas[i].oid)
            return fixed_schemas[i].oid;
    return sql_catalog_oid("nsp", NULL, name);
}

uint32_t sql_catalog_nsp_oid(const struct sql_tables *t, const char *name)
{
    const char *s[CAT_MAX_SCHEMAS];
    int n = cat_schemas(t, s, CAT_MAX_SCHEMAS);
    for (int i = 0; i < n; i++)
        if (strcmp(s[i], name) == 0)
            return cat_schema_oid(name);
    return 0;
}

const char *sql_catalog_nsp_name(const struct sql_tables *t, uint32_t oid)
{
    const char *s[CAT_MAX_SCHEMAS];
    int n = cat_schemas(t, s, CAT_MAX_SCHEMAS);
    for (int i = 0; i < n; i++)
        if (cat_schema_oid(s[i]) == oid)
            return s[i];
    return NULL;
}

uint32_t cat_type_collation(uint32_t type_oid)
{
    const struct sql_type *ty = sql_type_get(type_oid);
    if (!ty || ty->category != SQL_TCAT_STRING || type_oid == SQL_OID_CHAR)
        return 0;
    return type_oid == SQL_OID_NAME ? 950u : 100u;
}

/* --- row building ------------------------------------------------------------------- */

struct sql_value *cat_row(struct cat_scan *s)
{
    struct sql_value *row;
    if (s->nrows == s->cap) {
        long cap = s->cap ? s->cap * 2 : 64;
        struct sql_value **rows = lw_arena_alloc(&s->arena, (size_t)cap * sizeof *rows);
        if (!rows) {
            s->nomem = true;
            return NULL;
        }
        if (s->nrows)
            memcpy(rows, s->rows, (size_t)s->nrows * sizeof *rows);
        s->rows = rows;
        s->cap = cap;
    }
    row = lw_arena_alloc(&s->arena, (size_t)s->rel->mod.ncols * sizeof *row);
    if (!row) {
        s->nomem = true;
        return NULL;
    }
    memset(row, 0, (size_t)s->rel->mod.ncols * sizeof *row);    /* SQL_V_NULL is 0 */
    s->rows[s->nrows++] = row;
    return row;
}

void cat_text(struct sql_value *v, const char *str)
{
    if (!str) {
        v->type = SQL_V_NULL;
        return;
    }
    v->type = SQL_V_TEXT;
    v->u.s.p = str;
    v->u.s.len = strlen(str);
}

void cat_int(struct sql_value *v, int64_t i)
{
    v->type = SQL_V_INT;
    v->u.i = i;
}

void cat_bool(struct sql_value *v, bool b)
{
    v->type = SQL_V_BOOL;
    v->u.b = b;
}

void cat_float(struct sql_value *v, double f)
{
    v->type = SQL_V_FLOAT;
    v->u.f = f;
}

void cat_char(struct sql_value *v, char ch)
{
    /* One static byte per possible value, so the text outlives the scan. */
    static const char bytes[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                "-_ ";
    const char *p = ch ? strchr(bytes, ch) : NULL;
    v->type = SQL_V_TEXT;
    v->u.s.p = p ? p : "";
    v->u.s.len = p ? 1 : 0;
}

bool cat_array(struct cat_scan *s, struct sql_value *v, uint32_t elem_oid, int n,
               struct sql_value **elems)
{
    struct sql_array *a = lw_arena_alloc(&s->arena, sizeof *a);
    struct sql_value *e = lw_arena_alloc(&s->arena, (size_t)(n > 0 ? n : 1) * sizeof *e);
    if (!a || !e) {
        s->nomem = true;
        return false;
    }
    memset(e, 0, (size_t)(n > 0 ? n : 1) * sizeof *e);
    a->elem_oid = elem_oid;
    a->n = n;
    a->v = e;
    v->type = SQL_V_ARRAY;
    v->u.arr = a;
    *elems = e;
    return true;
}

const char *cat_fmt(struct cat_scan *s, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;
    char *p;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof buf)
        n = (int)sizeof buf - 1;    /* catalog strings are names and numbers: never this long */
    if (!(p = lw_arena_strndup(&s->arena, buf, (size_t)n)))
        s->nomem = true;
    return p;
}

/* --- the module ----------------------------------------------------------------------- */

int cat_best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                   struct lw_err *err)
{
    (void)aux, (void)in, (void)err;
    out->plan = 0;
    out->est_cost = 1;      /* in memory: no round trip */
    out->est_rows = 100;
    return 0;
}

int cat_open(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
             struct lw_err *err)
{
    const struct cat_aux *a = aux;
    struct cat_scan *s = lw_calloc(1, sizeof *s);
    if (!s)
        return lw_err_set(err, LW_ENOMEM, "out of memory opening %s.%s", a->rel->schema,
                          a->rel->mod.name);
    s->base.mod = &a->rel->mod;
    s->rel = a->rel;
    s->tables = a->tables;
    s->qc = qc;
    lw_arena_init(&s->arena, CAT_SCAN_MEMORY);
    *cur = &s->base;
    return 0;
}

int cat_filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
               struct lw_err *err)
{
    struct cat_scan *s = (struct cat_scan *)cur;
    int rc;
    (void)plan, (void)argc, (void)argv;
    /* A rescan (the inner side of a nested loop) starts afresh. */
    lw_arena_free(&s->arena);
    s->rows = NULL;
    s->nrows = s->cap = s->pos = 0;
    s->nomem = false;
    rc = s->rel->build(s);
    if (rc == 0 && s->nomem)
        rc = lw_err_set(err, LW_ENOMEM, "out of memory building %s.%s", s->rel->schema,
                        s->rel->mod.name);
    return rc;
}

int cat_next(struct sql_cursor *cur, struct lw_err *err)
{
    (void)err;
    ((struct cat_scan *)cur)->pos++;
    return 0;
}

bool cat_eof(struct sql_cursor *cur)
{
    const struct cat_scan *s = (const struct cat_scan *)cur;
    return s->pos >= s->nrows;
}

int cat_column(struct sql_cursor *cur, int col, struct sql_value *out, struct lw_err *err)
{
    const struct cat_scan *s = (const struct cat_scan *)cur;
    if (s->pos >= s->nrows || col < 0 || col >= s->rel->mod.ncols)
        return lw_err_set(err, LW_EINVAL, "%s: no column %d in this row", s->rel->mod.name, col);
    *out = s->rows[s->pos][col];
    return 0;
}

void cat_close(struct sql_cursor *cur)
{
    struct cat_scan *s = (struct cat_scan *)cur;
    lw_arena_free(&s->arena);
    lw_free(s);
}

/* --- registration ------------------------------------------------------------------- */

/* Two derived OIDs that coincide would join the wrong rows: refuse to start instead. */
static int check_oids(const struct sql_tables *t, struct lw_err *err)
{
    const char *s[CAT_MAX_SCHEMAS];
    int ns = cat_schemas(t, s, CAT_MAX_SCHEMAS), n = sql_tables_count(t);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (cat_table_oid(sql_tables_at(t, i)) == cat_table_oid(sql_tables_at(t, j)))
                return lw_err_set(err, LW_EINVAL, "tables %s.%s and %s.%s derive the same OID",
                                  sql_tables_at(t, i)->schema, sql_tables_at(t, i)->name,
                                  sql_tables_at(t, j)->schema, sql_tables_at(t, j)->name);
    for (int i = 0; i < ns; i++)
        for (int j = i + 1; j < ns; j++)
            if (cat_schema_oid(s[i]) == cat_schema_oid(s[j]))
                return lw_err_set(err, LW_EINVAL, "schemas %s and %s derive the same OID", s[i],
                                  s[j]);
    return 0;
}

struct sql_catalog *sql_catalog_register(struct sql_tables *t, struct lw_err *err)
{
    const struct {
        const struct cat_rel *const *rels;
        int n;
    } sets[] = {{cat_pg_rels, cat_pg_nrels}, {cat_info_rels, cat_info_nrels}};
    int total = cat_pg_nrels + cat_info_nrels, k = 0;
    struct sql_catalog *c = lw_calloc(1, sizeof *c + (size_t)total * sizeof c->aux[0]);
    if (!c) {
        lw_err_set(err, LW_ENOMEM, "out of memory registering the catalogs");
        return NULL;
    }
    c->n = total;
    for (size_t set = 0; set < sizeof sets / sizeof sets[0]; set++)
        for (int i = 0; i < sets[set].n; i++, k++) {
            const struct cat_rel *rel = sets[set].rels[i];
            c->aux[k] = (struct cat_aux){t, rel};
            if (sql_tables_add(t, rel->schema, rel->mod.name, &rel->mod, &c->aux[k], err) != 0) {
                lw_free(c);
                return NULL;
            }
        }
    if (check_oids(t, err) != 0) {
        lw_free(c);
        return NULL;
    }
    return c;
}

void sql_catalog_free(struct sql_catalog *c)
{
    lw_free(c);
}
