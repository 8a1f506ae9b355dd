-- Date and time arithmetic through the operator registry, one operator each as PostgreSQL 15
-- has them: date +/- integer, integer + date, date - date, date +/- interval, interval +
-- date, date + time, time + date, time - time, time +/- interval; their result types, NULLs
-- and infinities, and the operators' pg_operator rows (OIDs, functions).
SELECT date '2024-02-28' + 2, 2 + date '2024-02-28', date '2024-03-01' - 1, date '2024-03-01' - date '2024-01-01'
SELECT 7 + date '2024-02-25', date '2024-01-01' + 1::int2, date '2024-01-01' + 1::int8
SELECT date '2024-01-31' + interval '1 month', date '2024-03-31' - interval '1 month', interval '1 day' + date '2024-01-01'
SELECT interval '1 month' + date '2024-01-31', date '2024-01-31' - interval '1 month 1 day'
SELECT date '2024-01-01' + time '10:30', time '10:30' + date '2024-01-01', date '2024-01-01' + time '24:00'
SELECT time '10:30' - time '08:15', time '10:00' - time '12:30', time '00:00' - time '23:59:59.999999'
SELECT time '23:30' + interval '1 hour', time '00:30' - interval '1 hour', interval '1 hour' + time '23:30'
SELECT time '10:00' + interval '-50 hours', time '10:00' - interval '1 day 3 hours'
SELECT pg_typeof(date '2024-01-01' + time '10:00'), pg_typeof(time '10:00' - time '09:00'), pg_typeof(interval '1 day' + date '2024-01-01'), pg_typeof(1 + date '2024-01-01'), pg_typeof(date '2024-01-10' - date '2024-01-01')
SELECT date 'infinity' + 1, date '-infinity' - 1, 1 + date 'infinity', date 'infinity' + time '10:00', time '10:00' + date '-infinity'
SELECT date 'infinity' + interval '1 day', interval '1 day' + date '-infinity'
SELECT date '2024-01-01' + NULL::int, NULL::int + date '2024-01-01', NULL::date - date '2024-01-01', date '2024-01-01' + NULL::time, NULL::time - time '10:00'
SELECT d + 1, 1 + d, d - 1, d - date '2024-01-01', d + time '12:00', d + interval '1 day', interval '1 day' + d FROM (VALUES (date '2024-03-01'), (date '2023-03-01'), (NULL::date)) v(d) ORDER BY d
SELECT t - time '06:00', time '06:00' - t, t + date '2024-05-05' FROM (VALUES (time '00:00'), (time '12:34:56.789'), (NULL::time)) v(t) ORDER BY t
SELECT '2024-01-01' + 3, date '2024-01-01' - '2023-12-01', date '2024-01-01' + '10:00'::time
SELECT current_date - current_date, current_date + 0 = current_date
SELECT date '2024-01-01' + 100000000 > date '2024-01-01'
SELECT date '0001-01-01' - 1, date '0001-01-01' - 800000
SELECT timestamp '2024-01-01 10:00' - timestamp '2023-12-31 09:00', timestamptz '2024-01-01 10:00+00' - timestamptz '2023-12-31 09:00+00'
SELECT interval '1 hour' + timestamp '2024-01-01', interval '1 hour' + timestamptz '2024-01-01 00:00+00'
SELECT interval '1 hour' * 2.5, 2.5 * interval '1 hour', interval '1 hour' / 4, - interval '1 day 2 hours'
SELECT oprname, oprleft::regtype, oprright::regtype, oprresult::regtype, oprcode FROM pg_operator WHERE oid IN (1099, 1100, 1101, 2555, 1076, 1077, 2551, 1360, 1363, 1399, 1800, 1801, 1849) ORDER BY oid
SELECT o.oid, o.oprcode::oid FROM pg_operator o WHERE o.oprname IN ('+', '-') AND (o.oprleft IN (1082, 1083) OR o.oprright IN (1082, 1083)) AND o.oprleft IN (0, 23, 1082, 1083, 1186) AND o.oprright IN (23, 1082, 1083, 1186) ORDER BY 1
SELECT p.proname, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid) FROM pg_proc p WHERE p.proname IN ('date_pli', 'integer_pl_date', 'date_mii', 'date_mi', 'datetime_pl', 'timedate_pl', 'time_mi_time', 'interval_pl_date') ORDER BY 1
-- every operator's function is the one PostgreSQL names, with its OID
SELECT o.oprname, o.oprleft::regtype, o.oprright::regtype, o.oprcode, o.oprcode::oid FROM pg_operator o WHERE o.oprname IN ('=', '<>', '<', '<=', '>', '>=') AND o.oprleft = o.oprright AND o.oprleft IN (16, 17, 18, 19, 20, 21, 23, 25, 26, 700, 701, 1042, 1082, 1083, 1114, 1184, 1186, 1700, 2277, 2950) ORDER BY 2, 1
SELECT o.oid, o.oprname, o.oprleft::regtype, o.oprright::regtype, o.oprresult::regtype, o.oprcode FROM pg_operator o WHERE o.oprname IN ('+', '-', '*', '/', '%') AND o.oprright IN (20, 21, 23, 700, 701) AND o.oprleft IN (0, 20, 21, 23, 700, 701) AND (o.oprleft = o.oprright OR o.oprleft = 0 OR o.oprleft + o.oprright = 1401) ORDER BY 1
SELECT o.oid, o.oprname, o.oprleft::regtype, o.oprright::regtype, o.oprcode FROM pg_operator o WHERE o.oprname IN ('~~', '!~~', '~~*', '!~~*', '~', '!~', '~*', '!~*', '||') AND o.oprleft IN (25, 2776) AND o.oprright IN (25, 2776) ORDER BY 1
SELECT o.oid, o.oprname, o.oprleft::regtype, o.oprright::regtype, o.oprresult::regtype, o.oprcode FROM pg_operator o WHERE (o.oprleft IN (1114, 1184, 1186) OR o.oprright IN (1114, 1184, 1186)) AND o.oprname IN ('+', '-', '*', '/') AND o.oprleft IN (0, 701, 1082, 1083, 1114, 1184, 1186) AND o.oprright IN (701, 1082, 1083, 1114, 1184, 1186) ORDER BY 1
SELECT count(*) FROM pg_proc WHERE proname ~ '^SQL_' OR oid >= 60000
SELECT p.oid, p.proname FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode WHERE o.oid IN (96, 98, 551, 558, 591, 654, 1209, 1337, 1752, 2060) ORDER BY 1
SELECT date '2024-01-01' + 200000000
SELECT timestamp '2024-01-01' + interval '292000 years'
SELECT timestamp '2024-01-01' - interval '6700 years'
SELECT timestamp '2024-01-01' - interval '2446000 days'
SELECT date '2024-01-01' - 2460000, date '2024-01-01' - 2459000
SELECT date '2024-01-01' + 106000000
SELECT timestamp '2024-01-31 10:00' + interval '1 month', timestamp '2024-03-31 10:00' - interval '1 month', timestamptz '2024-01-31 10:00+00' + interval '13 months 2 days 3 hours'
SELECT timestamp '1969-12-31 23:00' + interval '1 month', timestamp '1900-02-28 12:00' + interval '1 year 1 day'
SELECT date '1960-03-01' - 1, date '1960-03-01' - date '1970-01-02', date '1969-12-31' + time '23:59'
SELECT * FROM generate_series(timestamp '1969-12-30 12:00', timestamp '1970-01-02', interval '1 day')
SELECT timestamp '2024-01-01' + interval '292240 years'
