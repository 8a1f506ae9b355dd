/* sql_tables.h -- the registry of what modules provide to the SQL engine: virtual tables
 * and module functions (sql_vtab.h), by schema and name. Built once at start-up
 * (sql_tables_add, sql_tables_add_func), then only read, so lookups need no lock. */
#ifndef SQL_TABLES_H
#define SQL_TABLES_H

#include "sql_vtab.h"

#define SQL_TABLES_MAX 128
#define SQL_TABLES_MAX_FUNCS 16

struct sql_func;

struct sql_table {
    const char *schema;     /* borrowed; static strings in practice */
    const char *name;
    const struct sql_vtab_module *mod;
    void *aux;              /* handed to the module's best_index and open */
};

struct sql_tables;

struct sql_tables *sql_tables_new(void) LW_MUSTCHECK;
void sql_tables_free(struct sql_tables *t);
/* Registers schema.name. Fails with LW_EINVAL for a duplicate and LW_ENOMEM past
 * SQL_TABLES_MAX; strings and module are borrowed for the registry's lifetime. */
int sql_tables_add(struct sql_tables *t, const char *schema, const char *name,
                   const struct sql_vtab_module *mod, void *aux, struct lw_err *err) LW_MUSTCHECK;
/* The table, or NULL. schema NULL searches the default search path (pg_catalog, lakeward). */
const struct sql_table *sql_tables_find(const struct sql_tables *t, const char *schema,
                                        const char *name);
/* Iteration in registration order (pg_class and information_schema list every table):
 * the count, and entry i (0..count-1) or NULL. */
int sql_tables_count(const struct sql_tables *t);
const struct sql_table *sql_tables_at(const struct sql_tables *t, int i);

/* Registers schema.f->name as a module function called with aux. Its pg_proc OID is
 * sql_catalog_oid("proc", schema, name) (sql_catalog.h): stable across sessions and
 * replicas, and in the user range, so never one of PostgreSQL's built-in OIDs. Fails with
 * LW_EINVAL for a duplicate name in schema, more than SQL_VFUNC_MAX_ARGS arguments or an
 * OID another function already has, LW_ENOMEM past SQL_TABLES_MAX_FUNCS; schema and f are
 * borrowed for the registry's lifetime. */
int sql_tables_add_func(struct sql_tables *t, const char *schema, const struct sql_vfunc *f,
                        void *aux, struct lw_err *err) LW_MUSTCHECK;
/* The module function schema.name (schema NULL: the search path) as a volatile scalar entry
 * of the function registry (sql_func.h) that the binder binds and the evaluator calls like
 * any other; calling it needs sql_fcall.qc. NULL when there is none. Valid as long as t. */
const struct sql_func *sql_tables_find_func(const struct sql_tables *t, const char *schema,
                                            const char *name);
/* Iteration over module functions in registration order (pg_proc lists them): the count,
 * and entry i (0..count-1) as sql_tables_find_func returns it, with *schema set; NULL past
 * the end. */
int sql_tables_nfuncs(const struct sql_tables *t);
const struct sql_func *sql_tables_func_at(const struct sql_tables *t, int i,
                                          const char **schema);

#endif
