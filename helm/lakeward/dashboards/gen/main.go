// gen -- writes lakeward's Grafana dashboard (../lakeward.json) with Grafana's foundation SDK
// (Apache-2.0), so the dashboard is code: `go run . > ../lakeward.json` (see docs/grafana.md;
// tests/helm/test_dashboard.py checks the committed file is this program's output). Each
// panel's SQL is written for lakeward's SQL engine and Grafana's PostgreSQL data source macros.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

const dsType = "grafana-postgresql-datasource"

// sqlQuery is a query of Grafana's PostgreSQL data source (the SDK ships no type for it).
type sqlQuery struct {
	RefId      string               `json:"refId"`
	Datasource common.DataSourceRef `json:"datasource"`
	EditorMode string               `json:"editorMode"`
	Format     string               `json:"format"`
	RawQuery   bool                 `json:"rawQuery"`
	RawSql     string               `json:"rawSql"`
}

func (q sqlQuery) ImplementsDataqueryVariant() {}
func (q sqlQuery) DataqueryType() string       { return dsType }
func (q sqlQuery) Validate() error             { return nil }
func (q sqlQuery) Equals(o variants.Dataquery) bool {
	other, ok := o.(sqlQuery)
	return ok && other.RawSql == q.RawSql && other.Format == q.Format && other.RefId == q.RefId
}

type sqlQueryBuilder struct{ q sqlQuery }

var _ cog.Builder[variants.Dataquery] = (*sqlQueryBuilder)(nil)

func (b *sqlQueryBuilder) Build() (variants.Dataquery, error) { return b.q, nil }

func ds() common.DataSourceRef {
	t, uid := dsType, "${datasource}"
	return common.DataSourceRef{Type: &t, Uid: &uid}
}

func query(format, sql string) *sqlQueryBuilder {
	return &sqlQueryBuilder{sqlQuery{RefId: "A", Datasource: ds(), EditorMode: "code",
		Format: format, RawQuery: true, RawSql: sql}}
}

// A one-minute bucket of the decision time, as a timestamp Grafana takes for the time column.
// date_trunc rather than $__timeGroupAlias(time, '1m'): the macro expands to
// floor(extract(epoch from time)/60)*60, numeric arithmetic on every row (extract answers
// numeric since PostgreSQL 14), which cost lakeward's engine more than the rest of a panel.
const bucket = "date_trunc('minute', time) AS \"time\""

// The object a single-resource decision was about (allow endpoint): catalog[.schema[.table]].
const object = "concat_ws('.', coalesce(r->'table'->>'catalogName', r->'schema'->>'catalogName', " +
	"r->'catalog'->>'name'), coalesce(r->'table'->>'schemaName', r->'schema'->>'schemaName'), " +
	"r->'table'->>'tableName')"

// How a panel draws its query: a time series, a table, or a stat (one value that exists only
// "now", such as the current number of grants, which has no history to plot).
type kind int

const (
	timeSeries kind = iota
	tablePanel
	statPanel
)

type panel struct {
	title, description, format, unit, sql string
	kind                                  kind
	redFrom                               float64 // a stat turns red from this value; 0: no threshold
}

