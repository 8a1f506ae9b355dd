/* pg_rows.h -- result rows on the wire, shared by the simple and the extended query protocol:
 * RowDescription, DataRow in text or binary format per column, CommandComplete and
 * EmptyQueryResponse, as a struct sql_sink the engine writes into. */
#ifndef PG_ROWS_H
#define PG_ROWS_H

#include "../sql/sql_exec.h"
#include "pg_wire.h"

#define PG_MAX_COLUMNS 1664         /* Postgres's MaxTupleAttributeNumber */
#define PG_FORMAT_TEXT 0
#define PG_FORMAT_BINARY 1

/* The state of one statement's output. io->out is flushed every ~64 KiB of rows. */
struct pg_rows {
    struct pg_io *io;
    int io_timeout_ms;
    size_t out_max;                 /* for the "row too large" message */
    bool describe;                  /* sink->columns writes RowDescription (simple protocol) */
    int ncols;
    uint32_t oids[PG_MAX_COLUMNS];
    int16_t formats[PG_MAX_COLUMNS];
};

void pg_rows_init(struct pg_rows *r, struct pg_io *io, int io_timeout_ms, size_t out_max);

/* Sets the columns rows will have and their formats: nfmt 0 (all text), 1 (all the same)
 * or n (one each), as Bind's result-format codes. Errors: 08P01 for a bad count or code,
 * 54011 past PG_MAX_COLUMNS, 0A000 for a binary format of a type without binary output. */
int pg_rows_set_columns(struct pg_rows *r, int n, const struct sql_result_col *cols, int nfmt,
                        const int16_t *fmts, struct sql_error *err) LW_MUSTCHECK;

/* Appends RowDescription for the columns set by pg_rows_set_columns (formats included);
 * with formats_known false (Describe of a statement) every format is sent as text (0). */
int pg_rows_put_description(struct pg_rows *r, int n, const struct sql_result_col *cols,
                            bool formats_known, struct sql_error *err) LW_MUSTCHECK;

/* The sink: ctx must be a struct pg_rows. columns (used when r->describe) sets text formats
 * and writes RowDescription; row writes DataRow; complete CommandComplete; empty
 * EmptyQueryResponse. */
struct sql_sink pg_rows_sink(struct pg_rows *r);

#endif
