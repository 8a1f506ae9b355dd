-- Text output of composite values: arrays of every element type (quoting, NULL, empty
-- strings, backslashes, braces), nested arrays, json built from values, booleans and dates.
SELECT ARRAY[1.5::float8, 0.1, 1e20, -0.0], ARRAY[1.50, 2.000], ARRAY[1::int8, NULL]
SELECT ARRAY['', ' ', 'NULL', 'null', 'a,b', 'a"b', 'a\b', '{x}', 'ü']
SELECT ARRAY[true, false, NULL], ARRAY['2024-01-01'::date, NULL], ARRAY['2024-01-01 10:00+00'::timestamptz]
SELECT ARRAY['1 day'::interval, '-01:00'], ARRAY['00000000-0000-4000-8000-00000000d001'::uuid]
SELECT ARRAY[['a', 'b'], ['c', NULL]], ARRAY[[1.5, 2], [3, 4]]
SELECT ARRAY[ARRAY[1, 2], ARRAY[3, 4]]::text, array_to_string(ARRAY[[1, 2], [3, 4]], ',')
SELECT '{"a b","c\"d",NULL,"NULL"}'::text[], '{{1,2},{3,4}}'::int[], '{}'::text[]
SELECT ('{"a b","c\"d",NULL}'::text[])[2], ('{"a b","c\"d",NULL}'::text[])[3] IS NULL
SELECT array_agg(s ORDER BY s) FROM (VALUES ('x y'), (''), ('"q"'), (NULL)) v(s)
SELECT array_agg(d ORDER BY d) FROM (VALUES ('2024-01-02'::date), ('2023-05-01')) v(d)
SELECT array_agg(b ORDER BY b) FROM (VALUES (true), (false)) v(b)
SELECT string_to_array('a b c', ' '), string_to_array('', ','), string_to_array(NULL, ',')
SELECT true::text, false::varchar, 't'::boolean::text, 1::boolean::text
SELECT '2024-01-02'::date::text, '2024-01-02 03:04:05.5'::timestamp::text, '-infinity'::date::text
SELECT 1.0::text, 1.50::text, 0.000::text, -0.5::text, 100::numeric::text
SELECT 1e-5::float8::text, 1e16::float8::text, 0.1::float4::text, (1.0/3)::float4::text
SELECT '1 day 02:03:04'::interval::text, '-1 mons'::interval::text, '0'::interval::text, '1.25 seconds'::interval::text
SELECT 'x'::name::text, 42::oid::text, 'abc'::bytea::text, '\x00ff'::bytea
