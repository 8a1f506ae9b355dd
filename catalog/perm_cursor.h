/* perm_cursor.h -- the scan plumbing the permission tables share: a cursor base that holds
 * the table's aux, the query context and a row position (open with the optional
 * administrators-only check, next, eof), the key-column best_index of tables whose keys are
 * taken as `=` or IN, the distinct text values of such a key, and text column values.
 * A table's own cursor starts with struct perm_cursor and keeps n (rows held) current. */
#ifndef PERM_CURSOR_H
#define PERM_CURSOR_H

#include "../sql/sql_vtab.h"

struct perm_cursor {
    struct sql_cursor base;
    void (*reset)(struct perm_cursor *c);   /* frees the rows held (and zeroes n, pos) */
    void *aux;                          /* the table's aux as registered */
    const struct sql_query_ctx *qc;     /* who asks; outlives the cursor (sql_vtab.h) */
    int64_t deadline_us;                /* the statement's, for every upstream call */
    size_t n, pos;                      /* rows held, current row */
};

/* Allocates a zeroed cursor of size bytes (at least sizeof(struct perm_cursor)) for mod,
 * whose reset (may be NULL) perm_cursor_close calls before freeing it. admin_only: a
 * non-administrator gets LW_EAUTH, SQLSTATE 42501, naming the table. */
int perm_cursor_open(const struct sql_vtab_module *mod, void *aux,
                     const struct sql_query_ctx *qc, size_t size, bool admin_only,
                     void (*reset)(struct perm_cursor *c), struct sql_cursor **cur,
                     struct lw_err *err) LW_MUSTCHECK;
int perm_cursor_next(struct sql_cursor *cur, struct lw_err *err);
bool perm_cursor_eof(struct sql_cursor *cur);
void perm_cursor_close(struct sql_cursor *cur);

/* Room for one more element in v (n held, *cap allocated, elem bytes each; doubling from 32):
 * v itself or its reallocation (*cap updated), or NULL with err filled (v stays valid). */
void *perm_grow(void *v, size_t *cap, size_t n, size_t elem, struct lw_err *err) LW_MUSTCHECK;

/* LW_EAUTH with SQLSTATE 42501 and the formatted reason. */
int perm_denied(struct lw_err *err, const char *fmt, ...) LW_PRINTF(2, 3);

/* best_index of a table whose columns 0..nkeys-1 are keys taken as `=` or IN: the first
 * usable such constraint of each key goes to filter, in column order; out->plan gets bit k
 * for key column k handed over (perm_key_arg finds it again). A missing required key is the
 * engine's to report (42P10, naming it). */
void perm_keys_best_index(const struct sql_index_in *in, struct sql_index_out *out,
                          int nkeys, double est_cost, double est_rows);

/* The argument of key column col under plan, or NULL when it was not handed over. */
const struct sql_value *perm_key_arg(int plan, int col, int argc, const struct sql_value *argv);

/* The distinct usable text values of a key's `=` or IN argument, owned: NULL, non-text,
 * empty and NUL-containing values match nothing and are dropped. */
struct perm_strs {
    char **v;
    int n;
};
int perm_strs_of(const struct sql_value *arg, struct perm_strs *out,
                 struct lw_err *err) LW_MUSTCHECK;
void perm_strs_free(struct perm_strs *s);

/* A text column value borrowing s (NULL s: SQL NULL); perm_textn: its first len bytes. */
void perm_text(struct sql_value *v, const char *s);
void perm_textn(struct sql_value *v, const char *s, size_t len);

#endif
