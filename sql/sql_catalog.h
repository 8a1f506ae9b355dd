/* sql_catalog.h -- pg_catalog and information_schema: PostgreSQL 15's catalog relations as
 * virtual tables generated, at scan time, from lakeward's registries (tables: sql_tables.h,
 * types: sql_type.h, functions and operators: sql_func.h), so psql's \d family, Grafana's
 * and JDBC's metadata queries see lakeward's tables, types and functions. A table, type or
 * function added to its registry appears in the catalogs with no catalog change.
 *
 * OIDs are stable: PostgreSQL's own OIDs for its catalog relations, types, functions,
 * operators and the pg_catalog namespace (11); every other relation and schema gets an OID
 * derived from its name (sql_catalog_oid), so joins on oid columns work across relations
 * and across sessions and replicas. lakeward's tables are relkind 'r' (docs/sql.md says
 * why). */
#ifndef SQL_CATALOG_H
#define SQL_CATALOG_H

#include "../server/core/lw_buf.h"
#include "sql_error.h"
#include "sql_tables.h"

/* The role that owns every catalog object (PostgreSQL's bootstrap superuser OID). */
#define SQL_CATALOG_OWNER_OID 10u
#define SQL_CATALOG_OWNER_NAME "lakeward"
/* The one database lakeward presents. */
#define SQL_CATALOG_DATABASE "lakeward"
#define SQL_CATALOG_NS_PG_CATALOG 11u

struct sql_catalog;

/* Registers every pg_catalog and information_schema relation into t. Call it once, after
 * the other tables are registered or before (pg_class reads the registry at scan time, so
 * the order does not matter). Returns the registration's state, to be freed with
 * sql_catalog_free after t; NULL with err filled (a duplicate name, SQL_TABLES_MAX, memory,
 * or two names deriving the same OID). */
struct sql_catalog *sql_catalog_register(struct sql_tables *t, struct lw_err *err) LW_MUSTCHECK;
void sql_catalog_free(struct sql_catalog *c);

/* The OID of a name of a kind ("rel" for relations, "nsp" for schemas, "role" for roles,
 * "db" for databases): FNV-1a of kind, schema and name, folded into [16384, 2^31) -- the
 * range PostgreSQL gives user objects, and positive as an int4. */
uint32_t sql_catalog_oid(const char *kind, const char *schema, const char *name);

/* The OID of relation schema.name as pg_class shows it (PostgreSQL's for its catalogs);
 * for regclass input. 0 when t has no such table. */
uint32_t sql_catalog_rel_oid(const struct sql_tables *t, const char *schema, const char *name);
/* The table with pg_class OID oid, or NULL; for regclass output and the pg_get_* functions. */
const struct sql_table *sql_catalog_rel_by_oid(const struct sql_tables *t, uint32_t oid);
/* The OID of schema name (PostgreSQL's 11 for pg_catalog); 0 when no table lives there and
 * it is not one of the fixed schemas (pg_catalog, information_schema, lakeward). */
uint32_t sql_catalog_nsp_oid(const struct sql_tables *t, const char *name);
/* The name of schema oid, or NULL. */
const char *sql_catalog_nsp_name(const struct sql_tables *t, uint32_t oid);

/* The function with pg_proc OID oid: a built-in (sql_func.h; *schema "pg_catalog") or a
 * module function of t (sql_tables_add_func; its own schema); NULL when neither. t may be
 * NULL (built-ins only). */
const struct sql_func *sql_catalog_func_by_oid(const struct sql_tables *t, uint32_t oid,
                                               const char **schema);

/* The relation kind pg_class shows for a registered table: 'v' for the catalog relations
 * that are views in PostgreSQL (pg_roles, pg_settings, information_schema.*), 'r' for the
 * rest, lakeward's tables included. */
char sql_catalog_relkind(const struct sql_table *tab);

/* Text input of the reg* types, which name catalog objects (regclass, regtype, regproc,
 * regnamespace; regprocedure by OID only): a number is the OID itself, "-" is 0, a name is
 * parsed as PostgreSQL parses it (optionally schema-qualified, "quoted" parts kept as
 * written, others folded to lower case) and looked up along the search path. Errors are
 * PostgreSQL's: 42P01 (relation), 42704 (type), 42883/42725 (function missing/ambiguous),
 * 3F000 (schema), 42601 (bad name), 0A000 (a three-part name). The engine calls this
 * where it has the session's tables (casts of text to a reg* type). */
int sql_catalog_reg_in(const struct sql_tables *t, uint32_t type, const char *s, size_t len,
                       uint32_t *oid, struct sql_error *err) LW_MUSTCHECK;
/* Text output of a reg* value: the object's name (a relation schema-qualified when its name
 * alone would not find it; a regprocedure with its argument types), "-" for 0, the number
 * when nothing has that OID -- as PostgreSQL prints them. */
void sql_catalog_reg_out(const struct sql_tables *t, uint32_t type, uint32_t oid,
                         struct lw_buf *b);

#endif
