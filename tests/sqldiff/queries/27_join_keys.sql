-- Join keys a hash join gets wrong: mixed key types (int2/int4/int8/numeric/float8,
-- text/varchar/name, date/timestamp), NULL keys, duplicate keys, several keys plus a residual
-- condition, self-joins, and recursion over joins.
SELECT a.x, b.y FROM (VALUES (1::int2), (2::int2)) a(x) JOIN (VALUES (1::int8), (2::int8), (3::int8)) b(y) ON a.x = b.y ORDER BY 1
SELECT a.x, b.y FROM (VALUES (1), (2)) a(x) JOIN (VALUES (1.0), (2.5)) b(y) ON a.x = b.y ORDER BY 1
SELECT a.x, b.y FROM (VALUES (1), (2)) a(x) JOIN (VALUES (1.0::float8), (2.000000001::float8)) b(y) ON a.x = b.y ORDER BY 1
SELECT a.x, b.y FROM (VALUES (0.0::float8), ('NaN'::float8)) a(x) JOIN (VALUES (-0.0::float8), ('NaN'::float8)) b(y) ON a.x = b.y ORDER BY 1
SELECT a.x, b.y FROM (VALUES (1.50), (2.0)) a(x) JOIN (VALUES (1.5), (2)) b(y) ON a.x = b.y ORDER BY 1, 2
SELECT a.s, b.s FROM (VALUES ('a'::text), ('b')) a(s) JOIN (VALUES ('a'::varchar), ('c'::varchar)) b(s) ON a.s = b.s
SELECT a.s, b.s FROM (VALUES ('ab'::char(3)), ('c')) a(s) JOIN (VALUES ('ab'::char(5)), ('c')) b(s) ON a.s = b.s ORDER BY 1
SELECT a.d, b.t FROM (VALUES ('2024-01-01'::date), ('2024-01-02'::date)) a(d) JOIN (VALUES ('2024-01-01 00:00'::timestamp), ('2024-01-02 12:00'::timestamp)) b(t) ON a.d = b.t
SELECT a.t, b.t FROM (VALUES ('2024-01-01 01:00+01'::timestamptz)) a(t) JOIN (VALUES ('2024-01-01 00:00+00'::timestamptz)) b(t) ON a.t = b.t
SELECT a.k, b.k FROM (VALUES (NULL::int), (1), (NULL)) a(k) JOIN (VALUES (NULL::int), (1)) b(k) ON a.k = b.k
SELECT a.k, b.k FROM (VALUES (NULL::int), (1)) a(k) LEFT JOIN (VALUES (NULL::int), (1)) b(k) ON a.k = b.k ORDER BY 1 NULLS FIRST, 2 NULLS FIRST
SELECT a.k, b.k FROM (VALUES (NULL::int), (1)) a(k) FULL JOIN (VALUES (NULL::int), (2)) b(k) ON a.k = b.k ORDER BY 1 NULLS FIRST, 2 NULLS FIRST
SELECT a.k, b.k FROM (VALUES (1), (1), (2)) a(k) JOIN (VALUES (1), (1), (1)) b(k) ON a.k = b.k
SELECT count(*) FROM generate_series(1, 200) a JOIN generate_series(1, 200) b ON a % 10 = b % 10
SELECT a.p, a.q, b.v FROM (VALUES (1, 'x'), (1, 'y'), (2, 'x')) a(p, q) JOIN (VALUES (1, 'x', 10), (1, 'y', 20), (2, 'y', 30)) b(p, q, v) ON a.p = b.p AND a.q = b.q ORDER BY b.v
SELECT a.p, b.v FROM (VALUES (1), (2), (3)) a(p) JOIN (VALUES (1, 5), (2, 1), (3, 9)) b(p, v) ON a.p = b.p AND b.v > a.p ORDER BY 1
SELECT a.p, b.v FROM (VALUES (1), (2), (3)) a(p) LEFT JOIN (VALUES (1, 5), (2, 1), (3, 9)) b(p, v) ON a.p = b.p AND b.v > a.p ORDER BY 1
SELECT a.p, b.v FROM (VALUES (1), (2)) a(p) RIGHT JOIN (VALUES (1, 5), (2, 1), (3, 9)) b(p, v) ON a.p = b.p AND b.v > a.p ORDER BY 2
SELECT a.p, b.p FROM (VALUES (1), (2)) a(p) JOIN (VALUES (2), (3)) b(p) ON a.p + 1 = b.p ORDER BY 1
SELECT a.s, b.s FROM (VALUES ('A'), ('b')) a(s) JOIN (VALUES ('a'), ('B')) b(s) ON lower(a.s) = lower(b.s) ORDER BY 1
SELECT x.n, y.n FROM generate_series(1, 4) x(n) JOIN generate_series(1, 4) y(n) ON x.n = y.n * 2 ORDER BY 1
SELECT a.x, b.x, c.x FROM generate_series(1, 3) a(x) JOIN generate_series(1, 3) b(x) ON a.x = b.x JOIN generate_series(1, 3) c(x) ON b.x = c.x AND c.x <> 2 ORDER BY 1
SELECT a.x, c.x FROM generate_series(1, 3) a(x) LEFT JOIN generate_series(2, 3) b(x) ON a.x = b.x LEFT JOIN generate_series(3, 3) c(x) ON b.x = c.x ORDER BY 1
SELECT a.x FROM generate_series(1, 5) a(x) JOIN generate_series(1, 5) b(x) ON a.x = b.x WHERE b.x IN (2, 4) ORDER BY 1
SELECT a.x, b.x FROM generate_series(1, 3) a(x) JOIN generate_series(1, 3) b(x) ON a.x = b.x OR a.x + b.x = 4 ORDER BY 1, 2
SELECT a.x, b.x FROM generate_series(1, 3) a(x) JOIN generate_series(1, 3) b(x) ON a.x < b.x ORDER BY 1, 2
SELECT a.u, b.v FROM (VALUES ('00000000-0000-4000-8000-00000000d001'::uuid)) a(u) JOIN (VALUES ('00000000-0000-4000-8000-00000000D001'::uuid, 'w')) b(u, v) ON a.u = b.u
SELECT a.b, count(*) FROM (VALUES (true), (false), (true)) a(b) JOIN (VALUES (true), (true)) c(b) ON a.b = c.b GROUP BY a.b
SELECT d.user_name, e.user_name FROM lakeward.decisions d JOIN lakeward.decisions e ON d.user_name = e.user_name AND d.time < e.time ORDER BY d.time
SELECT d.operation, count(*) FROM lakeward.decisions d JOIN (VALUES ('ExecuteQuery'), ('FilterCatalogs')) o(op) ON d.operation = o.op GROUP BY 1 ORDER BY 1
SELECT o.op, d.user_name FROM (VALUES ('ExecuteQuery'), ('Nothing')) o(op) LEFT JOIN lakeward.decisions d ON d.operation = o.op ORDER BY 1, d.time
WITH RECURSIVE r(n, p) AS (SELECT 1, '1'::text UNION ALL SELECT r.n + 1, r.p || '.' || e.x FROM r JOIN (VALUES (1, 'a'), (2, 'b'), (3, 'c')) e(k, x) ON e.k = r.n) SELECT n, p FROM r ORDER BY n
WITH RECURSIVE walk(node, depth) AS (SELECT 'a'::text, 0 UNION SELECT g.dst, w.depth + 1 FROM walk w JOIN (VALUES ('a', 'b'), ('b', 'c'), ('c', 'a'), ('b', 'd')) g(src, dst) ON g.src = w.node WHERE w.depth < 5) SELECT node, min(depth) FROM walk GROUP BY node ORDER BY node
