-- Common table expressions, recursive ones too.
WITH t AS (SELECT 1 AS a) SELECT a FROM t
WITH t(a) AS (VALUES (1), (2)) SELECT sum(a) FROM t
WITH t AS (SELECT x FROM generate_series(1, 5) x) SELECT x FROM t WHERE x > 3 ORDER BY x
WITH a AS (SELECT 1 AS v), b AS (SELECT v + 1 AS v FROM a) SELECT a.v, b.v FROM a, b
WITH t AS (SELECT x FROM generate_series(1, 3) x) SELECT t1.x, t2.x FROM t t1 JOIN t t2 ON t1.x = t2.x + 1 ORDER BY 1
WITH t AS MATERIALIZED (SELECT 5 AS n) SELECT n * 2 FROM t
WITH t AS NOT MATERIALIZED (SELECT 5 AS n) SELECT n * 3 FROM t
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r ORDER BY n
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100) SELECT sum(n) FROM r
WITH RECURSIVE f(n, fact) AS (SELECT 1, 1::numeric UNION ALL SELECT n + 1, fact * (n + 1) FROM f WHERE n < 10) SELECT n, fact FROM f ORDER BY n
WITH RECURSIVE fib(a, b) AS (SELECT 0::int8, 1::int8 UNION ALL SELECT b, a + b FROM fib WHERE b < 100) SELECT a FROM fib ORDER BY a
WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT (n % 3) + 1 FROM r) SELECT n FROM r ORDER BY n
WITH RECURSIVE tree(id, parent, depth) AS (SELECT 1, NULL::int, 0 UNION ALL SELECT c.id, c.parent, t.depth + 1 FROM (VALUES (2, 1), (3, 1), (4, 2)) c(id, parent) JOIN tree t ON c.parent = t.id) SELECT id, depth FROM tree ORDER BY id
WITH RECURSIVE path(id, p) AS (SELECT 1, '1'::text UNION ALL SELECT c.id, path.p || '>' || c.id FROM (VALUES (2, 1), (3, 2)) c(id, parent) JOIN path ON c.parent = path.id) SELECT p FROM path ORDER BY id
WITH t AS (SELECT x, x % 2 AS g FROM generate_series(1, 6) x) SELECT g, count(*), sum(x) FROM t GROUP BY g ORDER BY g
WITH t AS (SELECT 1 AS a UNION ALL SELECT 2) SELECT a FROM t UNION ALL SELECT a * 10 FROM t ORDER BY 1
WITH t AS (SELECT 'x' AS s) SELECT (SELECT s FROM t) || 'y'
WITH t AS (SELECT x FROM generate_series(1, 4) x) SELECT x FROM t WHERE x IN (SELECT x * 2 FROM t) ORDER BY x
WITH RECURSIVE s(r) AS (SELECT 1 UNION ALL SELECT r + 1 FROM s WHERE r < 3) SELECT r, (current_schemas(false))[1] IS NOT NULL FROM s ORDER BY r
