-- ORDER BY (directions, NULLS FIRST/LAST, expressions, positions, aliases), DISTINCT and DISTINCT ON.
SELECT x FROM generate_series(1, 5) x ORDER BY x DESC
SELECT x FROM generate_series(1, 5) x ORDER BY -x
SELECT x FROM generate_series(1, 6) x ORDER BY x % 3, x
SELECT x, x % 3 AS m FROM generate_series(1, 6) x ORDER BY m DESC, x ASC
SELECT x AS y FROM generate_series(1, 3) x ORDER BY y DESC
SELECT x FROM (VALUES (2), (NULL), (1)) v(x) ORDER BY x ASC NULLS FIRST
SELECT x FROM (VALUES (2), (NULL), (1)) v(x) ORDER BY x ASC NULLS LAST
SELECT x FROM (VALUES (2), (NULL), (1)) v(x) ORDER BY x DESC NULLS FIRST
SELECT a, b FROM (VALUES (1, NULL), (1, 'b'), (2, 'a'), (NULL, 'c')) v(a, b) ORDER BY a NULLS FIRST, b NULLS LAST
SELECT s FROM (VALUES ('b'), ('a'), ('c')) v(s) ORDER BY s USING >
SELECT s FROM (VALUES ('10'), ('9'), ('100')) v(s) ORDER BY s
SELECT s FROM (VALUES ('10'), ('9'), ('100')) v(s) ORDER BY s::int
SELECT s FROM (VALUES ('b'), ('a')) v(s) ORDER BY 1 DESC
SELECT b FROM (VALUES (true), (false), (NULL)) v(b) ORDER BY b
SELECT d FROM (VALUES ('2024-01-02'::date), ('2023-12-31'), ('2024-01-01')) v(d) ORDER BY d DESC
SELECT f FROM (VALUES (1.5::float8), ('NaN'), ('-Infinity'), (0)) v(f) ORDER BY f
SELECT n FROM (VALUES (1.50), (1.5), (0.1)) v(n) ORDER BY n, n::text
SELECT DISTINCT x % 3 FROM generate_series(1, 10) x ORDER BY 1
SELECT DISTINCT s FROM (VALUES ('a'), ('b'), ('a'), (NULL), (NULL)) v(s)
SELECT DISTINCT a, b FROM (VALUES (1, 2), (1, 2), (1, 3)) v(a, b) ORDER BY a, b
SELECT DISTINCT ON (a) a, b FROM (VALUES (1, 3), (1, 2), (2, 9), (2, 1)) v(a, b) ORDER BY a, b
SELECT DISTINCT ON (a) a, b FROM (VALUES (1, 3), (1, 2), (2, 9), (2, 1)) v(a, b) ORDER BY a, b DESC
SELECT DISTINCT ON (x % 3) x % 3 AS k, x FROM generate_series(1, 10) x ORDER BY x % 3, x DESC
SELECT DISTINCT ON (s) s, n FROM (VALUES ('x', 1), ('y', 2), ('x', 0)) v(s, n) ORDER BY s, n
SELECT count(DISTINCT s) FROM (VALUES ('a'), ('b'), ('a'), (NULL)) v(s)
SELECT DISTINCT ARRAY[x % 2] FROM generate_series(1, 4) x ORDER BY 1
SELECT x FROM generate_series(1, 5) x ORDER BY x % 2 = 0, x
SELECT x, y FROM generate_series(1, 2) x, generate_series(1, 2) y ORDER BY x DESC, y DESC
SELECT s FROM (VALUES ('B'), ('a'), ('A'), ('b')) v(s) ORDER BY lower(s), s
SELECT s FROM (VALUES ('a'), ('b')) v(s) ORDER BY s COLLATE "C" DESC
