-- Joins of generate_series and VALUES: inner, left, right, full, cross, lateral, USING, NATURAL.
SELECT a.x, b.y FROM generate_series(1, 3) a(x) JOIN generate_series(2, 4) b(y) ON a.x = b.y ORDER BY 1
SELECT a.x, b.y FROM generate_series(1, 3) a(x) INNER JOIN generate_series(2, 4) b(y) ON a.x = b.y
SELECT a.x, b.y FROM generate_series(1, 3) a(x) LEFT JOIN generate_series(2, 4) b(y) ON a.x = b.y ORDER BY a.x
SELECT a.x, b.y FROM generate_series(1, 3) a(x) RIGHT JOIN generate_series(2, 4) b(y) ON a.x = b.y ORDER BY b.y
SELECT a.x, b.y FROM generate_series(1, 3) a(x) FULL JOIN generate_series(2, 4) b(y) ON a.x = b.y ORDER BY a.x NULLS LAST, b.y
SELECT a.x, b.y FROM generate_series(1, 3) a(x) FULL OUTER JOIN generate_series(5, 6) b(y) ON a.x = b.y
SELECT a.x, b.y FROM generate_series(1, 2) a(x) CROSS JOIN generate_series(1, 2) b(y) ORDER BY 1, 2
SELECT * FROM generate_series(1, 2) a(x), generate_series(1, 2) b(y) WHERE x < y
SELECT count(*) FROM generate_series(1, 10) a, generate_series(1, 10) b
SELECT t.id, t.name, u.v FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) t(id, name) JOIN (VALUES (1, 10), (1, 11), (3, 30)) u(id, v) ON t.id = u.id ORDER BY t.id, u.v
SELECT t.id, u.v FROM (VALUES (1), (2)) t(id) LEFT JOIN (VALUES (1, 10)) u(id, v) ON t.id = u.id AND u.v > 5 ORDER BY t.id
SELECT t.id, u.v FROM (VALUES (1), (2)) t(id) LEFT JOIN (VALUES (1, 10)) u(id, v) ON t.id = u.id WHERE u.v IS NULL
SELECT id, t.a, u.b FROM (VALUES (1, 'x'), (2, 'y')) t(id, a) JOIN (VALUES (2, 'z'), (3, 'w')) u(id, b) USING (id)
SELECT * FROM (VALUES (1, 'x'), (2, 'y')) t(id, a) JOIN (VALUES (2, 'z'), (3, 'w')) u(id, b) USING (id)
SELECT * FROM (VALUES (1, 'x'), (2, 'y')) t(id, a) FULL JOIN (VALUES (2, 'z'), (3, 'w')) u(id, b) USING (id) ORDER BY id
SELECT * FROM (VALUES (1, 'x'), (2, 'y')) t(id, a) NATURAL JOIN (VALUES (2, 'z'), (3, 'w')) u(id, b)
SELECT a.x, b.y, c.z FROM generate_series(1, 3) a(x) JOIN generate_series(1, 3) b(y) ON b.y = a.x + 1 JOIN generate_series(1, 3) c(z) ON c.z = b.y ORDER BY 1
SELECT a.x, b.y FROM generate_series(1, 4) a(x) JOIN generate_series(1, 4) b(y) ON a.x < b.y AND b.y - a.x = 2 ORDER BY 1
SELECT x, y FROM generate_series(1, 3) x, LATERAL generate_series(1, x) y ORDER BY x, y
SELECT x, y FROM generate_series(1, 3) x CROSS JOIN LATERAL (SELECT x * 10 AS y) s ORDER BY x
SELECT x, m FROM generate_series(1, 3) x LEFT JOIN LATERAL (SELECT max(y) AS m FROM generate_series(1, x - 1) y) s ON true ORDER BY x
SELECT x, y FROM generate_series(1, 3) x JOIN LATERAL (SELECT y FROM generate_series(x, 3) y) s ON true ORDER BY x, y
SELECT t.k, count(u.k) FROM (VALUES ('a'), ('b'), ('c')) t(k) LEFT JOIN (VALUES ('a'), ('a'), ('c')) u(k) ON t.k = u.k GROUP BY t.k ORDER BY t.k
SELECT t.k, u.k FROM (VALUES (NULL::int), (1)) t(k) JOIN (VALUES (NULL::int), (1)) u(k) ON t.k = u.k
SELECT t.k, u.k FROM (VALUES (NULL::int), (1)) t(k) JOIN (VALUES (NULL::int), (1)) u(k) ON t.k IS NOT DISTINCT FROM u.k ORDER BY 1
SELECT a.x FROM generate_series(1, 5) a(x) JOIN generate_series(1, 5) b(y) ON a.x = b.y WHERE b.y % 2 = 1 ORDER BY a.x DESC
SELECT a.x, b.x FROM generate_series(1, 2) a(x) JOIN generate_series(1, 2) b(x) ON true ORDER BY a.x, b.x
SELECT n.v, c.v FROM (VALUES (1, 'pg_catalog'), (2, 'public')) n(oid, v) LEFT JOIN (VALUES (1, 'pg_class'), (1, 'pg_type'), (3, 'orphan')) c(ns, v) ON n.oid = c.ns ORDER BY n.v, c.v
SELECT x FROM generate_series(1, 3) x JOIN unnest(ARRAY[2, 3, 4]) u ON x = u ORDER BY x
SELECT x, s FROM generate_series(1, 2) x, unnest(ARRAY['a', 'b']) s ORDER BY x, s
SELECT a.x, b.y FROM generate_series(1, 3) a(x) LEFT JOIN generate_series(1, 3) b(y) ON a.x = b.y RIGHT JOIN generate_series(2, 3) c(z) ON c.z = a.x ORDER BY 1
SELECT sum(a.x * b.y) FROM generate_series(1, 3) a(x) JOIN generate_series(1, 3) b(y) ON a.x <= b.y
-- Comma joins whose WHERE equalities become hash-join keys (NULL keys never match, other conjuncts stay):
SELECT t.id, u.v FROM (VALUES (1), (2), (NULL)) t(id), (VALUES (1, 10), (NULL, 20), (2, 30)) u(id, v) WHERE t.id = u.id ORDER BY 1, 2
SELECT a, b, c FROM generate_series(1, 5) a, generate_series(1, 5) b, generate_series(1, 5) c WHERE c = b + 1 AND b = a AND a % 2 = 1 ORDER BY a
SELECT count(*) FROM generate_series(1, 300) a, generate_series(1, 300) b WHERE a = b AND (a < 10 OR b > 290)
SELECT a, b FROM generate_series(1, 4) a, generate_series(1, 4) b WHERE a = b OR a + b = 5 ORDER BY 1, 2
SELECT t.x, u.y FROM (VALUES (1::bigint), (2)) t(x), (VALUES (1::int), (2)) u(y) WHERE t.x = u.y ORDER BY 1
SELECT t.s, u.s FROM (VALUES ('a'), ('b')) t(s), (VALUES ('a'::text), ('B')) u(s) WHERE t.s = u.s AND length(u.s) = 1
SELECT x, (SELECT count(*) FROM generate_series(1, 3) a, generate_series(1, 3) b WHERE a = b AND b <= x) FROM generate_series(0, 3) x ORDER BY x
-- WHERE conjuncts below outer joins only where the meaning stays (left side of LEFT, right side of RIGHT):
SELECT a.x, b.y FROM generate_series(1, 4) a(x) LEFT JOIN generate_series(2, 3) b(y) ON a.x = b.y WHERE b.y IS NULL ORDER BY 1
SELECT a.x, b.y FROM generate_series(1, 4) a(x) LEFT JOIN generate_series(2, 3) b(y) ON a.x = b.y WHERE a.x > 1 AND coalesce(b.y, 0) < 3 ORDER BY 1
SELECT a.x, b.y FROM generate_series(1, 3) a(x) RIGHT JOIN generate_series(2, 5) b(y) ON a.x = b.y WHERE b.y < 5 AND a.x IS NULL ORDER BY 2
SELECT a.x, b.y FROM generate_series(1, 3) a(x) FULL JOIN generate_series(2, 5) b(y) ON a.x = b.y WHERE a.x IS NULL OR b.y IS NULL ORDER BY 1 NULLS FIRST, 2
SELECT a.x, b.y, c.z FROM generate_series(1, 4) a(x) JOIN generate_series(1, 4) b(y) ON a.x = b.y LEFT JOIN generate_series(2, 3) c(z) ON c.z = b.y WHERE b.y % 2 = 0 AND a.x > 0 ORDER BY 1
SELECT count(*) FROM generate_series(1, 50) a(x) JOIN generate_series(1, 50) b(y) ON a.x = b.y, generate_series(1, 50) c(z) WHERE c.z = b.y AND a.x % 5 = 0
