-- CTEs read only as far as needed: a LIMIT over a WITH RECURSIVE that never ends by itself,
-- a CTE read by two readers that stop at different rows, UNION's duplicate removal across
-- rounds under a LIMIT, and a large CTE cut short.
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r LIMIT 7 OFFSET 3
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n * 2 FROM r) SELECT n FROM r WHERE n > 1000 LIMIT 2
WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT n % 5 + 1 FROM r) SELECT n FROM r LIMIT 10
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r LIMIT 1000 OFFSET 997
WITH RECURSIVE r(a, b) AS (SELECT 0::int8, 1::int8 UNION ALL SELECT b, a + b FROM r) SELECT a FROM r LIMIT 12
WITH t AS (SELECT x FROM generate_series(1, 50000000) x) SELECT x FROM t LIMIT 3
WITH t AS MATERIALIZED (SELECT x FROM generate_series(1, 100) x) SELECT (SELECT sum(x) FROM (SELECT x FROM t LIMIT 3) s), (SELECT count(*) FROM t), (SELECT max(x) FROM (SELECT x FROM t LIMIT 5) s)
WITH t AS (SELECT x FROM generate_series(1, 10) x) SELECT a.x, b.x FROM (SELECT x FROM t LIMIT 2) a, (SELECT x FROM t OFFSET 8) b ORDER BY 1, 2
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n, n * n FROM r WHERE n % 3 = 0 LIMIT 3
