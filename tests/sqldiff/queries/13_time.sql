-- Time functions and interval arithmetic (fixed instants only: no now() in results).
SELECT '2024-01-31'::date + 1
SELECT '2024-03-01'::date - 1
SELECT '2024-03-01'::date - '2024-01-01'::date
SELECT '2024-01-01'::date + interval '1 day'
SELECT '2024-01-01 10:00'::timestamp + interval '90 minutes'
SELECT '2024-01-01 10:00+00'::timestamptz + interval '1 hour'
SELECT '2024-01-01 10:00+00'::timestamptz - interval '1 day 2 hours'
SELECT '2024-01-02 00:00+00'::timestamptz - '2024-01-01 12:00+00'::timestamptz
SELECT '2024-01-02'::timestamp - '2023-12-01'::timestamp
SELECT '2024-01-31'::date + interval '1 month'
SELECT '2024-02-29'::timestamp + interval '1 year'
SELECT interval '1 hour' * 3, interval '1 day' / 4, interval '90 minutes' + interval '30 minutes'
SELECT interval '1 day' - interval '1 hour', -interval '2 hours'
SELECT interval '1 day' = interval '24 hours', interval '1 month' > interval '29 days'
SELECT interval '1 minute' * 1.5
SELECT interval '3 days 4 hours 5 minutes 6.5 seconds'
SELECT interval '1 year 13 months'
SELECT interval '36 hours', justify_hours(interval '36 hours'), justify_days(interval '40 days')
SELECT interval '0'
SELECT extract(epoch from '2024-01-01 00:00:00+00'::timestamptz)
SELECT extract(epoch from '2024-01-01 00:00:30.5+00'::timestamptz)
SELECT extract(year from '2024-05-06'::date), extract(month from '2024-05-06'::date), extract(day from '2024-05-06'::date)
SELECT extract(hour from '2024-05-06 07:08:09'::timestamp), extract(minute from '2024-05-06 07:08:09'::timestamp), extract(second from '2024-05-06 07:08:09.25'::timestamp)
SELECT extract(dow from '2024-05-06'::date), extract(doy from '2024-05-06'::date), extract(week from '2024-05-06'::date), extract(quarter from '2024-05-06'::date)
SELECT extract(epoch from interval '1 day 1 hour'), extract(hour from interval '26 hours')
SELECT date_part('epoch', '2024-01-01 00:00:00+00'::timestamptz), date_part('year', '2024-01-01'::timestamp)
SELECT date_trunc('hour', '2024-01-01 10:37:12'::timestamp), date_trunc('day', '2024-01-01 10:37:12+00'::timestamptz)
SELECT date_trunc('month', '2024-05-17'::date), date_trunc('week', '2024-05-17 12:00'::timestamp)
SELECT date_trunc('minute', '2024-01-01 10:37:12.5+00'::timestamptz), date_trunc('year', '2024-05-17'::timestamp)
SELECT date_bin('15 minutes', '2024-01-01 10:37:00'::timestamp, '2024-01-01 00:00:00'::timestamp)
SELECT to_timestamp(1704067200), to_timestamp(1704067200.5)
SELECT to_timestamp(0)
SELECT to_char('2024-01-02 03:04:05'::timestamp, 'YYYY-MM-DD HH24:MI:SS'), to_char('2024-01-02'::date, 'Mon DD, YYYY')
SELECT to_date('2024-01-02', 'YYYY-MM-DD'), to_timestamp('2024-01-02 03:04', 'YYYY-MM-DD HH24:MI')
SELECT make_date(2024, 2, 29), make_time(1, 2, 3.5), make_timestamp(2024, 1, 2, 3, 4, 5)
SELECT make_interval(days => 3, hours => 4), make_timestamptz(2024, 1, 2, 3, 4, 5, 'UTC')
SELECT '2024-01-01 12:00+00'::timestamptz AT TIME ZONE 'UTC', '2024-01-01 12:00'::timestamp AT TIME ZONE 'UTC'
SELECT '2024-01-01 12:00+00'::timestamptz AT TIME ZONE 'Europe/Berlin'
SELECT age('2024-03-15'::timestamp, '2023-01-01'::timestamp)
SELECT '2024-01-01'::date < '2024-01-02'::date, '2024-01-01 00:00+00'::timestamptz = '2024-01-01 01:00+01'::timestamptz
SELECT '2024-01-01'::date = '2024-01-01 00:00'::timestamp
SELECT t FROM generate_series('2024-01-01 00:00+00'::timestamptz, '2024-01-01 01:00+00', '15 minutes') t ORDER BY t
SELECT t FROM generate_series('2024-01-01'::timestamp, '2024-01-03', '1 day') t ORDER BY t DESC
SELECT d::date FROM generate_series('2024-02-27'::date, '2024-03-01'::date, '1 day') d ORDER BY 1
SELECT count(*) FROM generate_series('2024-01-01 00:00+00'::timestamptz, '2024-01-01 06:00+00', '1 minute') t
SELECT min(t), max(t) FROM generate_series('2024-01-01 00:00+00'::timestamptz, '2024-01-02 00:00+00', '1 hour') t
SELECT t, t + interval '1 minute' AS timeend FROM generate_series('2024-01-01 00:00+00'::timestamptz, '2024-01-01 00:02+00', '1 minute') t ORDER BY t
SELECT isfinite('2024-01-01'::date), 'infinity'::timestamp > '2024-01-01'::timestamp, '-infinity'::date
SELECT timezone('UTC', '2024-01-01 12:00+00'::timestamptz)
SELECT '2024-01-01 12:00:00.123456+00'::timestamptz, '2024-01-01 12:00:00.1+00'::timestamptz
SELECT '1999-12-31 23:59:59+00'::timestamptz + interval '1 second'
SELECT '0001-01-01'::date, '4713-01-01 BC'::date
SELECT ('2024-01-01'::date + x)::text FROM generate_series(0, 2) x ORDER BY 1
SELECT date '2024-01-05' - date '2024-01-01', time '10:00' + interval '30 minutes', timestamp '2024-01-01 00:00' + time '01:30'
SELECT '10:00'::time < '11:00'::time, '23:00'::time + interval '2 hours'
SELECT overlaps_ok FROM (SELECT ('2024-01-01'::date, '2024-01-05'::date) OVERLAPS ('2024-01-04'::date, '2024-01-10'::date) AS overlaps_ok) s
-- ISO week numbering: the year that holds the week's Thursday
SELECT d, extract(isoyear from d), extract(week from d), extract(isodow from d) FROM (VALUES ('2024-12-30'::date), ('2021-01-03'), ('2020-12-31'), ('2026-01-01'), ('2027-01-01'), ('2015-12-31')) v(d) ORDER BY d
SELECT extract(week from '2024-06-15 13:00'::timestamp), extract(isoyear from '2005-01-01 00:00+00'::timestamptz), date_part('week', '2010-01-03'::date)
