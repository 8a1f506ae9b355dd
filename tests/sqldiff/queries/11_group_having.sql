-- GROUP BY and HAVING.
SELECT x % 3 AS r, count(*) FROM generate_series(1, 10) x GROUP BY x % 3 ORDER BY r
SELECT x % 3, count(*) FROM generate_series(1, 10) x GROUP BY 1 ORDER BY 1
SELECT x % 3 AS r, sum(x) FROM generate_series(1, 10) x GROUP BY r ORDER BY r
SELECT x % 2 = 0 AS even, count(*) FROM generate_series(1, 9) x GROUP BY even ORDER BY even
SELECT s, count(*) FROM (VALUES ('a'), ('b'), ('a'), (NULL), (NULL)) v(s) GROUP BY s
SELECT s, count(*) FROM (VALUES ('a'), ('b'), ('a')) v(s) GROUP BY s HAVING count(*) > 1
SELECT s, sum(n) FROM (VALUES ('a', 1), ('b', 2), ('a', 3)) v(s, n) GROUP BY s ORDER BY sum(n) DESC
SELECT a, b, count(*) FROM (VALUES (1, 'x'), (1, 'y'), (1, 'x'), (2, 'x')) v(a, b) GROUP BY a, b ORDER BY a, b
SELECT a, count(DISTINCT b) FROM (VALUES (1, 'x'), (1, 'y'), (1, 'x'), (2, 'x')) v(a, b) GROUP BY a ORDER BY a
SELECT count(*) FROM generate_series(1, 10) x HAVING count(*) > 5
SELECT count(*) FROM generate_series(1, 10) x HAVING count(*) > 50
SELECT 1 FROM generate_series(1, 3) HAVING true
SELECT x % 4 AS k, max(x) FROM generate_series(1, 20) x GROUP BY k HAVING max(x) > 18 ORDER BY k
SELECT x % 4 AS k FROM generate_series(1, 20) x GROUP BY k HAVING sum(x) FILTER (WHERE x > 10) > 30 ORDER BY k
SELECT upper(s), count(*) FROM (VALUES ('a'), ('A'), ('b')) v(s) GROUP BY upper(s) ORDER BY 1
SELECT length(s) AS l, string_agg(s, ',' ORDER BY s) FROM (VALUES ('ab'), ('c'), ('de'), ('f')) v(s) GROUP BY l ORDER BY l
SELECT a, sum(b) FROM (VALUES (1, 10), (2, 20), (1, 30)) v(a, b) GROUP BY a HAVING sum(b) >= 20 ORDER BY a
SELECT a, b FROM (VALUES (1, 2), (1, 2), (3, 4)) v(a, b) GROUP BY a, b ORDER BY a
SELECT a, avg(b)::float8 FROM (VALUES (1, 1), (1, 2), (2, 5)) v(a, b) GROUP BY a ORDER BY a
SELECT d, count(*) FROM (VALUES ('2024-01-01'::date), ('2024-01-01'), ('2024-01-02')) v(d) GROUP BY d ORDER BY d
SELECT date_trunc('hour', t) AS h, count(*) FROM generate_series('2024-01-01 00:00'::timestamp, '2024-01-01 02:30', '30 minutes') t GROUP BY h ORDER BY h
SELECT x % 2, x % 3, count(*) FROM generate_series(1, 12) x GROUP BY ROLLUP (x % 2, x % 3) ORDER BY 1, 2
SELECT x % 2 AS a, count(*) FROM generate_series(1, 6) x GROUP BY CUBE (x % 2) ORDER BY a NULLS FIRST
SELECT x % 2 AS a, x % 3 AS b, count(*) FROM generate_series(1, 6) x GROUP BY GROUPING SETS ((x % 2), (x % 3)) ORDER BY a, b
SELECT s, count(*) FROM (VALUES ('a'), ('b')) v(s) GROUP BY s HAVING s > 'a'
SELECT x / 10 * 10 AS bucket, min(x), max(x) FROM generate_series(1, 35) x GROUP BY bucket ORDER BY bucket
SELECT count(*), x > 2 FROM generate_series(1, 5) x GROUP BY x > 2 ORDER BY 2
SELECT a, count(*) FILTER (WHERE b) FROM (VALUES (1, true), (1, false), (2, true)) v(a, b) GROUP BY a ORDER BY a
