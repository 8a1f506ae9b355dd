-- Edge cases where a near-miss engine answers silently wrong: float and numeric text output,
-- integer overflow, timestamp/interval output, month arithmetic, byte-order text comparison.
SELECT x::float8 / 7 FROM generate_series(1, 12) x ORDER BY x
SELECT 1e-7::float8, 1e22::float8, 1e21::float8, 123456789.125::float8, 0.1::float4, 1e-45::float4
SELECT 5e-324::float8, 1.7976931348623157e308::float8, 2.2250738585072014e-308::float8
SELECT 3.0::float8, 3.5e15::float8, 123456789012345680000::float8, -0.000001234::float8
SELECT 1::float4 / 3, 16777217::float4, 0.3::float4 + 0.6::float4
SELECT x * 0.1::float8 FROM generate_series(1, 10) x ORDER BY x
SELECT round(x / 3.0, 3) FROM generate_series(1, 5) x ORDER BY x
SELECT 1.005::numeric(10,2), 2.675::numeric(10,2), -1.005::numeric(10,2), 0.5::numeric(10,0)
SELECT 12345678901234567890.123456789::numeric + 1
SELECT 0.1 + 0.2, 1.1 * 1.1, 10.0 - 9.99, 1.000 * 2
SELECT -2147483648::int4, (-2147483648)::int4, -32768::int2
SELECT -2147483647 - 1
SELECT (-2147483648)::int4 / -1
SELECT 2147483647::int4 * 2
SELECT 9223372036854775807::int8 + 1
SELECT abs((-2147483648)::int4)
SELECT 32767::int2 * 2::int2
SELECT sum(x) FROM (VALUES (9223372036854775807::int8), (9223372036854775807::int8)) v(x)
SELECT -7 / 2, -7 % 2, 7 / -2, 7 % -2, -7::int8 / 2
SELECT '+5'::int, '-0'::int, '  7'::int8, '007'::int2
SELECT '0x1F'::int
SELECT '1e3'::int
SELECT '1.5e1'::float8, '-.5'::float8, 'inf'::float8, '-INF'::float8, 'nan'::float8
SELECT '2024-01-01 00:00:00.000001+00'::timestamptz, '2024-01-01 00:00:00.5+00'::timestamptz, '2024-01-01 00:00:00.123+00'::timestamptz
SELECT '2024-06-30 23:59:59.999999'::timestamp + interval '1 microsecond'
SELECT 'infinity'::timestamptz, '-infinity'::timestamp, 'infinity'::date
SELECT '2024-01-31'::date + interval '1 month', '2024-03-31'::timestamp - interval '1 month'
SELECT '2023-01-31 10:00+00'::timestamptz + interval '1 month 1 day'
SELECT t FROM generate_series('2024-01-31'::timestamp, '2024-06-30', '1 month') t ORDER BY t
SELECT interval '1 day 2 hours 3 minutes 4.5 seconds', interval '-1 day +2 hours', interval '1.5 days'
SELECT interval '0.000001 seconds', interval '1 mon -1 day', interval '100 years'
SELECT interval '1 hour' * 1.5, interval '1 day' * 0.3, interval '1 month' / 3
SELECT interval '2 days' / 3, interval '27 hours' - interval '1 day'
SELECT '2024-03-10 12:00+00'::timestamptz - '2024-01-01 00:00+00'::timestamptz
SELECT '2024-01-01 00:00'::timestamp - '2024-01-01 00:00:00.5'::timestamp
SELECT extract(epoch from '1969-12-31 23:59:59.5+00'::timestamptz), extract(epoch from interval '-1 hour')
SELECT extract(isodow from '2024-01-07'::date), extract(isoyear from '2024-12-30'::date), extract(century from '2024-01-01'::date), extract(millennium from '2001-01-01'::date)
SELECT extract(microseconds from '2024-01-01 00:00:01.25'::timestamp), extract(milliseconds from '2024-01-01 00:00:01.25'::timestamp)
SELECT date_trunc('week', '2024-01-07'::timestamp), date_trunc('quarter', '2024-05-17'::timestamp), date_trunc('decade', '2024-05-17'::timestamp)
SELECT date_trunc('second', '2024-01-01 10:00:00.999999'::timestamp), date_trunc('milliseconds', '2024-01-01 10:00:00.123456'::timestamp)
SELECT to_timestamp(-1), to_timestamp(1.25), to_timestamp(253402300799)
SELECT s FROM (VALUES ('é'), ('e'), ('z'), ('E'), ('ä'), ('')) v(s) ORDER BY s
SELECT 'é' > 'z', 'ä' < 'é', upper('é'), lower('É'), length('日本語'), octet_length('日本語')
SELECT substr('日本語テキスト', 2, 3), left('日本語', 2), right('日本語', 1), reverse('日本')
SELECT 'ÄBC' ILIKE 'äbc', 'Äbc' ~* 'äBC', 'ab' LIKE 'a%%', 'a%' LIKE 'a\%', 'a' LIKE 'a\'
SELECT 'abc' ~ 'b*', 'abc' ~ '^(a|b)+c$', 'aaa' ~ '^a{2,3}$', 'aaaa' ~ '^a{2,3}$'
SELECT 'x1y2' ~ '\d\D\d', 'a b' ~ '\s', 'a_b' ~ '^\w+$', 'A' ~ '[[:lower:]]', 'A' ~* '[[:lower:]]'
SELECT count(DISTINCT x), count(x), count(*) FROM (VALUES (NULL::int), (NULL), (1)) v(x)
SELECT DISTINCT x FROM (VALUES (NULL::int), (NULL), (1)) v(x) ORDER BY x
SELECT x, count(*) FROM (VALUES (NULL::text), (NULL), ('a')) v(x) GROUP BY x ORDER BY x NULLS FIRST
SELECT 'yes'::boolean AND 'on'::boolean, 'n'::boolean OR 'f'::boolean, '1'::boolean, 'of'::boolean
SELECT NULL::int < 1 IS NULL, (NULL::int < 1) IS UNKNOWN
SELECT x AS src, x::text, x::int FROM (VALUES (0.5), (1.5), (2.5), (-0.5), (-1.5)) v(x) ORDER BY src
SELECT x AS src, x::float8::int, round(x::float8) FROM (VALUES (0.5), (1.5), (2.5), (-0.5), (-2.5)) v(x) ORDER BY src
SELECT greatest(1, 2.5, 3::int8), least('b', 'a', NULL), coalesce(NULL, NULL, 1.0)
SELECT 'a' || 1::int2 || 2::int8 || 3.0::float8 || true || '2024-01-01'::date
SELECT 1::text || NULL::text || 'x', concat(1.50, NULL, '-', 2::float8)
SELECT length(1234::text), upper(1::text), 12345::text LIKE '12%'
SELECT x FROM generate_series(10, 1, -3) x ORDER BY x
SELECT x FROM generate_series(1, 2, 0.5) x ORDER BY x
SELECT x FROM generate_series(1::int8, 3::int8) x ORDER BY x
SELECT count(*) FROM generate_series(5, 1) x
SELECT generate_series(1, 3) AS a, generate_series(1, 2) AS b
SELECT x, generate_series(1, x) FROM generate_series(1, 3) x ORDER BY 1, 2
SELECT array_agg(x ORDER BY x NULLS FIRST), array_agg(x ORDER BY x DESC NULLS LAST) FROM (VALUES (2), (NULL), (1)) v(x)
SELECT string_agg(s, NULL), string_agg(NULL::text, ',') FROM (VALUES ('a'), ('b')) v(s)
SELECT avg(x), sum(x) FROM (VALUES (1.5::float4), (2.25::float4)) v(x)
SELECT avg(x), sum(x) FROM (VALUES (1::int2), (2::int2)) v(x)
SELECT max(x), min(x) FROM (VALUES ('NaN'::float8), (1), ('Infinity')) v(x)
SELECT x FROM (VALUES ('NaN'::float8), (1), ('-Infinity'), (NULL), ('Infinity')) v(x) ORDER BY x DESC
SELECT 1 WHERE 'NaN'::float8 = 'NaN'::float8 AND 'NaN'::float8 > 'Infinity'::float8
SELECT '  padded  '::char(12) || '|', 'a'::char(3)::text || '|', length('a  '::char(3)), 'a  '::varchar(3) || '|'
SELECT 'abcdef'::varchar(3), 'abc   '::char(3), CAST('abcdef' AS character varying(2))
SELECT E'\u00e9' = 'é', E'\x41', E'a\\b', 'a\b'
SELECT position('' in 'abc'), strpos('abc', ''), split_part('', ',', 1), replace('', '', 'x')
