-- Subqueries: scalar, IN / NOT IN, EXISTS / NOT EXISTS, ANY/ALL, correlated, derived tables.
SELECT (SELECT 1)
SELECT (SELECT max(x) FROM generate_series(1, 5) x)
SELECT (SELECT x FROM generate_series(1, 0) x)
SELECT (SELECT 'a') || (SELECT 'b')
SELECT x FROM generate_series(1, 5) x WHERE x IN (SELECT y * 2 FROM generate_series(1, 3) y) ORDER BY x
SELECT x FROM generate_series(1, 5) x WHERE x NOT IN (SELECT y * 2 FROM generate_series(1, 3) y) ORDER BY x
SELECT x FROM generate_series(1, 3) x WHERE x NOT IN (SELECT NULL::int)
SELECT x FROM generate_series(1, 3) x WHERE x IN (SELECT NULL::int UNION SELECT 2)
SELECT x FROM generate_series(1, 5) x WHERE EXISTS (SELECT 1 FROM generate_series(1, 3) y WHERE y = x) ORDER BY x
SELECT x FROM generate_series(1, 5) x WHERE NOT EXISTS (SELECT 1 FROM generate_series(1, 3) y WHERE y = x) ORDER BY x
SELECT EXISTS (SELECT 1), EXISTS (SELECT 1 WHERE false)
SELECT x, (SELECT count(*) FROM generate_series(1, x) y) FROM generate_series(1, 4) x ORDER BY x
SELECT x, (SELECT y FROM generate_series(1, 10) y WHERE y > x ORDER BY y LIMIT 1) AS nxt FROM generate_series(1, 3) x ORDER BY x
SELECT x FROM generate_series(1, 6) x WHERE x > (SELECT avg(y) FROM generate_series(1, 6) y) ORDER BY x
SELECT x FROM generate_series(1, 6) x WHERE x > ALL (SELECT y FROM generate_series(1, 4) y) ORDER BY x
SELECT x FROM generate_series(1, 6) x WHERE x = ANY (SELECT y * 3 FROM generate_series(1, 4) y) ORDER BY x
SELECT x FROM generate_series(1, 6) x WHERE x < SOME (SELECT 3) ORDER BY x
SELECT s.x FROM (SELECT x FROM generate_series(1, 5) x WHERE x > 2) s ORDER BY s.x
SELECT * FROM (SELECT x, x * x AS sq FROM generate_series(1, 3) x) s WHERE sq > 1 ORDER BY x
SELECT avg(c) FROM (SELECT x % 3 AS k, count(*) AS c FROM generate_series(1, 10) x GROUP BY 1) s
SELECT t.a FROM (VALUES (1, 'x'), (2, 'y')) t(a, b) WHERE t.b IN (SELECT 'y')
SELECT x, EXISTS (SELECT 1 FROM generate_series(1, 3) y WHERE y = x * 2) FROM generate_series(1, 3) x ORDER BY x
SELECT x FROM generate_series(1, 5) x WHERE (x, x * 2) IN (SELECT y, y * 2 FROM generate_series(2, 3) y) ORDER BY x
SELECT ARRAY(SELECT y FROM generate_series(1, x) y ORDER BY y) FROM generate_series(1, 3) x ORDER BY x
SELECT (SELECT string_agg(s, ',' ORDER BY s) FROM (VALUES ('b'), ('a')) v(s))
SELECT x FROM generate_series(1, 10) x WHERE x % 2 = 0 AND x IN (SELECT y FROM generate_series(4, 8) y) ORDER BY x DESC
SELECT count(*) FROM generate_series(1, 100) x WHERE x IN (SELECT y * y FROM generate_series(1, 10) y)
SELECT k, (SELECT max(v) FROM (VALUES ('a', 1), ('a', 5), ('b', 2)) t(k2, v) WHERE t.k2 = o.k) FROM (VALUES ('a'), ('b'), ('c')) o(k) ORDER BY k
SELECT x FROM generate_series(1, 4) x WHERE (SELECT count(*) FROM generate_series(1, x) y WHERE y % 2 = 0) = 1 ORDER BY x
SELECT * FROM (SELECT * FROM (SELECT 1 AS a) s1) s2
