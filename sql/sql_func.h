/* sql_func.h -- the one registry of SQL functions and operators: scalar, aggregate, window
 * and set-returning functions, each one entry (name, argument types, result type,
 * volatility, implementation), and operators as entries naming the function that
 * implements them. The binder resolves calls here with PostgreSQL's rules where tools
 * depend on them; pg_proc and pg_operator (sql_catalog*.c) are generated from the same
 * tables, so a function exists for clients exactly when it runs.
 *
 * HOW TO ADD A FUNCTION: write its implementation in the sql_func_<family>.c that fits
 * (sql_func_math.c, sql_func_string.c, sql_func_time.c, sql_func_session.c, ...) and add
 * one entry to that file's table, registered in sql_func.c's family list: name, argument
 * OIDs, result OID, volatility, strictness, kind and implementation. Give it PostgreSQL's
 * pg_proc OID when it has one (pg_proc.dat), so catalog joins stay stable. An operator is
 * one row in the operator table naming the function entry it calls (by its pg_proc OID).
 * Polymorphic arguments use SQL_OID_ANYELEMENT / SQL_OID_ANYARRAY; the result type of such
 * a function is resolved from the actual arguments, as in PostgreSQL. */
#ifndef SQL_FUNC_H
#define SQL_FUNC_H

#include "sql_type.h"

#define SQL_FUNC_MAX_ARGS 8

enum sql_func_kind {
    SQL_FN_SCALAR = 'f',
    SQL_FN_AGG = 'a',
    SQL_FN_WINDOW = 'w',
    SQL_FN_SRF = 's',       /* set-returning (a scalar kind in pg_proc, proretset true) */
};

enum sql_volatility {
    SQL_VOL_IMMUTABLE = 'i',
    SQL_VOL_STABLE = 's',   /* constant within a statement (now(), current_setting) */
    SQL_VOL_VOLATILE = 'v',
};

/* What an implementation may use while it runs: the statement's arena (results' text and
 * arrays live there), the session (for current_user, now(), settings), the resolved
 * result type (for polymorphic functions) and an error to fill. */
struct sql_session;
struct sql_fcall {
    struct lw_arena *arena;
    struct sql_session *session;
    int64_t stmt_start_us;      /* now() / current_timestamp: the statement's start */
    uint32_t result_oid;
    const uint32_t *arg_oids;   /* the actual argument types */
    struct sql_error *err;
    /* An ordered-set aggregate's final (WITHIN GROUP): its direct arguments, evaluated once
     * per group, and whether WITHIN GROUP sorts descending. 0/NULL/false elsewhere. */
    int ndirect;
    const struct sql_value *direct;
    bool order_desc;
    /* The entry being called (set by the evaluator for scalar calls), and what a table scan
     * of the statement sees (NULL outside a statement's execution): module functions
     * (sql_tables_add_func) are called with both. */
    const struct sql_func *fn;
    const struct sql_query_ctx *qc;
};

/* A scalar function: argv holds argc values (never NULL when the entry is strict).
 * Returns 0 with *out set, or LW_EINVAL with c->err filled. */
typedef int (*sql_scalar_fn)(struct sql_fcall *c, int argc, const struct sql_value *argv,
                             struct sql_value *out);

/* An aggregate: state is `state_size` bytes zeroed before the first step; step sees each
 * row's arguments (after FILTER; only distinct ones for DISTINCT; strict aggregates skip
 * rows with a NULL argument), final makes the result (also for zero rows). */
struct sql_agg_impl {
    size_t state_size;
    int (*step)(struct sql_fcall *c, void *state, int argc, const struct sql_value *argv);
    int (*final)(struct sql_fcall *c, void *state, struct sql_value *out);
};

/* A set-returning function: start is called with the arguments, then next until it
 * returns 1 (done); state is `state_size` bytes zeroed before start. */
struct sql_srf_impl {
    size_t state_size;
    int (*start)(struct sql_fcall *c, void *state, int argc, const struct sql_value *argv);
    /* 0: *out holds the next value; 1: no more rows; <0: error in c->err */
    int (*next)(struct sql_fcall *c, void *state, struct sql_value *out);
};