// The panels, in dashboard order (two per row).
var panels = []panel{
	{title: "Decisions per second by result",
		description: "How many authorization decisions Trino asked lakeward for, allowed and denied.",
		format:      "time_series", unit: "reqps",
		sql: "SELECT " + bucket + ",\n  CASE WHEN allowed THEN 'allowed' ELSE 'denied' END AS metric,\n" +
			"  count(*) / 60.0 AS value\nFROM decisions\nWHERE $__timeFilter(time)\n" +
			"GROUP BY 1, 2\nORDER BY 1"},
	{title: "Denials by user",
		description: "Which users are being denied, per minute.",
		format:      "time_series", unit: "short",
		sql: "SELECT " + bucket + ", user_name AS metric, count(*) AS value\nFROM decisions\n" +
			"WHERE $__timeFilter(time) AND NOT allowed\nGROUP BY 1, 2\nORDER BY 1"},
	{title: "Denials by table",
		description: "Denied decisions about tables (and their columns) per minute, by table.",
		format:      "time_series", unit: "short",
		sql: "SELECT \"time\", metric, count(*) AS value\nFROM (SELECT " + bucket + ",\n" +
			"    concat_ws('.', r->'table'->>'catalogName', r->'table'->>'schemaName', r->'table'->>'tableName') AS metric\n" +
			"  FROM (SELECT time, record->'resources'->0 AS r FROM decisions\n" +
			"        WHERE $__timeFilter(time) AND NOT allowed AND endpoint = 'allow') d\n" +
			"  WHERE r->'table' IS NOT NULL) t\nGROUP BY 1, 2\nORDER BY 1"},
	{title: "Top denied objects", kind: tablePanel,
		description: "The catalogs, schemas and tables denied most often in the range, with the operation, how many users were denied and when last.",
		format:      "table",
		sql: "SELECT " + object + " AS object, operation,\n  count(*) AS denials, count(DISTINCT user_name) AS users,\n" +
			"  max(time) AS last_denied\nFROM (SELECT time, operation, user_name, record->'resources'->0 AS r FROM decisions\n" +
			"      WHERE $__timeFilter(time) AND NOT allowed AND endpoint = 'allow') d\n" +
			"GROUP BY 1, 2\nORDER BY denials DESC, object\nLIMIT 20"},
	{title: "Decision latency percentiles",
		description: "p50, p95 and p99 of the time lakeward took to answer Trino, per minute (interpolated, as PostgreSQL's percentile_cont).",
		format:      "time_series", unit: "ms",
		sql: "SELECT " + bucket + ",\n" +
			"  percentile_cont(0.50) WITHIN GROUP (ORDER BY latency_ms) AS p50,\n" +
			"  percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,\n" +
			"  percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99\n" +
			"FROM decisions\nWHERE $__timeFilter(time)\nGROUP BY 1\nORDER BY 1"},
	{title: "Lakekeeper calls and cache hit ratio",
		description: "Upstream Lakekeeper calls per minute, and the share of checks lakeward answered from its caches.",
		format:      "time_series", unit: "short",
		sql: "SELECT " + bucket + ",\n  sum(lakekeeper_calls) AS lakekeeper_calls,\n" +
			"  sum(cache_hits)::float8 / greatest(sum(items), 1) AS cache_hit_ratio\n" +
			"FROM decisions\nWHERE $__timeFilter(time)\nGROUP BY 1\nORDER BY 1"},
	{title: "Denied accesses by query", kind: tablePanel,
		description: "The newest Trino queries with a denied object (lakeward.access_history): who, which object and columns, through which operations.",
		format:      "table",
		sql: "SELECT last_time AS \"time\", user_name, object_type, object_name,\n" +
			"  array_to_string(columns_denied, ', ') AS columns_denied,\n" +
			"  array_to_string(operations, ', ') AS operations, denied_requests, query_key\n" +
			"FROM access_history\nWHERE $__timeFilter(first_time) AND NOT allowed\n" +
			"ORDER BY 1 DESC, object_name\nLIMIT 50"},
	// grant_history holds the mirror's change-log window (docs/sql-tables.md); sum(CASE) rather
	// than one row per operation so a minute with only grants still draws revokes as 0.
	{title: "Grant changes",
		description: "Grants and revokes written to OpenFGA per minute (lakeward.grant_history: Lakekeeper's assignments, as the OpenFGA mirror read them).",
		format:      "time_series", unit: "short",
		sql: "SELECT date_trunc('minute', changed_at) AS \"time\",\n" +
			"  sum(CASE WHEN operation = 'grant' THEN 1 ELSE 0 END) AS grants,\n" +
			"  sum(CASE WHEN operation = 'revoke' THEN 1 ELSE 0 END) AS revokes\n" +
			"FROM grant_history\nWHERE $__timeFilter(changed_at)\nGROUP BY 1\nORDER BY 1"},
	{title: "Grants now", kind: statPanel,
		description: "Direct grants OpenFGA holds now (lakeward.grants), of all principals and of roles.",
		format:      "table", unit: "short",
		sql: "SELECT count(*) AS grants,\n  sum(CASE WHEN principal_type = 'role' THEN 1 ELSE 0 END) AS role_grants\n" +
			"FROM grants"},
	// lag_ms exists only now (the mirror keeps no history of it): a stat, red from a minute
	// (the mirror syncs every second by default, so a minute means its syncs are failing).
	{title: "Mirror lag", kind: statPanel, redFrom: 60,
		description: "How old lakeward's copy of OpenFGA may be: now minus the OpenFGA mirror's last successful sync (lakeward.lakeward_state, administrators only).",
		format:      "table", unit: "s",
		sql: "SELECT value::float8 / 1000 AS lag_seconds\nFROM lakeward_state\n" +
			"WHERE component = 'fga_mirror' AND name = 'lag_ms'"},
}

func build() (dashboard.Dashboard, error) {
	b := dashboard.NewDashboardBuilder("lakeward").
		Uid("lakeward").
		Description("Trino authorization decisions made by lakeward (docs/grafana.md)").
		Tags([]string{"lakeward", "trino", "lakekeeper"}).
		Refresh("30s").
		Time("now-1h", "now").
		Timezone(common.TimeZoneUtc).
		WithVariable(dashboard.NewDatasourceVariableBuilder("datasource").
			Label("lakeward data source").
			Type(dsType))
	for i, p := range panels {
		pos := dashboard.GridPos{H: 8, W: 12, X: uint32(i%2) * 12, Y: uint32(i/2) * 8}
		switch p.kind {
		case tablePanel:
			b = b.WithPanel(table.NewPanelBuilder().Id(uint32(i + 1)).Title(p.title).
				Description(p.description).Datasource(ds()).GridPos(pos).
				WithTarget(query(p.format, p.sql)))
			continue
		case statPanel:
			sp := stat.NewPanelBuilder().Id(uint32(i + 1)).Title(p.title).
				Description(p.description).Datasource(ds()).GridPos(pos).Unit(p.unit).
				GraphMode(common.BigValueGraphModeNone).
				ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"})).
				WithTarget(query(p.format, p.sql))
			if p.redFrom > 0 {
				red := p.redFrom
				sp = sp.Thresholds(dashboard.NewThresholdsConfigBuilder().
					Mode(dashboard.ThresholdsModeAbsolute).
					Steps([]dashboard.Threshold{{Color: "green"}, {Value: &red, Color: "red"}}))
			}
			b = b.WithPanel(sp)
			continue
		}
		b = b.WithPanel(timeseries.NewPanelBuilder().Id(uint32(i + 1)).Title(p.title).
			Description(p.description).Datasource(ds()).GridPos(pos).Unit(p.unit).
			WithTarget(query(p.format, p.sql)))
	}
	return b.Build()
}

func main() {
	d, err := build()
	if err == nil {
		var out []byte
		if out, err = json.MarshalIndent(d, "", "  "); err == nil {
			fmt.Println(string(out))
			return
		}
	}
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
