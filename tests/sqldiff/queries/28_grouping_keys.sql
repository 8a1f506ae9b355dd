-- Grouping and DISTINCT keys a hash aggregate gets wrong: NaN and signed zeros, numerics of
-- different scales, NULLs, mixed-type expressions, booleans, arrays, timestamps across zones.
SELECT count(*) FROM (SELECT DISTINCT x FROM (VALUES ('NaN'::float8), ('NaN'), (0.0), (-0.0), (1)) v(x)) s
SELECT x, count(*) FROM (VALUES ('NaN'::float8), ('NaN'), (1)) v(x) GROUP BY x ORDER BY x
SELECT count(*) FROM (VALUES (0.0::float8), (-0.0::float8)) v(x) GROUP BY x
SELECT count(DISTINCT x) FROM (VALUES (1.0), (1.00), (1), (2.50), (2.5)) v(x)
SELECT count(*) FROM (VALUES (1.0), (1.00), (1)) v(x) GROUP BY x
SELECT count(DISTINCT x), count(DISTINCT x::text) FROM (VALUES (1.0), (1.00)) v(x)
SELECT b, count(*) FROM (VALUES (true), (NULL), (false), (true), (NULL)) v(b) GROUP BY b ORDER BY b NULLS FIRST
SELECT a % 2 = 0 AS even, a > 2 AS big, count(*) FROM generate_series(1, 6) a GROUP BY 1, 2 ORDER BY 1, 2
SELECT t, count(*) FROM (VALUES ('2024-01-01 01:00+01'::timestamptz), ('2024-01-01 00:00+00'), ('2024-01-01 00:00-01')) v(t) GROUP BY t ORDER BY t
SELECT count(DISTINCT d) FROM (VALUES ('2024-01-01'::date), ('2024-01-01'), (NULL), ('2024-01-02')) v(d)
SELECT DISTINCT ARRAY[a % 2, a % 3] AS k FROM generate_series(1, 6) a ORDER BY k
SELECT s, count(*) FROM (VALUES ('a'), ('A'), ('a '), ('a')) v(s) GROUP BY s ORDER BY s
SELECT length(s), count(DISTINCT s) FROM (VALUES ('ab'), ('cd'), ('ab'), ('e'), (NULL)) v(s) GROUP BY 1 ORDER BY 1 NULLS FIRST
SELECT a / 2, count(*), sum(a), min(a), max(a) FROM generate_series(-4, 4) a GROUP BY a / 2 ORDER BY 1
SELECT (a::numeric / 3)::numeric(10,2) AS k, count(*) FROM generate_series(1, 6) a GROUP BY k ORDER BY k
SELECT x::int8 % 3 AS k, count(*) FROM generate_series(1, 10) x GROUP BY x::int8 % 3 ORDER BY k
SELECT DISTINCT x % 3, x % 2 FROM generate_series(1, 12) x ORDER BY 1, 2
SELECT count(*), count(DISTINCT (a, b)) FROM (VALUES (1, 'x'), (1, 'x'), (1, NULL), (1, NULL)) v(a, b)
SELECT a, b, count(*) FROM (VALUES (1, NULL::text), (1, NULL), (NULL, 'x'), (NULL, 'x')) v(a, b) GROUP BY a, b ORDER BY a NULLS FIRST, b NULLS FIRST
SELECT sum(DISTINCT x), avg(DISTINCT x)::float8, count(DISTINCT x) FROM (VALUES (1), (1), (2), (NULL)) v(x)
SELECT min(s), max(s), count(*) FROM (VALUES ('é'), ('e'), ('f'), ('E')) v(s)
SELECT max(t) - min(t), min(d), max(d) FROM (VALUES ('2024-01-01 00:00'::timestamp, '2024-01-02'::date), ('2024-03-01 12:00', '2023-12-31')) v(t, d)
SELECT sum(i), pg_typeof(sum(i)), avg(i) FROM (VALUES (interval '1 hour'), (interval '30 minutes')) v(i)
SELECT every(x > 0), bool_or(x > 5) FROM generate_series(1, 0) x
SELECT count(*) FROM (SELECT 1 FROM generate_series(1, 5) GROUP BY ()) s
SELECT 1 AS one FROM generate_series(1, 5) HAVING count(*) = 5