struct sql_func {
    uint32_t oid;               /* pg_proc OID (PostgreSQL's where one exists); 0: another
                                 * call form of the entry before it (a default argument) */
    const char *name;           /* lower case, as called */
    char kind;                  /* enum sql_func_kind */
    char volatility;            /* enum sql_volatility */
    bool strict;                /* any NULL argument gives NULL without calling */
    bool variadic;              /* the last argument type repeats (VARIADIC "any" style) */
    int nargs;
    uint32_t args[SQL_FUNC_MAX_ARGS];
    uint32_t ret;               /* result type; ANYELEMENT/ANYARRAY: from the arguments */
    sql_scalar_fn fn;           /* SQL_FN_SCALAR (and the value function of window entries) */
    const struct sql_agg_impl *agg;     /* SQL_FN_AGG */
    const struct sql_srf_impl *srf;     /* SQL_FN_SRF */
};

struct sql_oper {
    uint32_t oid;               /* pg_operator OID */
    const char *name;           /* "+", "=", "~~" (LIKE), ... */
    uint32_t left, right;       /* left 0: prefix operator */
    uint32_t result;
    uint32_t func_oid;          /* the sql_func entry that implements it */
};

/* One family's table, as sql_func_<family>.c exports it. */
struct sql_func_family {
    const struct sql_func *funcs;
    int nfuncs;
    const struct sql_oper *opers;
    int nopers;
};

/* Resolution of a call name(args...) with PostgreSQL's rules (func_select_candidate, cut
 * down to what clients rely on): an exact match wins; otherwise candidates whose
 * parameters every argument reaches by implicit cast (an unknown literal reaches any type),
 * preferring the most exact matches, then the most preferred-type matches, then unknown
 * literals resolved to the category their other arguments use (string by default).
 * Returns the entry and fills want[] with the parameter types to cast each argument to
 * (*ret gets the resolved result type); NULL with nmatch 0 (no candidate: 42883), > 1
 * (ambiguous: 42725) or -1 (polymorphic parameters given only unknown literals: 42804,
 * "could not determine polymorphic type"). kind 0 accepts any kind. */
const struct sql_func *sql_func_resolve(const char *name, int argc, const uint32_t *argt,
                                        char kind, uint32_t *want, uint32_t *ret, int *nmatch);
/* The same for an operator: left 0 for a prefix operator. Returns the operator row and
 * its function; NULL as above. */
const struct sql_oper *sql_oper_resolve(const char *name, uint32_t left, uint32_t right,
                                        uint32_t *want_left, uint32_t *want_right,
                                        const struct sql_func **fn, int *nmatch);
/* Entries the binder calls for syntax rather than by name (no pg_proc row): arr[i]
 * (anyarray, int4) -> element, and a vector type cast to the array of its element. */
extern const struct sql_func sql_func_subscript;
extern const struct sql_func sql_func_vector_to_array;
/* A scalar function called in FROM: the set-returning entry yielding its argument (the
 * bound call) as the one row. */
extern const struct sql_func sql_func_scalar_in_from;

/* Ordered-set aggregates (fn(direct args) WITHIN GROUP (ORDER BY aggregated args)) are
 * aggregate entries whose args[] list the direct arguments first. Returns how many of the
 * entry's arguments are direct, or -1 for any other function (a plain aggregate). */
int sql_agg_ordered_ndirect(const struct sql_func *fn);

/* What pg_type names for a type's I/O (sql_func_typeio.c): the pg_proc OIDs of typinput,
 * typoutput, typreceive, typsend, typmodin, typmodout and typanalyze, 0 where PostgreSQL
 * has none. Every OID given is an entry of the registry. Cannot fail: an unknown type gets
 * zeros. */
struct sql_type_procs {
    uint32_t type, in, out, recv, send, modin, modout, analyze;
};
void sql_type_procs_of(uint32_t type, struct sql_type_procs *out);
/* The subscript handlers pg_type.typsubscript names (entries of the registry too). */
#define SQL_PROC_ARRAY_SUBSCRIPT 6179u
#define SQL_PROC_RAW_ARRAY_SUBSCRIPT 6180u
#define SQL_PROC_JSONB_SUBSCRIPT 6098u

/* The entry with pg_proc OID oid, or NULL. */
const struct sql_func *sql_func_by_oid(uint32_t oid);
/* True when some function is called name; unknown names are refused with 0A000 (the
 * registry is a subset of PostgreSQL's catalog), known ones with 42883 on a type mismatch. */
bool sql_func_exists(const char *name);
/* The same for operators. */
bool sql_oper_exists(const char *name);

/* Iteration for pg_proc / pg_operator: family i (0..sql_func_nfamilies()-1). */
int sql_func_nfamilies(void);
const struct sql_func_family *sql_func_family_at(int i);

#endif
