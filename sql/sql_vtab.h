/* sql_vtab.h -- the virtual-table interface between the SQL engine (sql/) and the modules
 * that provide tables (catalog/, authz/). Modelled on SQLite's sqlite3_module (style guide
 * item 10): a table declares its columns once; best_index sees the query's constraints and
 * ORDER BY and picks a plan; filter starts a scan with the constraint values best_index
 * asked for; next/eof/column stream the rows. sql/ knows nothing of what a table holds. */
#ifndef SQL_VTAB_H
#define SQL_VTAB_H

#include "../server/core/lw.h"

struct lw_arena;

/* Postgres type OIDs (pg_type.dat) of the types lakeward knows; sql_type.c has one registry
 * entry per type (name, length, I/O, comparison). */
#define SQL_OID_BOOL 16u
#define SQL_OID_BYTEA 17u
#define SQL_OID_CHAR 18u
#define SQL_OID_NAME 19u
#define SQL_OID_INT8 20u
#define SQL_OID_INT2 21u
#define SQL_OID_INT2VECTOR 22u
#define SQL_OID_INT4 23u
#define SQL_OID_REGPROC 24u
#define SQL_OID_TEXT 25u
#define SQL_OID_OID 26u
#define SQL_OID_OIDVECTOR 30u
#define SQL_OID_JSON 114u
#define SQL_OID_FLOAT4 700u
#define SQL_OID_FLOAT8 701u
#define SQL_OID_UNKNOWN 705u
#define SQL_OID_BOOL_ARRAY 1000u
#define SQL_OID_CHAR_ARRAY 1002u
#define SQL_OID_NAME_ARRAY 1003u
#define SQL_OID_INT2_ARRAY 1005u
#define SQL_OID_INT4_ARRAY 1007u
#define SQL_OID_TEXT_ARRAY 1009u
#define SQL_OID_INT8_ARRAY 1016u
#define SQL_OID_FLOAT8_ARRAY 1022u
#define SQL_OID_OID_ARRAY 1028u
#define SQL_OID_BPCHAR_ARRAY 1014u
#define SQL_OID_VARCHAR_ARRAY 1015u
#define SQL_OID_BPCHAR 1042u
#define SQL_OID_VARCHAR 1043u
#define SQL_OID_DATE 1082u
#define SQL_OID_TIME 1083u
#define SQL_OID_TIMESTAMP 1114u
#define SQL_OID_TIMESTAMPTZ 1184u
#define SQL_OID_INTERVAL 1186u
#define SQL_OID_NUMERIC 1700u
#define SQL_OID_REGPROCEDURE 2202u
#define SQL_OID_REGCLASS 2205u
#define SQL_OID_REGTYPE 2206u
#define SQL_OID_RECORD 2249u
#define SQL_OID_CSTRING 2275u
#define SQL_OID_CSTRING_ARRAY 1263u
#define SQL_OID_INTERNAL 2281u
#define SQL_OID_TABLE_AM_HANDLER 269u
#define SQL_OID_INDEX_AM_HANDLER 325u
#define SQL_OID_ANY 2276u
#define SQL_OID_ANYARRAY 2277u
#define SQL_OID_VOID 2278u
#define SQL_OID_ANYELEMENT 2283u
#define SQL_OID_ANYNONARRAY 2776u
#define SQL_OID_UUID 2950u
#define SQL_OID_JSONB 3802u
#define SQL_OID_REGNAMESPACE 4089u

/* Column flags. KEY_REQUIRED: queries must constrain the column (best_index says how);
 * KEY_OPTIONAL: a constraint on it makes the scan cheaper; HIDDEN: not part of `*`. */
#define SQL_COL_KEY_REQUIRED 1u
#define SQL_COL_KEY_OPTIONAL 2u
#define SQL_COL_HIDDEN 4u

struct sql_col {
    const char *name;
    uint32_t type_oid;
    unsigned flags;
};

/* How a value is held; fixed by the column's type OID (sql_value.h: sql_vtype_of). */
enum sql_vtype {
    SQL_V_NULL = 0,
    SQL_V_BOOL,     /* bool */
    SQL_V_INT,      /* int4, int8 */
    SQL_V_FLOAT,    /* float8 */
    SQL_V_TEXT,     /* text, json, numeric (as its text), unknown */
    SQL_V_TIME,     /* timestamptz, timestamp, date: microseconds since 1970-01-01 00:00:00
                     * UTC (timestamp: local wall-clock time; date: its midnight) */
    SQL_V_INTERVAL, /* interval: months, days and microseconds, kept apart as Postgres does */
    SQL_V_ARRAY,    /* arrays: u.arr (elements of the array type's element type) */
};

struct sql_array;

struct sql_interval {
    int64_t us;
    int32_t days, months;
};

/* A value. Text is borrowed: not necessarily NUL-terminated, valid as long as whoever
 * produced the value says (for column(): until the cursor's next next() or close()). */
struct sql_value {
    enum sql_vtype type;
    union {
        bool b;
        int64_t i;
        double f;
        int64_t us;
        struct sql_interval iv;
        const struct sql_array *arr;
        struct {
            const char *p;
            size_t len;
        } s;
    } u;
};

/* A one-dimensional array value (lower bound 1), as the engine builds them. */
struct sql_array {
    uint32_t elem_oid;
    int n;
    const struct sql_value *v;  /* n elements, SQL_V_NULL for NULL elements */
};

