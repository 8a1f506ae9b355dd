-- WITH names as PostgreSQL resolves them: a CTE is visible in FROM subqueries (plain, in JOIN
-- operands, nested, in set operation branches) and in expression subqueries at any depth;
-- an inner WITH shadows an outer one of the same name and a CTE shadows a table.
WITH t AS (SELECT x FROM generate_series(1, 5) x) SELECT s.x FROM (SELECT x FROM t WHERE x > 2) s ORDER BY 1
WITH t AS (SELECT x FROM generate_series(1, 5) x) SELECT a.x, b.x FROM (SELECT x FROM t WHERE x < 3) a JOIN (SELECT x FROM t WHERE x > 3) b ON b.x - a.x = 3 ORDER BY 1, 2
WITH t AS (SELECT x FROM generate_series(1, 4) x) SELECT count(*), sum(a.x * b.x) FROM (SELECT x FROM t) a CROSS JOIN (SELECT x FROM t) b
WITH t AS (SELECT x FROM generate_series(1, 4) x) SELECT a.x, b.y FROM (SELECT x FROM t) a LEFT JOIN (SELECT x AS y FROM t WHERE x % 2 = 0) b ON a.x = b.y ORDER BY 1
WITH t AS (SELECT x FROM generate_series(1, 6) x) SELECT y FROM (SELECT x AS y FROM (SELECT x FROM (SELECT x FROM t) s1 WHERE x > 1) s2 WHERE x < 6) s3 ORDER BY 1
WITH t AS (SELECT 1 AS v) SELECT v FROM (WITH u AS (SELECT v + 1 AS v FROM t) SELECT v FROM (SELECT v FROM u) s) s2
WITH t AS (SELECT 1 AS v) SELECT v FROM (WITH t AS (SELECT 2 AS v) SELECT v FROM t) s
WITH t AS (SELECT 1 AS v) SELECT (SELECT v FROM t), v FROM (WITH t AS (SELECT 2 AS v) SELECT v FROM (SELECT v FROM t) s1) s2
WITH t AS (SELECT 1 AS v) SELECT v FROM (WITH t AS (SELECT v + 10 AS v FROM t) SELECT v FROM t) s
WITH t AS (SELECT 1 AS v) SELECT a.v, b.v FROM (WITH t AS (SELECT 2 AS v) SELECT v FROM t) a, (SELECT v FROM t) b
WITH decisions AS (SELECT 7 AS n) SELECT n FROM (SELECT n FROM decisions) s
WITH t AS (SELECT x FROM generate_series(1, 3) x) SELECT x FROM (SELECT x FROM t UNION ALL SELECT x * 10 FROM t) s ORDER BY 1
WITH t AS (SELECT x FROM generate_series(1, 3) x) SELECT x FROM (SELECT x FROM (SELECT x FROM t) a EXCEPT SELECT 2) s ORDER BY 1
WITH t AS (SELECT x FROM generate_series(1, 3) x) SELECT x, (SELECT count(*) FROM (SELECT y FROM t AS u(y) WHERE y <= x) s) FROM t ORDER BY 1
WITH t AS (SELECT x FROM generate_series(1, 3) x) SELECT x FROM t WHERE x IN (SELECT y FROM (SELECT x + 1 AS y FROM t) s) ORDER BY 1
WITH t AS (SELECT x FROM generate_series(1, 3) x), u AS (SELECT x * 2 AS x FROM (SELECT x FROM t) s) SELECT x FROM (SELECT x FROM u) s ORDER BY 1
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM (SELECT n FROM r WHERE n % 2 = 1) s ORDER BY 1
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 4) SELECT a.n, b.n FROM (SELECT n FROM r) a JOIN (SELECT n FROM r) b ON a.n + b.n = 5 ORDER BY 1
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT s.n + 1 FROM (SELECT n FROM r) s WHERE s.n < 5) SELECT n FROM r ORDER BY 1
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n * 2 FROM (SELECT n FROM r WHERE n < 100) s) SELECT max(n), count(*) FROM (SELECT n FROM r) s
SELECT v FROM (WITH t AS (SELECT 3 AS v) SELECT v FROM (SELECT v FROM t) a) b
SELECT (WITH t AS (SELECT 4 AS v) SELECT v FROM (SELECT v FROM t) s)
WITH t AS (SELECT x FROM generate_series(1, 3) x) SELECT x FROM (WITH u AS (SELECT x FROM t WHERE x > 1) SELECT x FROM u UNION SELECT x + 5 FROM u) s ORDER BY 1
