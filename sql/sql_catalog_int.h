/* sql_catalog_int.h -- what the catalog files share: the description of one catalog
 * relation (columns, kind, PostgreSQL OID, row builder), the scan a builder fills, and
 * small setters for the values of a row. sql_catalog.c runs the scans; sql_catalog_pg.c
 * and sql_catalog_info.c hold the relations. */
#ifndef SQL_CATALOG_INT_H
#define SQL_CATALOG_INT_H

#include "../server/core/lw_arena.h"
#include "sql_catalog.h"
#include "sql_type.h"

/* Columns are declared once with an X-macro per relation, X(prefix, name, type OID), which
 * gives both the sql_col array and an enum of positions (prefix_name), so a builder sets
 * `row[cls_relname]` and the compiler keeps names and positions together. */
#define CAT_COL(p, n, t) {#n, t, 0},
#define CAT_IDX(p, n, t) p##_##n,

/* PostgreSQL types lakeward does not register, and the registered type each is shown as:
 * the relations keep PostgreSQL's column names; these columns are NULL or empty anyway. */
#define CAT_ACL SQL_OID_TEXT_ARRAY      /* aclitem[] */
#define CAT_NODE SQL_OID_TEXT           /* pg_node_tree */
#define CAT_XID SQL_OID_OID             /* xid */

struct cat_scan;

struct cat_rel {
    struct sql_vtab_module mod;     /* first: the registry hands &mod back as the module */
    const char *schema;
    uint32_t oid;                   /* PostgreSQL's pg_class OID; 0: derived from the name */
    char relkind;                   /* 'r' or 'v', as in PostgreSQL */
    /* Appends every row (cat_row); 0 or a negative LW_E* code with s->err filled. */
    int (*build)(struct cat_scan *s);
};

/* A scan: the rows are built at filter time into the scan's own arena (every catalog is
 * small), then streamed. */
struct cat_scan {
    struct sql_cursor base;
    const struct cat_rel *rel;
    const struct sql_tables *tables;
    const struct sql_query_ctx *qc;
    struct lw_arena arena;
    struct sql_value **rows;
    long nrows, cap, pos;
    bool nomem;                     /* sticky: an allocation failed */
};

/* The one module's methods (sql_catalog.c), shared by every catalog relation. */
int cat_best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                   struct lw_err *err);
int cat_open(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
             struct lw_err *err);
int cat_filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
               struct lw_err *err);
int cat_next(struct sql_cursor *cur, struct lw_err *err);
bool cat_eof(struct sql_cursor *cur);
int cat_column(struct sql_cursor *cur, int col, struct sql_value *out, struct lw_err *err);
void cat_close(struct sql_cursor *cur);

/* Defines relation var called name in schema from its column X-macro COLS and builder. */
#define CAT_REL(var, name, schema, pg_oid, relkind, COLS, build)                              \
    static const struct sql_col var##_cols[] = {COLS(CAT_COL)};                              \
    static const struct cat_rel var = {                                                     \
        {name, var##_cols, (int)(sizeof var##_cols / sizeof var##_cols[0]), cat_best_index,   \
         cat_open, cat_filter, cat_next, cat_eof, cat_column, cat_close},                     \
        schema, pg_oid, relkind, build}

/* The relations of each file, and their count. */
extern const struct cat_rel *const cat_pg_rels[];
extern const int cat_pg_nrels;
extern const struct cat_rel *const cat_info_rels[];
extern const int cat_info_nrels;

/* Appends a row of NULLs; NULL (and s->nomem) when memory runs out. */
struct sql_value *cat_row(struct cat_scan *s);
/* Value setters; a NULL string stays NULL. Strings are borrowed: static text, registry
 * text, or text in the scan's arena (cat_fmt). */
void cat_text(struct sql_value *v, const char *str);
void cat_int(struct sql_value *v, int64_t i);
void cat_bool(struct sql_value *v, bool b);
void cat_float(struct sql_value *v, double f);
/* A "char" value. */
void cat_char(struct sql_value *v, char ch);
/* An array of n elements of type elem_oid whose values the caller fills (*elems), in the
 * scan's arena; false when memory runs out. */
bool cat_array(struct cat_scan *s, struct sql_value *v, uint32_t elem_oid, int n,
               struct sql_value **elems);
/* printf into the scan's arena; NULL (and s->nomem) when memory runs out. */
const char *cat_fmt(struct cat_scan *s, const char *fmt, ...) LW_PRINTF(2, 3);

/* Schemas: the fixed ones, then every other schema a table is registered in, in order of
 * first registration. Returns the count (at most max) with names in out. */
int cat_schemas(const struct sql_tables *t, const char **out, int max);
#define CAT_MAX_SCHEMAS 32

/* Names (sql_catalog_name.c). The search path for unqualified names: pg_catalog, then
 * lakeward. */
extern const char *const cat_search_path[];
extern const int cat_nsearch;
/* Splits a possibly qualified name s[0..len) into at most max parts, copied into buf:
 * "quoted" parts as written ("" for a quote), others folded to lower case, surrounding
 * blanks ignored. Returns the count, or -1 for a malformed name or one too long for buf. */
int cat_parse_name(const char *s, size_t len, char *buf, size_t bufsize, const char **parts,
                   int max);
/* Appends p[0..n) as quote_ident prints it. */
void cat_quote_ident(const char *p, size_t n, struct lw_buf *b);
/* pg_operator's planner facts of an operator (sql_catalog_oper.c): commutator, negator,
 * merge/hash-joinability, restriction and join estimators; zeros for an operator with none.
 * Cannot fail. */
#define SQL_OPER_CANMERGE 1
#define SQL_OPER_CANHASH 2
struct sql_oper_facts {
    uint32_t oid, com, negate;
    int flags;
    uint32_t rest, join;
};
void sql_oper_facts_of(uint32_t oid, struct sql_oper_facts *out);

/* Appends format_type(oid, typmod) (typmod ignored when has_typmod is false): "-" for 0,
 * "???" for an unknown type. Returns false for an interval typmod that names no fields
 * (PostgreSQL's XX000 "invalid INTERVAL typmod"). */
bool cat_format_type(uint32_t oid, int64_t typmod, bool has_typmod, struct lw_buf *b);
/* schema.name, or name along the search path when schema is NULL. */
const struct sql_table *cat_find_table(const struct sql_tables *t, const char *schema,
                                       const char *name);

/* pg_class.oid of a registered table; pg_namespace.oid of a schema name. */
uint32_t cat_table_oid(const struct sql_table *tab);
uint32_t cat_schema_oid(const char *name);
/* Every function pg_proc lists, in order: the built-ins (schema pg_catalog; the extra
 * call forms, OID 0, are not functions of their own), then t's module functions. Calls
 * each for every one; returns the first nonzero result of each, or 0. */
int cat_each_func(const struct sql_tables *t, void *ctx,
                  int (*each)(void *ctx, const struct sql_func *fn, const char *schema));
/* pg_function_is_visible of fn in schema: its schema is on the search path and no schema
 * before it has a function of the same name and argument types (PostgreSQL's
 * FunctionIsVisible). Built-ins are always visible. */
bool cat_func_visible(const struct sql_tables *t, const struct sql_func *fn, const char *schema);
/* The catalog relation behind a registered table, or NULL for other modules' tables. */
const struct cat_rel *cat_rel_of(const struct sql_table *tab);
/* pg_type.typcollation: 100 (default) for collatable string types, 950 (C) for name. */
uint32_t cat_type_collation(uint32_t type_oid);

#endif