/* Comparison operators a constraint can carry. */
enum sql_op {
    SQL_OP_EQ,
    SQL_OP_NE,
    SQL_OP_LT,
    SQL_OP_LE,
    SQL_OP_GT,
    SQL_OP_GE,
    SQL_OP_ISNULL,
    SQL_OP_ISNOTNULL,
    SQL_OP_IN,      /* column IN (list): filter's argument is an SQL_V_ARRAY holding the whole
                     * list (its non-NULL members), so a table can fetch all keys at once */
};

/* best_index inputs (read-only). A constraint is `column op value`; value itself is only
 * given to filter, in the argv slot the table asked for. */
struct sql_index_constraint {
    int column;
    enum sql_op op;
    bool usable;
};

struct sql_index_orderby {
    int column;
    bool desc;
};

struct sql_index_in {
    int nconstraint;
    const struct sql_index_constraint *constraint;
    int norderby;
    const struct sql_index_orderby *orderby;
    uint64_t cols_used;     /* bit i: column i is read; bit 63 also stands for columns >= 63 */
};

/* best_index outputs, zeroed by the engine before the call. */
struct sql_index_usage {
    int arg_index;          /* 0: not wanted; k > 0: the value goes to argv[k - 1] of filter */
    bool omit;              /* the table's answer is exact: the engine may skip re-checking */
};

struct sql_index_out {
    struct sql_index_usage *usage;  /* nconstraint entries */
    int plan;               /* private plan id handed back to filter verbatim */
    double est_cost;        /* remote round trips weigh far more than rows in memory */
    double est_rows;
    bool order_consumed;    /* rows come out in the requested ORDER BY order */
};

/* best_index result meaning "this combination of usable constraints cannot be served; try
 * another plan". Other failures are negative LW_E* codes with a message in err. */
#define SQL_VTAB_CONSTRAINT 1

/* One SQL cursor the session has open (DECLARE), as pg_catalog.pg_cursors shows it.
 * Strings are borrowed until the session's next statement runs a cursor command. */
struct sql_open_cursor {
    const char *name;
    const char *statement;  /* the query text the DECLARE came in */
    bool holdable, binary, scrollable;
    int64_t created_us;     /* statement_timestamp() of the DECLARE */
};

/* What a table learns about the query that scans it (borrowed for the scan's lifetime):
 * who asks, whether they are an administrator, when the statement must be finished, the
 * session's own cursors, and an arena for per-scan memory that the engine frees with the
 * statement. */
struct sql_query_ctx {
    const char *principal;  /* the session's user */
    bool admin;
    int64_t deadline_us;    /* lw_mono_us() bound; 0: none */
    struct lw_arena *arena;
    /* The session's i-th open cursor (i from 0) in *out; false past the last. A callback
     * rather than the session itself so that tables need not know sql/'s session state.
     * NULL: the scan sees no cursors. */
    bool (*cursor_at)(const void *session, int i, struct sql_open_cursor *out);
    const void *session;    /* cursor_at's first argument */
};

/* A function a module provides beside its tables (sql_tables_add_func), for what a scan
 * cannot say: an action on the session's own state, such as dropping its catalog cache.
 * The engine binds it like a scalar function (arguments implicitly cast to args[], in the
 * select list or alone in FROM) and treats it as volatile: it is called once per row that
 * reaches it, never folded or moved. */
#define SQL_VFUNC_MAX_ARGS 4

struct sql_vfunc {
    const char *name;
    int nargs;
    uint32_t args[SQL_VFUNC_MAX_ARGS];
    uint32_t ret;                   /* result type OID */
    /* aux as registered; qc as a scan gets it (text results go in qc->arena). Returns 0
     * with *out set (SQL_V_NULL for NULL), or a negative LW_E* code with err filled. */
    int (*call)(void *aux, const struct sql_query_ctx *qc, int argc,
                const struct sql_value *argv, struct sql_value *out, struct lw_err *err);
};

/* A scan in progress. Modules allocate a larger struct that starts with this one. */
struct sql_cursor {
    const struct sql_vtab_module *mod;
};

/* One table implementation. `aux` is the pointer given when the table was registered
 * (sql_tables_add). All methods but eof and close return 0 or a negative LW_E* code with
 * err filled (err->sqlstate may be set; the engine picks one from the code otherwise). */
struct sql_vtab_module {
    const char *name;
    const struct sql_col *cols;     /* static array of ncols entries */
    int ncols;
    /* Pure: may be called several times per query with different usable sets. */
    int (*best_index)(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err);
    /* *cur is owned by the engine until it calls close; qc lives as long as the cursor.
     * Columns flagged SQL_COL_KEY_REQUIRED are enforced by the engine: a query without a
     * usable `=` or IN constraint on each is refused (42P10) naming the column. */
    int (*open)(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                struct lw_err *err);
    int (*filter)(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err);
    int (*next)(struct sql_cursor *cur, struct lw_err *err);
    bool (*eof)(struct sql_cursor *cur);
    /* Fills *out with the current row's value of column col (SQL_V_NULL for NULL); text is
     * valid until the next call of next or close. */
    int (*column)(struct sql_cursor *cur, int col, struct sql_value *out, struct lw_err *err);
    void (*close)(struct sql_cursor *cur);
};

#endif
