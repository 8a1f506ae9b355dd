/* pg_debug_sql.c -- lakeward.debug_crash (pg_debug_sql.h). */
#include "pg_debug_sql.h"

#ifdef LW_DEBUG_BUILD

#include <signal.h>

static const struct sql_col cols[] = {{"crash", SQL_OID_INT4, 0}};

struct cursor {
    struct sql_cursor base;
};

static int best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err)
{
    (void)aux;
    (void)in;
    (void)err;
    out->est_cost = 1;
    out->est_rows = 1;
    return 0;
}

static int open_cursor(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       struct lw_err *err)
{
    struct cursor *c = lw_calloc(1, sizeof *c);
    (void)aux;
    (void)qc;
    if (!c)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    c->base.mod = &pg_debug_crash_module;
    *cur = &c->base;
    return 0;
}

/* The crash: the default SIGSEGV action, as a wild pointer would end, without the
 * sanitizer's report (which would make the test suite treat the run as a failed one). */
static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    (void)cur;
    (void)plan;
    (void)argc;
    (void)argv;
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
    return lw_err_set(err, LW_EINVAL, "lakeward.debug_crash did not crash");
}

static int next(struct sql_cursor *cur, struct lw_err *err)
{
    (void)cur;
    (void)err;
    return 0;
}

static bool eof(struct sql_cursor *cur)
{
    (void)cur;
    return true;
}

static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    (void)cur;
    (void)col;
    (void)v;
    return lw_err_set(err, LW_EINVAL, "lakeward.debug_crash has no rows");
}

static void close_cursor(struct sql_cursor *cur)
{
    lw_free(cur);
}

const struct sql_vtab_module pg_debug_crash_module = {
    .name = "debug_crash",
    .cols = cols,
    .ncols = 1,
    .best_index = best_index,
    .open = open_cursor,
    .filter = filter,
    .next = next,
    .eof = eof,
    .column = column,
    .close = close_cursor,
};

#else
typedef int pg_debug_sql_empty;     /* ISO C wants at least one declaration per file */
#endif
