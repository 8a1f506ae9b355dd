-- Recursive CTEs (dedup, cycles, several columns, CTEs used twice or referring to each
-- other, LIMIT outside) and LIKE/ILIKE pattern corners (escapes, multibyte, anchors).
WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT n FROM r) SELECT n FROM r
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r LIMIT 5
WITH RECURSIVE r(a, b) AS (SELECT 0, 1 UNION ALL SELECT b, a + b FROM r WHERE b < 50) SELECT a, b FROM r ORDER BY a, b
WITH RECURSIVE r(n, s) AS (SELECT 1, 'x' UNION ALL SELECT n + 1, s || 'x' FROM r WHERE n < 4) SELECT n, s, length(s) FROM r ORDER BY n
WITH RECURSIVE g(src, dst) AS (VALUES (1, 2), (2, 3), (3, 1)), reach(n) AS (SELECT 1 UNION SELECT g.dst FROM reach JOIN g ON g.src = reach.n) SELECT n FROM reach ORDER BY n
WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a), c AS (SELECT y * 10 AS z FROM b) SELECT x, y, z FROM a, b, c
WITH t AS (SELECT x FROM generate_series(1, 3) x) SELECT count(*) FROM t a, t b
WITH t AS (SELECT x FROM generate_series(1, 3) x) SELECT (SELECT max(x) FROM t), (SELECT min(x) FROM t)
WITH RECURSIVE r(n) AS (SELECT 10 UNION ALL SELECT n - 3 FROM r WHERE n > 0) SELECT n FROM r WHERE n % 2 = 0 ORDER BY n DESC
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n * 2 FROM r WHERE n < 1000) SELECT count(*), max(n), sum(n) FROM r
WITH RECURSIVE r(d) AS (SELECT '2024-01-01'::date UNION ALL SELECT d + 7 FROM r WHERE d < '2024-02-01') SELECT d FROM r ORDER BY d
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT r1.n, r2.n FROM r r1 JOIN r r2 ON r1.n = r2.n + 1 ORDER BY 1
WITH x AS (SELECT 1 AS a) SELECT * FROM x WHERE a IN (WITH y AS (SELECT 1 AS b) SELECT b FROM y)
SELECT 'a_b' LIKE 'a\_b', 'axb' LIKE 'a\_b', 'a%b' LIKE 'a\%b', '100%' LIKE '%\%', 'abc' LIKE '%\%'
SELECT 'a\b' LIKE 'a\\b', 'ab' LIKE 'a\b', 'a.b' LIKE 'a.b', 'axb' LIKE 'a.b', 'a*b' LIKE 'a*b'
SELECT 'über' LIKE '_ber', 'über' LIKE 'ü%', 'ÜBER' ILIKE 'über', 'straße' LIKE 'stra_e', '日本' LIKE '_本'
SELECT 'abc' LIKE '%', 'abc' LIKE '%%%', 'abc' LIKE 'a%c%', 'abc' LIKE '%b', 'abc' LIKE '_b_', 'abc' LIKE '___', 'abc' LIKE '____'
SELECT 'line1\nline2' LIKE '%line2', E'a\nb' LIKE 'a_b', E'a\nb' LIKE 'a%b', E'a\nb' ~ 'a.b'
SELECT 'ABC' ILIKE '%b%', 'abc' ILIKE 'A_C', 'aBc' NOT ILIKE '%d%', NULL ILIKE 'a', 'a' ILIKE NULL
SELECT s FROM (VALUES ('pg_class'), ('pgxclass'), ('pg_'), ('PG_CLASS')) v(s) WHERE s LIKE 'pg\_%' ORDER BY s
SELECT s FROM (VALUES ('pg_class'), ('pgxclass'), ('pg_'), ('PG_CLASS')) v(s) WHERE s ILIKE 'PG\_%' ORDER BY s
SELECT s FROM (VALUES ('met'), ('metrics'), ('Metrics'), ('xmetrics')) v(s) WHERE s LIKE 'met%' ORDER BY s
SELECT s ~ '^(metrics)$', s ~ '^(met.*)$', s ~* '^METRICS$' FROM (VALUES ('metrics'), ('metrics_v')) v(s) ORDER BY s
SELECT 'a+b' ~ 'a\+b', 'a+b' ~ 'a+b', 'aab' ~ '^a+b$', 'a|b' ~ 'a\|b', 'b' ~ 'a|b', '(x)' ~ '\(x\)'
SELECT 'foo' ~ '^f(o)\1$', 'Foo' ~ '(?i)foo', 'abc' ~ '[^a-b]', 'ab' ~ '^[[:alpha:]]+$', '12' ~ '^[[:digit:]]{2}$'
