/* sql_type.h -- the one registry of SQL types: what a type OID is called, how long it is,
 * its category (for overload resolution and implicit casts), its array type, how its
 * values are held (enum sql_vtype), its text input and output, comparison and hash, and the
 * casts between types. The binder, the executor, the Postgres-wire layer and pg_type /
 * pg_cast (sql_catalog*.c) all read this table; nothing else knows a type.
 *
 * HOW TO ADD A TYPE: add its OID to sql_vtab.h (take it from PostgreSQL's pg_type.dat so
 * clients recognise it), then one entry in sql_types[] (sql_type.c): name, SQL name for
 * messages, typlen, category, preferred flag, array OID (and an entry for the array type
 * with elem set), representation, and in/out functions (sql_type_io.c; reuse one when the
 * representation and text form match an existing type's). For casts, one row in
 * sql_casts[] per (source, target) pair with its context; casts to and from text through
 * the I/O functions need no row (PostgreSQL's I/O conversion casts). A row names PostgreSQL's
 * cast function by its pg_proc OID, which must be an entry of sql_func_cast.c. */
#ifndef SQL_TYPE_H
#define SQL_TYPE_H

#include "../server/core/lw_buf.h"
#include "sql_error.h"
#include "sql_vtab.h"

struct lw_arena;

/* pg_type.typcategory values. */
#define SQL_TCAT_ARRAY 'A'
#define SQL_TCAT_BOOL 'B'
#define SQL_TCAT_DATETIME 'D'
#define SQL_TCAT_NUMERIC 'N'
#define SQL_TCAT_PSEUDO 'P'
#define SQL_TCAT_STRING 'S'
#define SQL_TCAT_TIMESPAN 'T'
#define SQL_TCAT_USER 'U'
#define SQL_TCAT_UNKNOWN 'X'
#define SQL_TCAT_INTERNAL 'Z'   /* "char": PostgreSQL's internal-use category */

/* Text input: parses s[0..len) (not NUL-terminated) into *out. Text results may point into
 * s or into arena (which may be NULL when the type never needs it). Failures return
 * LW_EINVAL with PostgreSQL's SQLSTATE and message (22P02, 22003, 22007, 22008) in err. */
typedef int (*sql_type_in_fn)(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                              struct sql_value *out, struct sql_error *err);
/* Text output of a non-NULL value, exactly as PostgreSQL 15 prints it (DateStyle ISO, MDY;
 * IntervalStyle postgres; TimeZone UTC; extra_float_digits 1). */
typedef void (*sql_type_out_fn)(const struct sql_value *v, uint32_t oid, struct lw_buf *b);
/* Orders two non-NULL values of this type: <0, 0, >0. */
typedef int (*sql_type_cmp_fn)(const struct sql_value *a, const struct sql_value *b);
/* A hash consistent with cmp() == 0. */
typedef uint64_t (*sql_type_hash_fn)(const struct sql_value *v);

struct sql_type {
    uint32_t oid;
    const char *name;           /* pg_type.typname ("int4") */
    const char *sql_name;       /* format_type() / message name ("integer") */
    int16_t len;                /* typlen: bytes, -1 varlena, -2 C string */
    char category;              /* typcategory */
    bool preferred;             /* typispreferred */
    uint32_t array_oid;         /* typarray: its array type, 0 for none */
    uint32_t elem_oid;          /* typelem: for arrays (and int2vector/oidvector), else 0 */
    enum sql_vtype vtype;       /* how values are held */
    sql_type_in_fn in;          /* NULL: no input (pseudo-types) */
    sql_type_out_fn out;        /* NULL: no output */
    sql_type_cmp_fn cmp;        /* NULL: no ordering (json, void, record) */
    sql_type_hash_fn hash;      /* NULL: not hashable (then not groupable either) */
};

/* The entry for oid, or NULL. */
const struct sql_type *sql_type_get(uint32_t oid);
/* The entry named name (typname or one of the SQL spellings the grammar produces, such as
 * "integer", "double precision", "character varying", "timestamp with time zone"), or NULL. */
const struct sql_type *sql_type_by_name(const char *name);
/* All entries, for pg_type: returns the count, *out the array. */
int sql_type_all(const struct sql_type **out);

/* Cast contexts, PostgreSQL's pg_cast.castcontext. */
enum sql_cast_ctx {
    SQL_CAST_IMPLICIT = 'i',    /* anywhere, silently (int4 -> int8) */
    SQL_CAST_ASSIGN = 'a',      /* in assignments (not used by a read-only engine) */
    SQL_CAST_EXPLICIT = 'e',    /* only with CAST / :: */
};

/* Converts a non-NULL value of type src to type dst. Text results go into arena. */
typedef int (*sql_cast_fn)(const struct sql_value *in, uint32_t src, uint32_t dst,
                           struct lw_arena *arena, struct sql_value *out, struct sql_error *err);

struct sql_cast {
    uint32_t src, dst;
    char context;               /* enum sql_cast_ctx */
    sql_cast_fn fn;
    uint32_t func;              /* pg_cast.castfunc: PostgreSQL's cast function (a registry
                                 * entry, sql_func_cast.c); 0 when binary-coercible */
};

/* The cast from src to dst: a registered row, an I/O conversion through text (explicit from
 * any type to text/varchar/name, explicit from text to any type with input, assignment from
 * any type to text), or the identity for src == dst. NULL when there is none. *context
 * gets its context. */
const struct sql_cast *sql_cast_find(uint32_t src, uint32_t dst, char *context);
/* True when the cast from src to dst is binary-coercible or goes through text I/O
 * (PostgreSQL's RELABELTYPE and COERCEVIAIO paths): then name(x), with name a type and no
 * function name(typeof x), is the cast x::name, as PostgreSQL's func_get_detail has it. */
bool sql_cast_is_coercion(uint32_t src, uint32_t dst);
/* All registered rows, for pg_cast. */
int sql_cast_all(const struct sql_cast **out);
/* Runs the cast from src to dst on v (NULL stays NULL). 42846 when there is no cast. */
int sql_cast_value(const struct sql_value *v, uint32_t src, uint32_t dst, struct lw_arena *arena,
                   struct sql_value *out, struct sql_error *err) LW_MUSTCHECK;

/* True when values of src may be implicitly cast to dst (identity included). */
bool sql_type_implicit(uint32_t src, uint32_t dst);

/* The reg* types (regclass, regtype, regproc, regprocedure, regnamespace) name catalog
 * objects, so their text I/O needs the session's tables: the catalog module
 * (sql_catalog*.c) provides it through these hooks, and the engine names the tables of
 * the statement running on the calling thread around binding and execution (output
 * happens in the sink, on that thread). Without hooks or tables, input by name is 0A000
 * and output is the number (what PostgreSQL prints for an OID nothing has), except
 * regtype, which the type registry names itself. */
struct sql_tables;
typedef int (*sql_reg_in_fn)(const struct sql_tables *t, uint32_t type, const char *s,
                             size_t len, uint32_t *oid, struct sql_error *err);
typedef void (*sql_reg_out_fn)(const struct sql_tables *t, uint32_t type, uint32_t oid,
                               struct lw_buf *b);
void sql_type_set_reg_hooks(sql_reg_in_fn in, sql_reg_out_fn out);
/* Thread-local; NULL when no statement runs. */
void sql_type_set_reg_tables(const struct sql_tables *t);

#endif
