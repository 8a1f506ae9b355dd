-- Semantics a rewrite gets subtly wrong: type resolution across CASE/COALESCE/VALUES/UNION
-- branches, mixed-type comparisons, NULLs through joins, grouping and set operations,
-- correlated subqueries, and column naming rules.
SELECT pg_typeof(x) FROM (VALUES (1), (2.5)) v(x) LIMIT 1
SELECT x FROM (VALUES (1), (2.5), (NULL)) v(x) ORDER BY x
SELECT x FROM (VALUES (1::int2), (70000)) v(x) ORDER BY x
SELECT x FROM (VALUES ('a'), (NULL), ('b')) v(x) ORDER BY x DESC
SELECT a, b FROM (VALUES (1, 'x'), (NULL, NULL)) v(a, b) ORDER BY a
SELECT pg_typeof(COALESCE(1, 2::int8)), pg_typeof(COALESCE(1.5, 2)), pg_typeof(COALESCE(NULL, 'a'))
SELECT pg_typeof(CASE WHEN true THEN 1 ELSE 2::float4 END), pg_typeof(CASE WHEN true THEN 'a' ELSE 'b' END)
SELECT pg_typeof(GREATEST(1, 2::int8, 3::int2)), pg_typeof(LEAST(1.5, 2::float8))
SELECT pg_typeof(x) FROM (SELECT 1 UNION SELECT 2::int8) s(x) LIMIT 1
SELECT pg_typeof(x) FROM (SELECT 1.5 UNION ALL SELECT 2) s(x) LIMIT 1
SELECT 1 = 1.0, 1 = 1.0::float8, 1.0 = 1.0::float8, 0.1::float4 = 0.1::float8, 0.5::float4 = 0.5::float8
SELECT 2 > 1.5, 2::int8 < 2.5::float4, 3::int2 = 3::int8, 1e0 = 1
SELECT '1' = 1, '1.0'::numeric = 1, '2024-01-01'::date = '2024-01-01 00:00:00'::timestamptz
SELECT '2024-01-01'::date < '2024-01-01 00:00:01'::timestamp, '2024-01-02'::date > '2024-01-01 23:59:59+00'::timestamptz
SELECT 'abc' < 'abcd', 'ab' > 'a', '' < 'a', 'Z' < 'a', 'a' < 'aa'
SELECT 10 / 4, 10 / 4.0, 10::float8 / 4, 10 % 4, -10 / 4, 10 / -4
SELECT 7::int2 / 2::int2, 7::int8 / 2, 7 / 2::int8, pg_typeof(7::int2 / 2::int2)
SELECT 5 + 1.5, 5::int8 + 1.5::float4, pg_typeof(5::int8 + 1.5::float4), pg_typeof(1::int2 + 1.5)
SELECT t.a, u.b FROM (VALUES (1), (NULL)) t(a) LEFT JOIN (VALUES (1, 'one'), (NULL, 'null')) u(k, b) ON t.a = u.k ORDER BY t.a NULLS LAST
SELECT t.a, u.k FROM (VALUES (1), (2)) t(a) FULL JOIN (VALUES (2), (3), (NULL)) u(k) ON t.a = u.k ORDER BY t.a NULLS LAST, u.k NULLS LAST
SELECT count(*), count(u.k) FROM (VALUES (1), (2), (3)) t(a) LEFT JOIN (VALUES (1), (1)) u(k) ON t.a = u.k
SELECT t.a, count(u.k) FROM (VALUES (1), (2), (3)) t(a) LEFT JOIN (VALUES (1), (1), (3)) u(k) ON t.a = u.k GROUP BY t.a ORDER BY t.a
SELECT t.a FROM (VALUES (1), (2), (3)) t(a) LEFT JOIN (VALUES (2)) u(k) ON t.a = u.k WHERE u.k IS NULL ORDER BY 1
SELECT t.a FROM (VALUES (1), (2), (3)) t(a) WHERE t.a NOT IN (SELECT k FROM (VALUES (2), (NULL)) u(k))
SELECT t.a FROM (VALUES (1), (2), (3)) t(a) WHERE NOT EXISTS (SELECT 1 FROM (VALUES (2), (NULL)) u(k) WHERE u.k = t.a) ORDER BY 1
SELECT t.a FROM (VALUES (1), (NULL)) t(a) WHERE t.a IN (SELECT k FROM (VALUES (1), (NULL)) u(k))
SELECT t.a, (SELECT max(k) FROM (VALUES (1), (5), (9)) u(k) WHERE u.k < t.a) FROM (VALUES (0), (6), (10)) t(a) ORDER BY 1
SELECT t.a, (SELECT count(*) FROM (VALUES (1), (5), (9)) u(k) WHERE u.k < t.a) FROM (VALUES (0), (6), (10)) t(a) ORDER BY 1
SELECT t.a FROM (VALUES (1), (6), (10)) t(a) WHERE t.a > (SELECT min(k) FROM (VALUES (5), (9)) u(k) WHERE u.k > t.a - 5) ORDER BY 1
SELECT g, count(*), sum(v), avg(v)::numeric(10,2) FROM (VALUES ('a', 1), ('a', NULL), (NULL, 3), (NULL, NULL)) t(g, v) GROUP BY g ORDER BY g NULLS FIRST
SELECT count(*) FROM (VALUES (1), (1), (NULL), (NULL)) t(a) GROUP BY a ORDER BY 1
SELECT a FROM (VALUES (1), (NULL)) t(a) UNION SELECT NULL::int ORDER BY 1 NULLS FIRST
SELECT a FROM (VALUES (1), (NULL), (NULL)) t(a) INTERSECT ALL SELECT NULL::int
SELECT a FROM (VALUES (1), (NULL), (NULL)) t(a) EXCEPT ALL SELECT NULL::int ORDER BY 1
SELECT DISTINCT ON (a) a, b FROM (VALUES (NULL::int, 1), (NULL, 2), (1, 3)) t(a, b) ORDER BY a NULLS FIRST, b DESC
SELECT x + 1 AS x FROM generate_series(1, 3) x ORDER BY x
SELECT x AS y, x + 1 AS x FROM generate_series(1, 3) x ORDER BY x DESC
SELECT -x AS x FROM generate_series(1, 3) x WHERE x > 1 ORDER BY x
SELECT x FROM generate_series(1, 5) x ORDER BY x % 2 DESC, x DESC
SELECT x % 3, count(*) FROM generate_series(1, 9) x GROUP BY x % 3 HAVING x % 3 > 0 ORDER BY 1
SELECT 1 AS a, 2 AS a
SELECT * FROM (SELECT 1 AS a, 2 AS b) s, (SELECT 3 AS c) t
SELECT s.* FROM (SELECT 1 AS a, 'x' AS b) s
SELECT t.*, u.* FROM (VALUES (1)) t(a) CROSS JOIN (VALUES ('z')) u
SELECT column1, column2 FROM (VALUES (1, 'a'), (2, 'b')) v ORDER BY column1
SELECT * FROM (VALUES (1, 'a')) AS v
SELECT count(*) AS "COUNT", sum(1) AS "Sum Of Ones", min(1) "m" FROM generate_series(1, 3)
SELECT "x" FROM (SELECT 1 AS "x") s
SELECT "X" FROM (SELECT 1 AS "X") s
SELECT X FROM (SELECT 1 AS x) s
SELECT upper('a') AS "Upper", lower('B') lower_b, 1 + 1 AS "1+1"
SELECT CAST(1 AS int8) + CAST('2' AS int4), CAST(NULL AS text) IS NULL, int4 '7' + int8 '3'
SELECT '{1,2}'::int[] = ARRAY[1, 2], ARRAY[1, NULL] IS NOT NULL, ARRAY[NULL]::int[] = ARRAY[NULL]::int[]
SELECT 'x' = ANY ('{x,y}'::text[]), 3 = ANY ('{1,2}'::int[]), NULL::int = ANY ('{1}'::int[])
SELECT x FROM generate_series(1, 10) x WHERE x BETWEEN 3 AND 5 OR x IN (8, 9) ORDER BY x
SELECT x FROM generate_series(1, 10) x WHERE NOT (x < 3 OR x > 8) AND x <> 5 ORDER BY x
SELECT x FROM generate_series(1, 6) x WHERE (x > 2) = (x < 5) ORDER BY x
SELECT x, x > 2 AND x < 5 AS mid, (x > 2) IS TRUE FROM generate_series(1, 6) x ORDER BY x
SELECT sum(x) FILTER (WHERE x > 2) OVER () FROM generate_series(1, 3) x
SELECT count(*) FROM generate_series(1, 3) a, generate_series(1, 3) b WHERE a.a < b.b
SELECT x FROM (SELECT x FROM generate_series(1, 10) x ORDER BY x DESC LIMIT 5) s ORDER BY x LIMIT 2
SELECT max(x) FROM (SELECT x FROM generate_series(1, 10) x ORDER BY x LIMIT 3 OFFSET 2) s
SELECT NULL::int + (x / x), NULL::int % x FROM (VALUES (0), (1)) v(x)
-- Strict calls with a NULL constant fold to NULL, but constant computations in them are folded (and fail) first:
SELECT NULL::int + 1/0
SELECT upper(NULL) || (x / 0)::text, length(NULL::text || (x / 0)::text) FROM (VALUES (1), (2)) v(x)
SELECT NULL::int * (x + 1/0) FROM (VALUES (1), (2)) v(x)
SELECT abs(NULL::int) + x / (x - 1), coalesce(NULL::int + x / 0, -1) FROM (VALUES (1), (2)) v(x) WHERE x > 1
