-- Builtin functions at their boundaries: negative and zero positions and lengths, empty
-- strings, NULL arguments, date/time values far from today, interval sign mixing.
SELECT substr('hello', 0), substr('hello', -2, 4), substr('hello', 10), substr('hello', 2, 0)
SELECT substr('hello', 1, -1)
SELECT left('abc', 0), right('abc', 0), left('abc', -5), right('abc', -5), left('', 2)
SELECT lpad('ab', 5, ''), rpad('ab', 1, 'xy'), lpad('', 3, 'z'), lpad('abc', 0, 'x'), lpad('abc', -1)
SELECT repeat('ab', -1), repeat('', 5), repeat(NULL, 2)
SELECT trim(both 'ab' from 'abcba'), trim(leading from '  x'), btrim('', 'a'), ltrim('aaa', 'a')
SELECT split_part('a,b', ',', 3), split_part('a,,b', ',', 2), split_part('abc', '', 1), split_part('a;b;c', ';', -2)
SELECT split_part('a,b', ',', 0)
SELECT replace('abc', '', 'x'), replace('abcabc', 'bc', ''), replace(NULL, 'a', 'b'), replace('aaa', 'aa', 'b')
SELECT strpos('', ''), strpos('abc', 'c'), position('c' IN 'abcabc'), strpos(NULL, 'a')
SELECT upper(NULL), lower(''), initcap(''), length(NULL::text), char_length('')
SELECT concat(), concat(NULL), concat_ws(NULL, 'a', 'b'), concat_ws('', 'a', NULL, 'b')
SELECT 'ab' || '' || 'c', '' || NULL, NULL || NULL::text
SELECT starts_with('', ''), starts_with('abc', ''), starts_with('', 'a')
SELECT quote_ident(''), quote_ident('a"b'), quote_ident('123'), quote_ident('_x'), quote_ident('ÄB')
SELECT abs(0), abs(-0.0), abs(-0.0::float8), sign(-0.0::float8), ceil(-0.5), floor(0.5::float8), ceil(-0.5::float8)
SELECT round(0.5), round(-0.5), round(1.45, 1), round(-1.45, 1), round(1.4999999999999, 0), round(123.456, -1), round(5.5, -1)
SELECT trunc(-0.5), trunc(1.999, 2), trunc(-1.999, 2), trunc(123.456, -2)
SELECT mod(-7, -3), mod(7, -3), mod(0, 5), mod(-0, 3), 0 % -1
SELECT power(0, 0), power(-2, 3), power(2, -1), power(-8::float8, 1.0/3)
SELECT sqrt(0), sqrt(0.25::float8), sqrt(1e-10::float8), cbrt(-8::float8)
SELECT date_trunc('day', '0099-06-15 12:00'::timestamp), date_trunc('year', '1999-12-31 23:59:59.999999'::timestamp)
SELECT '0099-06-15'::date, '1000-01-01'::date - 1, '9999-12-31'::date + 1
SELECT '1900-02-28'::date + 1, '2000-02-28'::date + 1, '2100-02-28'::date + 1
SELECT extract(epoch from '2024-01-01'::date), extract(epoch from '1970-01-01'::timestamp), extract(epoch from '1960-01-01 00:00:00.25'::timestamp)
SELECT extract(dow from '2024-01-07'::timestamp), extract(doy from '2024-12-31'::date), extract(week from '2024-12-30'::date), extract(week from '2021-01-03'::date)
SELECT interval '-1 day -02:00:00', interval '1 mon -1 day', interval '-1 year 2 mons', interval '1 day -1 second'
SELECT interval '-0.5 seconds', interval '0.5 days', interval '1.5 months', interval '-1.5 hours'
SELECT interval '1 day' - interval '2 days', interval '1 hour' - interval '90 minutes', -interval '1 mon 1 day'
SELECT '2024-03-01'::date - '2024-02-01'::date, '2023-03-01'::date - '2023-02-01'::date, '2024-01-01'::date - '2025-01-01'::date
SELECT '2024-01-01 00:00+00'::timestamptz - interval '1 microsecond', '2024-01-01'::timestamp - interval '0.5 seconds'
SELECT to_timestamp(-0.5), to_timestamp(1e9), to_timestamp(1704067200.000001)
SELECT date_part('epoch', interval '1 month'), date_part('epoch', interval '1 year'), extract(epoch from interval '1 mon 1 day')
SELECT greatest('2024-01-01'::date, '2023-01-01'::date), least('2024-01-01 10:00'::timestamp, '2024-01-01 09:00'), greatest(interval '1 day', interval '23 hours')
SELECT min(d), max(d) FROM (VALUES ('1 day'::interval), ('-1 day'), ('1 mon'), ('29 days')) v(d)
SELECT d FROM (VALUES ('1 day'::interval), ('24 hours'), ('1 mon'), ('30 days'), ('-1 hour')) v(d) ORDER BY d, d::text
SELECT count(DISTINCT d) FROM (VALUES ('1 day'::interval), ('24 hours'), ('1 mon'), ('30 days')) v(d)
SELECT generate_series('2024-01-01'::timestamp, '2024-01-01 01:00', '25 minutes')
SELECT t FROM generate_series('2024-01-01 00:00+00'::timestamptz, '2023-12-31 22:00+00', '-1 hour') t ORDER BY t
SELECT count(*) FROM generate_series('2024-01-01'::timestamp, '2024-12-31', '1 day')
SELECT count(*) FROM generate_series(1, 10, 3), generate_series(-5, -1)
SELECT x FROM generate_series(-3, 3, 2) x ORDER BY x
SELECT x FROM generate_series(3, -3, -2) x ORDER BY x DESC
SELECT x FROM generate_series(0.1, 0.5, 0.1) x ORDER BY x
