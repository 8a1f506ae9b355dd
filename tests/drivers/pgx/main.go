// pgxcheck -- runs pgx v5 the way Grafana does (default QueryExecModeCacheStatement) and in
// its other modes against one server, and prints one JSON object per check, so a test can
// run it against lakeward and against PostgreSQL and compare. Usage: pgxcheck DSN [cancel].
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

type result struct {
	Check string `json:"check"`
	Value any    `json:"value,omitempty"`
	Error string `json:"error,omitempty"`
	State string `json:"sqlstate,omitempty"`
}

func emit(check string, value any, err error) {
	r := result{Check: check, Value: value}
	if err != nil {
		r.Error = err.Error()
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			r.State = pe.Code
			r.Error = pe.Message
		}
	}
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
}

// rows returns every row as strings (fmt %v of what pgx decoded), so binary decoding of
// each type is part of what is compared.
func rows(ctx context.Context, c *pgx.Conn, sql string, args ...any) ([][]string, error) {
	rs, err := c.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out [][]string
	for rs.Next() {
		vals, err := rs.Values()
		if err != nil {
			return nil, err
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			row[i] = fmt.Sprintf("%T:%v", v, v)
		}
		out = append(out, row)
	}
	return out, rs.Err()
}

const typesQuery = `select 1::int2, 2::int4, 3000000000::int8, 1.5::float4, 2.25::float8,
	true, 'abc'::text, 'v'::varchar, 'nm'::name, '\x01ff'::bytea, 26::oid,
	'2024-02-29'::date, '12:34:56.789'::time, '2024-02-29 12:34:56.5'::timestamp,
	'2024-02-29 12:34:56.5+00'::timestamptz, '1 year 2 mons 3 days 04:05:06'::interval,
	'-123.4500'::numeric, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid,
	'{"a": 1}'::json, array[1, null, 3]::int4[], array['x', 'y']::text[], null::int8`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: pgxcheck DSN [cancel]")
		os.Exit(2)
	}
	ctx, stop := context.WithTimeout(context.Background(), 60*time.Second)
	defer stop()
	c, err := pgx.Connect(ctx, os.Args[1])
	if err != nil {
		emit("connect", nil, err)
		os.Exit(1)
	}
	defer c.Close(context.Background())
	if len(os.Args) > 2 && os.Args[2] == "cancel" {
		cancelCheck(ctx, c)
		return
	}
	emit("ping", nil, c.Ping(ctx))
	r, err := rows(ctx, c, "select $1::int8 + 1 as n, $2::text as s", 41, "x")
	emit("params", r, err)
	// untyped $1 inferred from the column it meets (pgx encodes by the described OID)
	r, err = rows(ctx, c, "select count(*) from generate_series(1, 10) g where g > $1", 7)
	emit("inferred", r, err)
	r, err = rows(ctx, c, typesQuery)
	emit("types_binary", r, err)
	// the statement cache: the same text again is Bind/Describe P/Execute only
	for i := 0; i < 3; i++ {
		r, err = rows(ctx, c, "select $1::int4 * 2", i)
		emit(fmt.Sprintf("cached_%d", i), r, err)
	}
	for _, m := range []struct {
		name string
		mode pgx.QueryExecMode
	}{
		{"exec", pgx.QueryExecModeExec},
		{"describe_exec", pgx.QueryExecModeDescribeExec},
		{"cache_describe", pgx.QueryExecModeCacheDescribe},
		{"simple_protocol", pgx.QueryExecModeSimpleProtocol},
	} {
		r, err = rows(ctx, c, "select $1::int8 + 1, $2::text, $3::float8", m.mode, 1, "two", 3.5)
		emit("mode_"+m.name, r, err)
	}
	_, err = c.Exec(ctx, "select 1; select 2")
	emit("multi_statement_exec", nil, err)
	_, err = c.Exec(ctx, "-- ping")
	emit("comment_only", nil, err)
	b := &pgx.Batch{}
	b.Queue("select 1::int4")
	b.Queue("select $1::text", "batched")
	b.Queue("select g from generate_series(1, 3) g")
	br := c.SendBatch(ctx, b)
	var one int32
	var txt string
	err1 := br.QueryRow().Scan(&one)
	err2 := br.QueryRow().Scan(&txt)
	var sum int64
	rs, err3 := br.Query()
	if err3 == nil {
		for rs.Next() {
			var g int32
			if err3 = rs.Scan(&g); err3 != nil {
				break
			}
			sum += int64(g)
		}
		rs.Close()
	}
	emit("batch", []any{one, txt, sum}, errors.Join(err1, err2, err3, br.Close()))
	// an error inside a batch, then the connection still works
	b = &pgx.Batch{}
	b.Queue("select 1 / $1::int4", 0)
	b.Queue("select 2")
	err = c.SendBatch(ctx, b).Close()
	emit("batch_error", nil, err)
	tx, err := c.Begin(ctx)
	if err == nil {
		r, err = rows(ctx, c, "select $1::text", "in tx")
		emit("tx_query", r, err)
		err = tx.Commit(ctx)
	}
	emit("tx_commit", nil, err)
	var v int
	err = c.QueryRow(ctx, "select current_setting('server_version_num')::int / 100").Scan(&v)
	emit("server_version", v/100, err)
	emit("close", nil, c.Close(ctx))
}

// cancelCheck: a statement cut off by a context deadline (pgx sends a CancelRequest on a new
// connection) must end with an error quickly, and a new connection must work.
func cancelCheck(ctx context.Context, c *pgx.Conn) {
	short, stop := context.WithTimeout(ctx, 300*time.Millisecond)
	defer stop()
	t0 := time.Now()
	var n int64
	err := c.QueryRow(short, "select count(*) from generate_series(1, 100000) a, generate_series(1, 100000) b").Scan(&n)
	emit("cancel", time.Since(t0) < 20*time.Second, err)
	c2, err := pgx.Connect(ctx, os.Args[1])
	if err == nil {
		var one int
		err = c2.QueryRow(ctx, "select 1").Scan(&one)
		c2.Close(ctx)
	}
	emit("after_cancel", nil, err)
}
