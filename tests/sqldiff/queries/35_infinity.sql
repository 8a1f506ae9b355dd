-- 'infinity' and '-infinity' for date, timestamp and timestamptz: input, output, ordering,
-- casts between them, arithmetic (an infinity absorbs an interval or a day count; the
-- difference of two is an error in 22_errors.sql), and PostgreSQL 15's extract/date_part
-- of them (the fields that grow with time are infinite, the others NULL).
SELECT 'infinity'::date, '-infinity'::date, ' Infinity '::timestamp, '-INFINITY'::timestamptz
SELECT 'infinity'::timestamptz::date, '-infinity'::date::timestamp, 'infinity'::timestamp::timestamptz, '-infinity'::timestamptz::timestamp
SELECT 'infinity'::timestamp::time IS NULL, '-infinity'::timestamptz::date::text
SELECT d FROM (VALUES ('infinity'::date), ('2024-01-02'), ('-infinity'), (NULL), ('1999-12-31')) v(d) ORDER BY d
SELECT d FROM (VALUES ('infinity'::date), ('2024-01-02'), ('-infinity'), (NULL)) v(d) ORDER BY d DESC NULLS LAST
SELECT 'infinity'::date > '5000-01-01'::date, '-infinity'::timestamp < '0001-01-01'::timestamp, 'infinity'::timestamptz = 'infinity'::timestamptz, 'infinity'::date > 'infinity'::timestamp
SELECT min(t), max(t), count(DISTINCT t) FROM (VALUES ('infinity'::timestamp), ('-infinity'), ('2020-01-01'), ('infinity')) v(t)
SELECT 'infinity'::timestamp + interval '1 day', interval '1 day' + '-infinity'::timestamptz, 'infinity'::timestamptz - interval '1 year', '-infinity'::timestamp - interval '3 months'
SELECT 'infinity'::date + 1, '-infinity'::date - 1, 'infinity'::date - 1 > 'infinity'::date - 2
SELECT date_trunc('day', 'infinity'::timestamp), date_trunc('month', '-infinity'::timestamptz), date_trunc('year', 'infinity'::timestamptz)
SELECT extract(year from 'infinity'::timestamp), extract(month from 'infinity'::timestamp), extract(epoch from '-infinity'::date), extract(century from 'infinity'::date)
SELECT extract(dow from 'infinity'::date), extract(isoyear from '-infinity'::timestamp), extract(decade from 'infinity'::timestamptz), extract(second from '-infinity'::timestamptz), extract(millennium from '-infinity'::timestamp)
SELECT date_part('year', 'infinity'::timestamp), date_part('hour', 'infinity'::timestamp), date_part('epoch', '-infinity'::timestamptz), date_part('day', '-infinity'::timestamptz)
SELECT 'infinity'::date::text, '-infinity'::timestamp::text, 'infinity'::timestamptz::text, length('infinity'::date::text)
SELECT t, t::date FROM (VALUES ('infinity'::timestamptz), ('-infinity')) v(t) ORDER BY 1
SELECT greatest('infinity'::date, '2020-01-01'::date), least('-infinity'::timestamp, '2020-01-01'::timestamp), coalesce(NULL, 'infinity'::date)
