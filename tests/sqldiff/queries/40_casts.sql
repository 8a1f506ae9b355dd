-- Casts as pg_cast lists them (PostgreSQL 15's contexts, castfunc and castmethod) and the
-- cast functions called by name, including PostgreSQL's function-style casts: type(x) with
-- no function type(typeof x) is x::type when x is an unknown literal or the cast is
-- binary-coercible or through text.
SELECT text(5)
SELECT int4('7'), int8(5), numeric(2), float8(1), int4(2.5), int2(7), float4(1.5)
SELECT date('2024-01-01'), text(true), varchar(5), name('x'), oid(5)
SELECT bool(1)
SELECT date(timestamp '2024-01-01 10:00'), date(timestamptz '2024-01-01 10:00+00'), timestamptz(date '2024-01-01')
SELECT text('abc'::bpchar), text('x'::name), bpchar('x'::name), name('abc'::varchar)
SELECT int8(x), numeric(x), float8(x), text(x) FROM (VALUES (1), (NULL), (-7)) v(x) ORDER BY 1
SELECT regclass('pg_class'), regclass('pg_class'::text)
SELECT bpchar('abc', 5, false)
SELECT castsource::regtype, casttarget::regtype, castfunc::regprocedure, castcontext, castmethod FROM pg_cast WHERE castsource IN (16, 18, 19, 20, 21, 23, 25, 26, 700, 701, 1042, 1043, 1082, 1083, 1114, 1184, 1186, 1700, 24, 2202, 2205, 2206, 4089) AND casttarget IN (16, 18, 19, 20, 21, 23, 25, 26, 700, 701, 1042, 1043, 1082, 1083, 1114, 1184, 1186, 1700, 24, 2202, 2205, 2206, 4089) AND NOT (castsource = 18 AND casttarget = 23) AND NOT (castsource = 23 AND casttarget = 18) AND NOT (castsource = 1186 AND casttarget = 1083) ORDER BY 1, 2
SELECT c.castsource::regtype, c.casttarget::regtype, p.proname, p.pronargs, p.prorettype::regtype, p.proargtypes FROM pg_cast c JOIN pg_proc p ON p.oid = c.castfunc WHERE c.castsource IN (20, 23, 1042, 1082) AND c.casttarget IN (20, 23, 25, 1042, 1043, 1114, 1184, 1700) ORDER BY 1, 2
SELECT castmethod, count(*) FROM pg_cast WHERE castsource IN (16, 19, 20, 21, 23, 25, 26, 700, 701, 1042, 1043, 1082, 1083, 1114, 1184, 1186, 1700) AND casttarget IN (16, 19, 20, 21, 23, 25, 26, 700, 701, 1042, 1043, 1082, 1083, 1114, 1184, 1186, 1700) GROUP BY 1 ORDER BY 1
SELECT 'json'::regtype, count(*) FROM pg_cast WHERE castsource = 'json'::regtype AND casttarget = 'text'::regtype
SELECT true::text, true::varchar, true::bpchar, 'a'::"char"::bpchar, 'ab'::bpchar::"char", 'x'::varchar::"char"
SELECT 'abc'::char(3)::name, pg_typeof('abc'::bpchar::name)
SELECT uuid('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), interval('1 day'), json('{"a":1}'), bytea('\x01')
SELECT varchar(x), text(x), name(x) FROM (VALUES (1), (22)) v(x) ORDER BY 1
SELECT int4(x) FROM (VALUES ('5'::text)) v(x)
SELECT text(ARRAY[1, 2]), text(now() - now())
SELECT timestamptz('2024-01-01 00:00+00'), date(NULL), text(NULL), int4(NULL)
SELECT bool('t'), bool('yes'), oid('5'), regtype('int4'), regclass('pg_type')
SELECT float8(x) FROM (VALUES ('1.5'::varchar)) v(x)
SELECT count(text(x)) FROM generate_series(1, 3) x
SELECT interval '25 hours 30 minutes'::time, interval '-1 hour'::time, interval '3 days 01:02:03.5'::time, time(interval '2 hours'), (NULL::interval)::time
SELECT castsource::regtype, casttarget::regtype, castfunc::regprocedure, castcontext, castmethod FROM pg_cast WHERE castsource = 'interval'::regtype ORDER BY 2
-- "char": a high-bit byte reads and prints as \ooo (one byte alone is not UTF-8), and casts to and from integer
SELECT 'é'::"char"
SELECT 'a'::"char", ''::"char", 'abc'::"char"
SELECT 'é'::"char"::text
SELECT 'a'::"char"::int4
SELECT 65::"char"
SELECT '\303'::"char", '\101'::"char", '\000'::"char", '\1'::"char"
SELECT 'é'::"char"::int4, '\377'::"char"::int4, (-61)::"char", 0::"char", 127::"char"
SELECT 'é'::"char"::varchar, 'é'::"char" = '\303'::"char", '\303'::text::"char"
SELECT ARRAY['a'::"char", 'é'::"char"]
SELECT x::"char", x::"char"::int4 FROM (VALUES ('A'), ('ü'), ('')) v(x) ORDER BY 2
SELECT int4('b'::"char"), "char"(66)
SELECT castsource::regtype, casttarget::regtype, castfunc::regprocedure, castcontext, castmethod FROM pg_cast WHERE castsource = '"char"'::regtype OR casttarget = '"char"'::regtype ORDER BY 1, 2
