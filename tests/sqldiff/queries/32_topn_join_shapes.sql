-- ORDER BY ... LIMIT (the executor's bounded top-N sort) and hash-join shapes: NULLS FIRST /
-- LAST, DESC, ties (only tied outputs that print the same, or every output in ORDER BY),
-- OFFSET + LIMIT, LIMIT ALL / NULL / an expression / more than the rows, inputs far larger
-- than the limit in every arrival order, LIMIT re-run by a correlated subquery; joins with
-- duplicate and NULL keys, keys that are expressions, several keys, and outer joins.
SELECT x FROM generate_series(1, 20000) x ORDER BY x DESC LIMIT 5
SELECT x FROM generate_series(1, 20000) x ORDER BY x LIMIT 5
SELECT x FROM generate_series(1, 20000) x ORDER BY (x * 7919) % 20011 LIMIT 6
SELECT x % 10 AS k FROM generate_series(1, 5000) x ORDER BY k LIMIT 7
SELECT x % 10 AS k FROM generate_series(1, 5000) x ORDER BY k DESC LIMIT 7 OFFSET 495
SELECT x % 10 AS k, x FROM generate_series(1, 5000) x ORDER BY k DESC, x LIMIT 4 OFFSET 498
SELECT x % 10 AS k, x FROM generate_series(1, 5000) x ORDER BY k, x DESC LIMIT 3 OFFSET 1000
SELECT n FROM (VALUES (3), (NULL), (1), (NULL), (2)) v(n) ORDER BY n LIMIT 4
SELECT n FROM (VALUES (3), (NULL), (1), (NULL), (2)) v(n) ORDER BY n NULLS FIRST LIMIT 3
SELECT n FROM (VALUES (3), (NULL), (1), (NULL), (2)) v(n) ORDER BY n DESC LIMIT 3
SELECT n FROM (VALUES (3), (NULL), (1), (NULL), (2)) v(n) ORDER BY n DESC NULLS LAST LIMIT 2
SELECT n FROM (VALUES (3), (NULL), (1), (NULL), (2)) v(n) ORDER BY n DESC NULLS LAST LIMIT 2 OFFSET 3
SELECT CASE WHEN x % 3 = 0 THEN NULL ELSE x END AS n FROM generate_series(1, 3000) x ORDER BY 1 NULLS FIRST LIMIT 3 OFFSET 998
SELECT CASE WHEN x % 3 = 0 THEN NULL ELSE x END AS n FROM generate_series(1, 3000) x ORDER BY 1 DESC NULLS LAST LIMIT 3
SELECT s FROM (VALUES ('b'), ('ab'), ('a'), (''), ('abc'), ('b')) v(s) ORDER BY s LIMIT 4
SELECT s FROM (VALUES ('b'), ('ab'), ('a'), (''), ('abc'), ('b')) v(s) ORDER BY s DESC LIMIT 3
SELECT 'k' || (x % 50)::text AS s FROM generate_series(1, 4000) x ORDER BY s DESC LIMIT 5
SELECT 'k' || (x % 50)::text AS s, x FROM generate_series(1, 4000) x ORDER BY s, x DESC LIMIT 5
SELECT x FROM generate_series(1, 100) x ORDER BY x DESC LIMIT 3 + 2 OFFSET 1 + 1
SELECT x FROM generate_series(1, 100) x ORDER BY x DESC LIMIT ALL OFFSET 97
SELECT x FROM generate_series(1, 100) x ORDER BY x DESC LIMIT NULL OFFSET 98
SELECT x FROM generate_series(1, 100) x ORDER BY x LIMIT 5 OFFSET NULL
SELECT x FROM generate_series(1, 100) x ORDER BY x LIMIT 500 OFFSET 96
SELECT x FROM generate_series(1, 100) x ORDER BY x LIMIT 1 OFFSET 100
SELECT x FROM generate_series(1, 100) x ORDER BY x LIMIT 9223372036854775807 OFFSET 97
SELECT x FROM generate_series(1, 100) x ORDER BY x LIMIT 2 OFFSET 9223372036854775807
SELECT x FROM generate_series(1, 100) x ORDER BY x LIMIT (SELECT 3) OFFSET (SELECT 95)
SELECT x FROM generate_series(1, 100) x ORDER BY x FETCH FIRST 3 ROWS ONLY
SELECT x, (SELECT max(y) FROM (SELECT y FROM generate_series(1, x * 10) y ORDER BY y DESC LIMIT x) s) FROM generate_series(1, 4) x ORDER BY x
SELECT x, (SELECT min(y) FROM (SELECT y FROM generate_series(1, x * 10) y ORDER BY y DESC LIMIT 3) s) FROM generate_series(1, 4) x ORDER BY x
SELECT x, ARRAY(SELECT y FROM generate_series(1, 50) y ORDER BY y % x DESC, y LIMIT 3) FROM generate_series(2, 5) x ORDER BY x
SELECT * FROM (SELECT x FROM generate_series(1, 1000) x ORDER BY x DESC LIMIT 10) s ORDER BY x LIMIT 3
SELECT DISTINCT ON (x % 5) x % 5 AS k, x FROM generate_series(1, 500) x ORDER BY x % 5, x DESC LIMIT 3
SELECT x FROM generate_series(1, 30) x UNION ALL SELECT x FROM generate_series(25, 60) x ORDER BY 1 DESC LIMIT 4
SELECT x, row_number() OVER (ORDER BY x DESC) FROM generate_series(1, 300) x ORDER BY x LIMIT 3
WITH t AS (SELECT x FROM generate_series(1, 2000) x ORDER BY x DESC LIMIT 3) SELECT sum(x) FROM t
SELECT x % 7 AS g, count(*) FROM generate_series(1, 3000) x GROUP BY g ORDER BY count(*) DESC, g LIMIT 2
SELECT ARRAY[x % 3, x] AS a FROM generate_series(1, 200) x ORDER BY a DESC LIMIT 3
SELECT a.k, b.k FROM (VALUES (1), (2), (2), (NULL)) a(k) JOIN (VALUES (2), (2), (NULL), (3)) b(k) ON a.k = b.k
SELECT a.k, b.k FROM (VALUES (1), (2), (2), (NULL)) a(k) LEFT JOIN (VALUES (2), (2), (NULL), (3)) b(k) ON a.k = b.k ORDER BY 1 NULLS LAST, 2
SELECT a.k, b.k FROM (VALUES (1), (2), (2), (NULL)) a(k) RIGHT JOIN (VALUES (2), (2), (NULL), (3)) b(k) ON a.k = b.k ORDER BY 2 NULLS FIRST, 1
SELECT a.k, b.k FROM (VALUES (1), (2), (2), (NULL)) a(k) FULL JOIN (VALUES (2), (2), (NULL), (3)) b(k) ON a.k = b.k ORDER BY 1 NULLS FIRST, 2 NULLS FIRST
SELECT a.x, b.y FROM generate_series(1, 10) a(x) JOIN generate_series(1, 30) b(y) ON a.x * 3 = b.y ORDER BY 1
SELECT a.s, b.t FROM (VALUES ('ab'), ('cd'), (NULL)) a(s) JOIN (VALUES ('AB'), ('Cd'), ('ab'), (NULL)) b(t) ON a.s = lower(b.t) ORDER BY 1, 2
SELECT a.s, b.t FROM (VALUES ('ab'), ('cd')) a(s) LEFT JOIN (VALUES ('xab'), ('xzz')) b(t) ON a.s = substr(b.t, 2) ORDER BY 1
SELECT count(*), sum(a.x), sum(b.y) FROM generate_series(1, 3000) a(x) JOIN generate_series(1, 3000) b(y) ON a.x % 97 = b.y % 97
SELECT count(*) FROM generate_series(1, 3000) a(x) JOIN generate_series(1, 3000) b(y) ON (a.x % 50)::text = (b.y % 50)::text AND a.x < b.y
SELECT a.p, a.q, b.v FROM (VALUES (1, 'x'), (1, NULL), (2, 'x'), (2, 'x')) a(p, q) JOIN (VALUES (1, 'x', 10), (1, NULL, 20), (2, 'x', 30), (2, 'x', 40)) b(p, q, v) ON a.p = b.p AND a.q = b.q ORDER BY b.v
SELECT a.p, b.v FROM (VALUES (1), (2), (3)) a(p) FULL JOIN (VALUES (1, 'a'), (3, 'c'), (4, 'd')) b(p, v) ON a.p = b.p AND b.v <> 'c' ORDER BY 1 NULLS LAST, 2
SELECT count(*) FROM (SELECT x::text AS q FROM generate_series(1, 5000) x) a JOIN (SELECT x::text AS q FROM generate_series(1, 5000) x) b ON a.q = b.q
SELECT a.q, b.x FROM (SELECT x::text AS q FROM generate_series(1, 5000) x) a JOIN generate_series(1, 5000) b(x) ON a.q = b.x::text ORDER BY b.x DESC LIMIT 3
-- LIMIT / OFFSET arguments may read the enclosing query's row (evaluated per outer row)
SELECT x, (SELECT sum(y) FROM (SELECT y FROM generate_series(1, 10) y ORDER BY y OFFSET x LIMIT x) s) FROM generate_series(0, 4) x ORDER BY x
SELECT x, (SELECT count(*) FROM (SELECT y FROM generate_series(1, 10) y LIMIT (SELECT x + 1)) s) FROM generate_series(1, 3) x ORDER BY x
SELECT x, ARRAY(SELECT y FROM generate_series(1, 3) y UNION ALL SELECT 10 ORDER BY 1 LIMIT x) FROM generate_series(1, 4) x ORDER BY x
SELECT x, (SELECT y FROM generate_series(1, 5) y ORDER BY y LIMIT 1 OFFSET x) FROM generate_series(0, 5) x ORDER BY x
SELECT x FROM generate_series(1, 3) x WHERE x IN (SELECT y FROM generate_series(1, 3) y ORDER BY y LIMIT x - 1) ORDER BY x
SELECT x FROM generate_series(1, 3) x WHERE x IN (SELECT y FROM generate_series(1, 3) y ORDER BY y DESC LIMIT x) ORDER BY x
SELECT x, (SELECT count(*) FROM generate_series(1, 5) y WHERE EXISTS (SELECT 1 FROM generate_series(1, 5) z WHERE z = y LIMIT x)) FROM generate_series(0, 2) x ORDER BY x
WITH t AS (SELECT x FROM generate_series(1, 4) x) SELECT x, (SELECT max(y) FROM (SELECT x AS y FROM t ORDER BY 1 LIMIT t2.x) s) FROM t t2 ORDER BY x
