/* pg_rows.c -- RowDescription, DataRow (text or binary per column), CommandComplete and
 * EmptyQueryResponse for both query protocols (pg_rows.h). Binary values come from the
 * type registry's send functions (sql_type.h). */
#include "pg_rows.h"

#include "../sql/sql_type_io.h"
#include "../sql/sql_value.h"

#include <string.h>

#define FLUSH_AT (64u << 10)        /* send result rows in chunks of about this size */

void pg_rows_init(struct pg_rows *r, struct pg_io *io, int io_timeout_ms, size_t out_max)
{
    memset(r, 0, sizeof *r);
    r->io = io;
    r->io_timeout_ms = io_timeout_ms;
    r->out_max = out_max;
}

int pg_rows_set_columns(struct pg_rows *r, int n, const struct sql_result_col *cols, int nfmt,
                        const int16_t *fmts, struct sql_error *err)
{
    if (n > PG_MAX_COLUMNS)
        return sql_error_set(err, "54011", "target lists can have at most %d entries",
                             PG_MAX_COLUMNS);
    if (nfmt != 0 && nfmt != 1 && nfmt != n)
        return sql_error_set(err, "08P01", "bind message has %d result formats but query has "
                             "%d columns", nfmt, n);
    for (int i = 0; i < n; i++) {
        int16_t f = nfmt == 0 ? PG_FORMAT_TEXT : fmts[nfmt == 1 ? 0 : i];
        if (f != PG_FORMAT_TEXT && f != PG_FORMAT_BINARY)
            return sql_error_set(err, "22023", "unsupported format code: %d", f);
        if (f == PG_FORMAT_BINARY && !sql_type_has_binary(cols[i].type_oid))
            return sql_error_set(err, "0A000", "binary output of type %s is not supported",
                                 sql_type_name(cols[i].type_oid));
        r->oids[i] = cols[i].type_oid;
        r->formats[i] = f;
    }
    r->ncols = n;
    return 0;
}

int pg_rows_put_description(struct pg_rows *r, int n, const struct sql_result_col *cols,
                            bool formats_known, struct sql_error *err)
{
    struct lw_buf *b = &r->io->out;
    size_t mark = b->len, m = pg_msg_begin(b, 'T');
    pg_put_i16(b, (int16_t)n);
    for (int i = 0; i < n; i++) {
        pg_put_cstr(b, cols[i].name);
        pg_put_i32(b, 0);                       /* table OID: none yet */
        pg_put_i16(b, 0);                       /* column number */
        pg_put_i32(b, (int32_t)cols[i].type_oid);
        pg_put_i16(b, (int16_t)sql_type_len(cols[i].type_oid));
        pg_put_i32(b, -1);                      /* type modifier */
        pg_put_i16(b, formats_known ? r->formats[i] : PG_FORMAT_TEXT);
    }
    pg_msg_end(b, m);
    if (b->failed) {
        pg_msg_abort(b, mark);
        return sql_error_set(err, "54000", "the row description is larger than the output "
                             "bound");
    }
    return 0;
}

static int sink_columns(void *ctx, int n, const struct sql_result_col *cols,
                        struct sql_error *err)
{
    struct pg_rows *r = ctx;
    if (pg_rows_set_columns(r, n, cols, 0, NULL, err) != 0)
        return LW_EINVAL;
    return pg_rows_put_description(r, n, cols, true, err);
}

static void patch_len(struct lw_buf *b, size_t at, uint32_t v)
{
    if (b->failed)
        return;
    b->data[at] = (char)(v >> 24);
    b->data[at + 1] = (char)(v >> 16);
    b->data[at + 2] = (char)(v >> 8);
    b->data[at + 3] = (char)v;
}

static int sink_row(void *ctx, int n, const struct sql_value *vals, struct sql_error *err)
{
    struct pg_rows *r = ctx;
    struct lw_buf *b = &r->io->out;
    size_t mark = b->len, m = pg_msg_begin(b, 'D');
    LW_ASSERT(n == r->ncols);
    pg_put_i16(b, (int16_t)n);
    for (int i = 0; i < n && !b->failed; i++) {
        size_t at, start;
        if (vals[i].type == SQL_V_NULL) {
            pg_put_i32(b, -1);
            continue;
        }
        at = b->len;
        pg_put_i32(b, 0);
        start = b->len;
        if (r->formats[i] == PG_FORMAT_BINARY) {
            if (sql_type_send(&vals[i], r->oids[i], b, err) != 0) {
                pg_msg_abort(b, mark);
                return LW_EINVAL;
            }
        } else {
            sql_value_text(&vals[i], r->oids[i], b);
        }
        patch_len(b, at, (uint32_t)(b->len - start));
    }
    pg_msg_end(b, m);
    if (b->failed) {
        pg_msg_abort(b, mark);
        return sql_error_set(err, "54000", "a result row is larger than the %zu-byte output "
                             "bound", r->out_max);
    }
    if (b->len >= FLUSH_AT && pg_flush(r->io, r->io_timeout_ms) != 0)
        return sql_error_set(err, "08006", "the client stopped reading");
    return 0;
}

static int sink_complete(void *ctx, const char *tag, struct sql_error *err)
{
    struct pg_rows *r = ctx;
    size_t m = pg_msg_begin(&r->io->out, 'C');
    (void)err;
    pg_put_cstr(&r->io->out, tag);
    pg_msg_end(&r->io->out, m);
    return 0;
}

static int sink_empty(void *ctx, struct sql_error *err)
{
    struct pg_rows *r = ctx;
    size_t m = pg_msg_begin(&r->io->out, 'I');
    (void)err;
    pg_msg_end(&r->io->out, m);
    return 0;
}

struct sql_sink pg_rows_sink(struct pg_rows *r)
{
    struct sql_sink s = {r, r->describe ? sink_columns : NULL, sink_row, sink_complete,
                         sink_empty};
    return s;
}
