-- lakeward.decisions (four decisions, copied row by row into PostgreSQL's table by conftest.py).
SELECT * FROM lakeward.decisions ORDER BY time
SELECT * FROM lakeward.decisions WHERE false
SELECT * FROM decisions ORDER BY decision_id
SELECT count(*) FROM lakeward.decisions
SELECT user_name, operation, endpoint, allowed, items, allowed_items FROM lakeward.decisions ORDER BY time
SELECT user_name FROM lakeward.decisions WHERE allowed = false
SELECT user_name FROM lakeward.decisions WHERE allowed AND items >= 2
SELECT user_name FROM lakeward.decisions WHERE query_id IS NOT NULL
SELECT user_name FROM lakeward.decisions WHERE query_id IS NULL ORDER BY time DESC
SELECT d.user_name AS who FROM lakeward.decisions d ORDER BY who DESC, d.time OFFSET 1
SELECT operation, user_name FROM lakeward.decisions ORDER BY 2, time LIMIT 2
SELECT user_name FROM lakeward.decisions WHERE endpoint = 'batch' AND operation = 'FilterCatalogs' ORDER BY time DESC LIMIT 1
SELECT user_name FROM lakeward.decisions WHERE user_name = 'nobody'
SELECT user_name FROM lakeward.decisions WHERE user_name IN ('bob', 'carol') ORDER BY 1
SELECT user_name FROM lakeward.decisions WHERE user_name LIKE '%o%' ORDER BY 1
SELECT user_name FROM lakeward.decisions WHERE time > '2000-01-01T00:00:00Z' AND time < '2100-01-01' ORDER BY time
SELECT user_name, count(*) FROM lakeward.decisions GROUP BY user_name ORDER BY user_name
SELECT endpoint, count(*), sum(items), bool_or(allowed) FROM lakeward.decisions GROUP BY endpoint ORDER BY endpoint
SELECT operation, count(*) FILTER (WHERE allowed) AS allowed, count(*) FILTER (WHERE NOT allowed) AS denied FROM lakeward.decisions GROUP BY operation ORDER BY operation
SELECT count(DISTINCT user_name) FROM lakeward.decisions
SELECT DISTINCT operation FROM lakeward.decisions ORDER BY 1
SELECT max(time) = min(time), max(items) FROM lakeward.decisions
SELECT user_name, row_number() OVER (ORDER BY time) FROM lakeward.decisions ORDER BY time
SELECT user_name, count(*) OVER (PARTITION BY user_name) FROM lakeward.decisions ORDER BY time
SELECT a.user_name, b.user_name FROM lakeward.decisions a JOIN lakeward.decisions b ON a.operation = b.operation AND a.time < b.time ORDER BY a.time, b.time
SELECT d.user_name, g FROM lakeward.decisions d CROSS JOIN generate_series(1, 2) g ORDER BY d.time, g
SELECT user_name FROM lakeward.decisions WHERE user_name IN (SELECT 'alice' UNION SELECT 'carol') ORDER BY time
SELECT user_name FROM lakeward.decisions WHERE EXISTS (SELECT 1 WHERE allowed) ORDER BY time
SELECT (SELECT count(*) FROM lakeward.decisions) AS n
SELECT floor(extract(epoch from time)/300)*300 AS "time", count(*) AS "value", user_name AS metric FROM lakeward.decisions WHERE time BETWEEN '2000-01-01T00:00:00Z' AND '2100-01-01T00:00:00Z' GROUP BY 1, user_name ORDER BY 1, 3
SELECT time AS "time", latency_ms FROM lakeward.decisions ORDER BY 1
SELECT record ->> 'user' AS u, record -> 'decision_id' IS NOT NULL FROM lakeward.decisions ORDER BY time
SELECT json_typeof(record) FROM lakeward.decisions ORDER BY time
SELECT user_name || ':' || operation FROM lakeward.decisions ORDER BY time
SELECT upper(user_name), length(decision_id), items * 10 + allowed_items FROM lakeward.decisions ORDER BY time
SELECT CASE WHEN allowed THEN 'allow' ELSE 'deny' END, coalesce(query_id, '-') FROM lakeward.decisions ORDER BY time
SELECT user_name FROM lakeward.decisions UNION SELECT 'dave' ORDER BY 1
SELECT lakekeeper_calls, cache_hits, latency_ms >= 0 FROM lakeward.decisions ORDER BY time
SELECT nosuchcolumn FROM lakeward.decisions
SELECT decisions.user_name FROM lakeward.decisions ORDER BY decisions.time
SELECT time::date > '2000-01-01'::date, date_trunc('year', time) >= '2026-01-01' FROM lakeward.decisions ORDER BY time
SELECT user_name FROM lakeward.decisions WHERE user_name = 'nobody' ORDER BY time
