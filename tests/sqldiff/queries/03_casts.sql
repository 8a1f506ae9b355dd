-- Casts: explicit (::, CAST), implicit, text I/O of every builtin type used by tools.
SELECT 1::text
SELECT CAST(1 AS text)
SELECT '42'::int
SELECT ' 42 '::int
SELECT '42'::int8
SELECT '42'::int2
SELECT '-7'::int4
SELECT '3.14'::numeric
SELECT '3.14'::float8
SELECT '3.14'::float4
SELECT '1e10'::float8
SELECT '1e-5'::float8
SELECT 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8
SELECT 'NaN'::numeric
SELECT 1.5::int, 2.5::int, -1.5::int, 3.49::int
SELECT 1.5::float8::int, 2.5::float8::int
SELECT 10::numeric(5,2)
SELECT 3.14159::numeric(10,3)
SELECT 123.456::numeric(6,1)
SELECT 1::boolean, 0::boolean
SELECT 't'::boolean, 'false'::boolean, 'yes'::boolean, 'off'::boolean, ' TRUE '::boolean
SELECT true::text, false::int
SELECT 'abc'::varchar
SELECT 'abcdef'::varchar(3)
SELECT 'ab'::char(4), length('ab'::char(4))
SELECT 'ab'::bpchar
SELECT 'x'::name
SELECT 42::oid
SELECT '42'::oid
SELECT 42::text::int + 1
SELECT '2024-01-02'::date
SELECT '2024-01-02 03:04:05'::timestamp
SELECT '2024-01-02 03:04:05+02'::timestamptz
SELECT '2024-01-02T03:04:05Z'::timestamptz
SELECT '2024-01-02 03:04:05.123456'::timestamp
SELECT '2024-01-02'::timestamptz
SELECT '03:04:05'::time
SELECT '1 day 02:00:00'::interval
SELECT '90 minutes'::interval
SELECT '1 year 2 months 3 days'::interval
SELECT '-1 hour'::interval
SELECT '2024-01-02 03:04:05'::timestamp::date
SELECT '2024-01-02'::date::timestamp
SELECT '2024-01-02 03:04:05+00'::timestamptz::date
SELECT '2024-01-02 03:04:05+00'::timestamptz::text
SELECT '{1,2,3}'::int[]
SELECT '{a,b}'::text[]
SELECT ARRAY[1, 2]::text[]
SELECT '{"a": 1}'::json
SELECT '{"a": 1, "b": [1, 2]}'::jsonb
SELECT '{"b": 1, "a": 2}'::jsonb
SELECT '00000000-0000-4000-8000-00000000d001'::uuid
SELECT 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid
SELECT '\x414243'::bytea
SELECT 'abc'::bytea
SELECT 'pg_type'::regclass
SELECT 'pg_catalog.pg_class'::regclass::oid
SELECT 'int4'::regtype
SELECT 'integer'::regtype::oid
SELECT 25::regtype
SELECT 1259::regclass
SELECT 'text'::regtype::text
SELECT pg_typeof(1), pg_typeof(1.5), pg_typeof('a'), pg_typeof(1::int8)
SELECT pg_typeof(1::float4 + 1::int), pg_typeof(1::int2 * 1::int2)
SELECT pg_typeof(NULL), pg_typeof(ARRAY[1])
SELECT pg_typeof(now()), pg_typeof(current_date)
SELECT x::text FROM generate_series(1, 3) x ORDER BY 1
SELECT s::int * 2 FROM (VALUES ('1'), ('22'), ('333')) v(s)
