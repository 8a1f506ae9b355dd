-- Error cases: the SQLSTATE must match PostgreSQL's.
SELECT 1 / 0
SELECT 1.0 / 0
SELECT 1 % 0
SELECT 1::float8 / 0
SELECT 5 / (2 - 2)
SELECT x / (x - 2) FROM generate_series(1, 3) x
SELECT 'abc'::int
SELECT ''::int
SELECT '1.5'::int
SELECT 'x'::boolean
SELECT 'nope'::uuid
SELECT '{bad'::int[]
SELECT '{'::json
SELECT 'abc'::numeric
SELECT 'a' + 1
SELECT '12abc'::int8
SELECT 'notadate'::date
SELECT '2024-13-01'::date
SELECT '2024-01-01 25:00'::timestamp
SELECT 'bogus'::interval
SELECT 2147483647 + 1
SELECT '99999999999'::int
SELECT 32768::int2
SELECT -9223372036854775808::int8 - 1
SELECT 10::numeric(2,0) * 100
SELECT 1e308::float8 * 10
SELECT nosuchcol
SELECT v.c FROM (VALUES (1)) v(a)
SELECT x FROM (VALUES (1)) v(a)
SELECT 1 AS a ORDER BY b
SELECT * FROM nosuchtable
SELECT * FROM lakeward.nosuchtable
SELECT * FROM nosuchschema.t
SELECT * FROM pg_catalog.nosuchtable
SELECT nosuchfunc(1)
SELECT lower(1)
SELECT 'a'::text + 1
SELECT abs('x'::text)
SELECT sum('a')
SELECT x FROM generate_series(1, 2) a(x), generate_series(1, 2) b(x)
SELECT x FROM generate_series(1, 2) a(x) JOIN generate_series(1, 2) b(x) ON true
SELECT FROM WHERE
SELEC 1
SELECT (1
SELECT 1 +
SELECT 'unterminated
SELECT 1 1
SELECT x, count(*) FROM generate_series(1, 3) x
SELECT sum(sum(1))
SELECT 1 FROM generate_series(1, 2) x WHERE count(*) > 1
SELECT 1 FROM generate_series(1, 2) x WHERE row_number() OVER () > 1
SELECT (SELECT x FROM generate_series(1, 2) x)
SELECT ln(0)
SELECT sqrt(-1)
SELECT log(-1)
SELECT 'a' ~ '('
SELECT 'a' LIKE 'a' ESCAPE 'xx'
SELECT generate_series(1, 10, 0)
SELECT CASE WHEN true THEN 1 ELSE 'a'::text END
SELECT 1 UNION SELECT 'a'::text
SELECT 1, 2 UNION SELECT 1
SELECT true::date
SELECT DISTINCT ON (a) a, b FROM (VALUES (1, 2)) v(a, b) ORDER BY b
SELECT 1 ORDER BY 2
SELECT 1 LIMIT -1
SELECT 1 OFFSET -1
SELECT format('%s %s', 'a')
SELECT to_timestamp('x', 'YYYY')
SELECT ARRAY[1, 2] || ARRAY[[3]]
SELECT (SELECT 1, 2)
SELECT 1 IN (SELECT 1, 2)
SELECT 'a'::regclass
SELECT 'nosuchtype'::regtype
SELECT current_setting('no_such_setting')
SELECT '{"a":1}'::jsonb -> 1 -> 'x' ->> NULL, '[1]'::json ->> 'a', 1::json
SELECT jsonb_array_length('{}')
SELECT repeat('x', 1) FROM generate_series(1, 2) x GROUP BY y
SELECT count(*) OVER (ROWS BETWEEN 1 FOLLOWING AND CURRENT ROW)
SELECT x FROM generate_series(1, 3) x GROUP BY 2
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT count(*) FROM r) SELECT * FROM r
SELECT * FROM generate_series(1, 2) x JOIN generate_series(1, 2) y ON z = 1
SELECT 1::int4 = 'a'::text
SELECT date '2024-01-01' + date '2024-01-02'
SELECT interval '1 day' * interval '1 day'
SELECT array_length(ARRAY[1], 'x')
SELECT ''::jsonb
SELECT substring('abc' from -1 for -1)
SELECT 'x' LIKE
SELECT $1
SELECT '10202444444444444:0'::interval
SELECT interval '99999999999999999999:0'
SELECT interval '1 day 9223372036854775807 hours'
SELECT interval '2562048 hours', interval '2562047:47:16'
SELECT '9999999999 minutes'::interval, '1e10 seconds'::interval
SELECT 'x' ~ 'a++++++++++++++++'
SELECT 'aaa' ~ 'a**'
SELECT 'ab' ~ 'a+?b'
SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 10) x
SELECT percentile_disc(-0.1) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 10) x
SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 0) x
SELECT percentile_cont('NaN') WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x
SELECT percentile_cont(ARRAY[0.5, 2]) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x
SELECT percentile_cont(ARRAY[0.5, 2]) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 0) x
SELECT x % 2, percentile_cont(1.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 0) x GROUP BY 1
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FROM (VALUES ('a'), ('b')) v(s)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x, x) FROM generate_series(1, 3) x
SELECT percentile_cont() WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x
SELECT percentile_cont(0.5, 0.6) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x
SELECT percentile_cont(0.5) FROM generate_series(1, 3) x
SELECT percentile_cont(0.5, x) FROM generate_series(1, 3) x
SELECT mode(x) FROM generate_series(1, 3) x
SELECT count(*) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x
SELECT sum(x) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x
SELECT percentile_cont(x / 10.0) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x
SELECT percentile_cont(sum(x)) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x
SELECT sum(percentile_cont(0.5) WITHIN GROUP (ORDER BY x)) FROM generate_series(1, 3) x
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x WHERE percentile_cont(0.5) WITHIN GROUP (ORDER BY x) > 1
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY j) FROM (VALUES ('{}'::json)) v(j)
SELECT mode() WITHIN GROUP (ORDER BY j) FROM (VALUES ('{}'::json)) v(j)
SELECT percentile_cont('x') WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x
SELECT ARRAY['a', 'b']::int4[]
SELECT ARRAY[100000]::int2[]
WITH a AS (SELECT 1), a AS (SELECT 2) SELECT * FROM a
SELECT x FROM generate_series(1, 3) x LIMIT x
SELECT x FROM generate_series(1, 3) x LIMIT (SELECT x)
SELECT x FROM generate_series(1, 3) x OFFSET x - 1
SELECT x FROM generate_series(1, 3) x LIMIT count(*)
SELECT 1 UNION SELECT 2 LIMIT x
SELECT x, (SELECT string_agg(y::text, ',') FROM (SELECT y FROM generate_series(1, 5) y LIMIT x - 2) s) FROM generate_series(1, 4) x ORDER BY x
SELECT x, (SELECT count(*) FROM generate_series(1, 5) y WHERE EXISTS (SELECT 1 FROM generate_series(1, 5) z WHERE z = y OFFSET x - y)) FROM generate_series(1, 4) x ORDER BY x
SELECT 'infinity'::date - '2020-01-01'::date
SELECT '2020-01-01'::timestamp - '-infinity'::timestamp
SELECT 'infinity'::timestamptz - 'infinity'::timestamptz
SELECT '+infinity'::timestamp
SELECT 'infinity'::time
SELECT s FROM (SELECT 3 AS n) t, generate_series(1, count(*)) s
SELECT s FROM generate_series(1, nosuch) s
-- date and time arithmetic out of range, ambiguous or missing (38_date_arith.sql)
SELECT date '2024-01-01' + 2147483647
SELECT date '2024-01-01' - 2147483647
SELECT 2147483647 + date '2024-01-01'
SELECT date '2024-01-01' + '3'
SELECT date 'infinity' - date '2024-01-01'
SELECT timestamp '2024-01-01' + interval '100000000 days'
SELECT timestamptz '2024-01-01 00:00+00' - interval '2000000 years'
SELECT timestamp '2024-01-01' + interval '178000000 years'
SELECT timestamp '2024-01-01' + interval '290000 years'
SELECT date '2024-01-01' + interval '300000 years'
SELECT 1.5::float8 % 2
SELECT time '10:00' - date '2024-01-01'
SELECT date '2024-01-01' * 2
SELECT format_type(1186, 3)
SELECT 'int4(x)'::regtype
SELECT int4('x')
SELECT timestamp '2024-01-01' - interval '6800 years'
SELECT timestamp '2024-01-01' - interval '2500000 days'
SELECT date '2024-01-01' - 2470000
SELECT date '2024-01-01' + 2147000000
SELECT date '5874898-01-01'
SELECT timestamp '294277-01-01 00:00:00'
SELECT date '12345678-01-01'
SELECT timestamp '294276-12-31 23:59:59' + interval '1 second'
SELECT date 'notadate'
SELECT time '10:61'
SELECT '2024-01-01x'::date
SELECT 128::"char"
SELECT (-129)::"char"
