-- Expressions and operators with PostgreSQL typing: literal types, integer/numeric/float
-- arithmetic, precedence, comparison and boolean operators, bit operators, concatenation.
SELECT 1
SELECT 1 AS one
SELECT 1, 2, 3
SELECT 'x'
SELECT 'x'::text AS t
SELECT true, false
SELECT 2147483647
SELECT 2147483648
SELECT 9223372036854775807
SELECT 9223372036854775808
SELECT 1.5
SELECT -1.50
SELECT 1e3
SELECT 1.0e-3
SELECT .5
SELECT 1 + 1
SELECT 1 + 2 * 3
SELECT (1 + 2) * 3
SELECT 7 / 2
SELECT -7 / 2
SELECT 7 % 3
SELECT -7 % 3
SELECT 7.0 / 2
SELECT 7 / 2.0
SELECT 1 / 3.0
SELECT 10::numeric / 4
SELECT 2 ^ 10
SELECT 2.0 ^ 0.5
SELECT |/ 16.0
SELECT ||/ 27.0
SELECT @ -5
SELECT - (-3)
SELECT 5 & 3, 5 | 3, 5 # 3, ~5
SELECT 1 << 4, 256 >> 2
SELECT 1::int2 + 1::int2
SELECT 1::int2 + 1
SELECT 1::int8 + 1
SELECT 1 + 1::float8
SELECT 1::float4 + 1::float8
SELECT 1.5::float4 * 2
SELECT 0.1::float8 + 0.2::float8
SELECT 1::numeric + 1::float8
SELECT 3 > 2, 3 < 2, 3 >= 3, 3 <= 2, 3 = 3, 3 <> 3, 3 != 4
SELECT 'a' < 'b', 'b' > 'a', 'abc' = 'abc'
SELECT 2 BETWEEN 1 AND 3, 5 BETWEEN 1 AND 3
SELECT 2 NOT BETWEEN 1 AND 3
SELECT 2 BETWEEN SYMMETRIC 3 AND 1
SELECT true AND false, true OR false, NOT true
SELECT 1 < 2 AND 2 < 3
SELECT 'ab' || 'cd'
SELECT 'ab' || 1
SELECT 1 || 'ab'
SELECT 'n=' || 1.5
SELECT 2 IN (1, 2, 3), 4 IN (1, 2, 3)
SELECT 2 NOT IN (1, 3)
SELECT 'b' IN ('a', 'b')
SELECT 1 = ANY (ARRAY[1, 2]), 3 = ALL (ARRAY[3, 3])
SELECT 5 > ALL (ARRAY[1, 2, 3])
SELECT 1 IS DISTINCT FROM 2, 1 IS NOT DISTINCT FROM 1
SELECT true IS TRUE, false IS NOT TRUE, true IS FALSE
SELECT ROW(1, 2) = ROW(1, 2)
SELECT ROW(1, 2) < ROW(1, 3)
SELECT (1, 'a') = (1, 'a')
SELECT 10 - 2 - 3
SELECT 2 * 3 % 4
SELECT -2 ^ 2
SELECT 100000 * 100000
SELECT 100000::int8 * 100000
SELECT 32767::int2 + 0::int2
SELECT x + 1 FROM generate_series(1, 3) AS x
SELECT x * x AS sq FROM generate_series(1, 5) x ORDER BY sq DESC
SELECT x, x / 2, x % 2 FROM generate_series(-3, 3) x ORDER BY x
SELECT x::float8 / 4 FROM generate_series(1, 4) x ORDER BY 1
SELECT x::numeric / 3 FROM generate_series(1, 3) x ORDER BY 1
SELECT a + b FROM (VALUES (1, 2), (3, 4)) v(a, b)
SELECT a || b FROM (VALUES ('x', 'y'), ('p', 'q')) v(a, b)
SELECT a > b, a = b FROM (VALUES (1, 2), (2, 2), (3, 2)) v(a, b) ORDER BY a
