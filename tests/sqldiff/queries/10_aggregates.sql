-- Aggregates: count/sum/avg/min/max and friends, DISTINCT, FILTER, ORDER BY inside.
SELECT count(*) FROM generate_series(1, 10)
SELECT count(*) FROM generate_series(1, 0)
SELECT count(x), sum(x), min(x), max(x) FROM generate_series(1, 10) x
SELECT sum(x), avg(x) FROM generate_series(1, 0) x
SELECT avg(x) FROM generate_series(1, 4) x
SELECT avg(x::float8), sum(x::float8) FROM generate_series(1, 4) x
SELECT avg(x::numeric(10,2)) FROM generate_series(1, 3) x
SELECT sum(x::int2), sum(x::int8), sum(x::numeric), sum(x::float4) FROM generate_series(1, 3) x
SELECT pg_typeof(sum(1)), pg_typeof(sum(1::int8)), pg_typeof(avg(1)), pg_typeof(count(*))
SELECT min(s), max(s) FROM (VALUES ('pear'), ('apple'), ('fig')) v(s)
SELECT min(d), max(d) FROM (VALUES ('2024-01-02'::date), ('2023-05-06')) v(d)
SELECT count(DISTINCT x % 3) FROM generate_series(1, 10) x
SELECT sum(DISTINCT x % 3), avg(DISTINCT x % 3) FROM generate_series(1, 10) x
SELECT count(*) FILTER (WHERE x > 5), count(*) FILTER (WHERE x % 2 = 0) FROM generate_series(1, 10) x
SELECT sum(x) FILTER (WHERE x < 0) FROM generate_series(1, 10) x
SELECT count(x) FILTER (WHERE x IS NOT NULL), count(*) FROM (VALUES (1), (NULL)) v(x)
SELECT bool_and(x > 0), bool_or(x > 9), every(x < 11) FROM generate_series(1, 10) x
SELECT bool_and(b), bool_or(b) FROM (VALUES (NULL::boolean)) v(b)
SELECT string_agg(x::text, ',') FROM (SELECT x FROM generate_series(1, 3) x) s WHERE false
SELECT string_agg(x::text, '-' ORDER BY x DESC) FROM generate_series(1, 5) x
SELECT string_agg(DISTINCT s, ',' ORDER BY s) FROM (VALUES ('b'), ('a'), ('b')) v(s)
SELECT array_agg(DISTINCT x % 2 ORDER BY x % 2) FROM generate_series(1, 5) x
SELECT bit_and(x), bit_or(x) FROM (VALUES (12), (10)) v(x)
SELECT stddev(x), variance(x), stddev_pop(x), var_pop(x) FROM generate_series(1, 5) x
SELECT stddev(x::float8), var_samp(x::float8) FROM generate_series(1, 5) x
SELECT corr(x, x * 2), covar_pop(x, x), regr_slope(x * 3, x) FROM generate_series(1, 5) x
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 4) x
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 4) x
SELECT mode() WITHIN GROUP (ORDER BY x) FROM (VALUES (1), (2), (2), (3)) v(x)
SELECT count(*), count(1), count(NULL::int) FROM (VALUES (1), (2)) v(x)
SELECT max(x) + min(x), max(x) - min(x) FROM generate_series(3, 9) x
SELECT count(*) AS n FROM (VALUES (1), (2), (3)) v(x) WHERE x > 1
SELECT sum(a * b) FROM (VALUES (1, 2), (3, 4)) v(a, b)
SELECT max(x) FROM generate_series(1, 10) x WHERE x % 3 = 0
SELECT count(*) > 0 FROM generate_series(1, 3)
SELECT avg(x)::numeric(10,3) FROM (VALUES (1), (2), (2)) v(x)
SELECT round(avg(x), 2) FROM (VALUES (1), (2), (2)) v(x)
SELECT json_agg(x) FROM generate_series(1, 0) x
SELECT sum(x) FROM (VALUES (9223372036854775807::int8), (1)) v(x)
SELECT sum(x) FROM (VALUES (2147483647), (1)) v(x)
SELECT min(x), max(x) FROM (VALUES (NULL::int), (4), (NULL), (2)) v(x)
SELECT max(b), min(b) FROM (VALUES (true), (false)) v(b)
-- max and min per ordered type as PostgreSQL has them: max(varchar) and max(name) are max(text), none for boolean, uuid, bytea or json
SELECT max(x), min(x), pg_typeof(max(x)) FROM (VALUES ('a'::varchar), ('b')) v(x)
SELECT max(x), pg_typeof(max(x)) FROM (VALUES ('a'::name), ('b')) v(x)
SELECT max(x) FROM (VALUES (true), (false)) v(x)
SELECT max(x) FROM (VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid)) v(x)
SELECT max('a'), min('b'), pg_typeof(max('a'))
SELECT max(x), min(x) FROM (VALUES (ARRAY[1, 2]), (ARRAY[1, 3])) v(x)
SELECT max(x), min(x), pg_typeof(max(x)) FROM (VALUES ('ab'::bpchar), ('b')) v(x)
SELECT max(x), min(x) FROM (VALUES (1::int2), (3::int2)) v(x)
SELECT max(x), min(x) FROM (VALUES (1.5::float4), (3)) v(x)
SELECT max(x), min(x) FROM (VALUES (date '2024-01-01'), (date '2023-01-01')) v(x)
SELECT max(x), min(x) FROM (VALUES (time '10:00'), (time '09:00')) v(x)
SELECT max(x), min(x) FROM (VALUES (interval '1 day'), (interval '25 hours')) v(x)
SELECT max(x), min(x) FROM (VALUES (2::oid), (3::oid)) v(x)
SELECT max(x) FROM (VALUES ('{}'::json)) v(x)
SELECT max(x), min(x) FROM (VALUES ('\x01'::bytea)) v(x)
SELECT max(x::"char") FROM (VALUES ('a'), ('b')) v(x)
SELECT proname, proargtypes, prorettype FROM pg_proc WHERE proname IN ('max', 'min') AND proargtypes::text IN ('23', '25', '2277', '1042', '1186') ORDER BY 1, 2
SELECT max(x) OVER (), min(x) OVER () FROM (VALUES ('a'::varchar), ('c')) v(x)
