// grafanacheck -- runs dashboard panel queries the way Grafana's PostgreSQL data source (pgx v5)
// does, and prints one JSON object per query so tests/helm/test_dashboard.py can check the
// result shape. Per query: the pool's health ping (`-- ping`), the panel query as Grafana sends
// it (simple protocol: PgConn().Exec, text results), and the same SQL through pgx's default
// mode (QueryExecModeCacheStatement: Parse/Describe/Bind/Execute, binary where pgx can).
// Usage: grafanacheck DSN < queries.json   (queries.json: [{"name": ..., "sql": ...}, ...])
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
)

type query struct {
	Name string `json:"name"`
	SQL  string `json:"sql"`
}

type column struct {
	Name string `json:"name"`
	OID  uint32 `json:"oid"`
}

type result struct {
	Columns []column   `json:"columns"`
	Rows    [][]string `json:"rows"`
	Error   string     `json:"error,omitempty"`
}

type report struct {
	Name     string `json:"name"`
	Ping     string `json:"ping"` // "ok" or the error
	Simple   result `json:"simple"`
	Extended result `json:"extended"`
}

// simple: what sqleng's query path does -- one Query message, all results read, the first
// one with columns used.
func simple(ctx context.Context, c *pgx.Conn, sql string) result {
	var r result
	results, err := c.PgConn().Exec(ctx, sql).ReadAll()
	if err != nil {
		r.Error = err.Error()
		return r
	}
	for _, res := range results {
		if len(res.FieldDescriptions) == 0 {
			continue
		}
		for _, f := range res.FieldDescriptions {
			r.Columns = append(r.Columns, column{f.Name, f.DataTypeOID})
		}
		for _, row := range res.Rows {
			out := make([]string, len(row))
			for i, v := range row {
				if v == nil {
					out[i] = "\x00NULL"
				} else {
					out[i] = string(v)
				}
			}
			r.Rows = append(r.Rows, out)
		}
		break
	}
	return r
}

// extended: pgx's default mode, values decoded by pgx's type map (%T:%v each).
func extended(ctx context.Context, c *pgx.Conn, sql string) result {
	var r result
	rows, err := c.Query(ctx, sql)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer rows.Close()
	for _, f := range rows.FieldDescriptions() {
		r.Columns = append(r.Columns, column{f.Name, f.DataTypeOID})
	}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			r.Error = err.Error()
			return r
		}
		out := make([]string, len(vals))
		for i, v := range vals {
			out[i] = fmt.Sprintf("%T:%v", v, v)
		}
		r.Rows = append(r.Rows, out)
	}
	if err := rows.Err(); err != nil {
		r.Error = err.Error()
	}
	return r
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: grafanacheck DSN < queries.json")
		os.Exit(2)
	}
	var qs []query
	if err := json.NewDecoder(os.Stdin).Decode(&qs); err != nil {
		fmt.Fprintln(os.Stderr, "grafanacheck: queries:", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "grafanacheck: connect:", err)
		os.Exit(1)
	}
	defer c.Close(ctx)
	enc := json.NewEncoder(os.Stdout)
	for _, q := range qs {
		rep := report{Name: q.Name, Ping: "ok"}
		if err := c.Ping(ctx); err != nil {
			rep.Ping = err.Error()
		}
		rep.Simple = simple(ctx, c, q.SQL)
		rep.Extended = extended(ctx, c, q.SQL)
		if err := enc.Encode(rep); err != nil {
			os.Exit(1)
		}
	}
}
