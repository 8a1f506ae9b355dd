-- Arrays of more than one dimension: lakeward's arrays have one, so every way of writing a
-- bigger one answers 0A000 (never a wrong value): literals, constructors, bounds.
SELECT '{{1,2},{3,4}}'::int[]
SELECT '{{a,b},{c,d}}'::text[]
SELECT '[1:2]={1,2}'::int[]
SELECT ARRAY[[1,2],[3,4]]
SELECT ARRAY[ARRAY[1,2],ARRAY[3,4]]
SELECT (ARRAY[[1,2],[3,4]])[1][2]
SELECT array_dims('{{1,2},{3,4}}'::int[])
SELECT '{"{1,2}",x}'::text[], ('{"{1,2}",x}'::text[])[1]
-- generate_subscripts over one dimension (int2vector and oidvector count from 0)
SELECT s FROM generate_subscripts(ARRAY[5, 6, 7], 1) s ORDER BY s
SELECT * FROM generate_subscripts(ARRAY[5, 6, 7], 1, true) WITH ORDINALITY
SELECT s FROM generate_subscripts(ARRAY[5, 6, 7], 2) s
SELECT s FROM generate_subscripts('{}'::int[], 1) s
SELECT s FROM generate_subscripts(NULL::int[], 1) s
SELECT s FROM generate_subscripts(ARRAY['a', 'b'], NULL) s
SELECT s FROM generate_subscripts(ARRAY[1, 2], 1, NULL) s
SELECT s FROM generate_subscripts('1 2 3'::int2vector, 1) s ORDER BY s
SELECT s, a[s] FROM (SELECT ARRAY['x', 'y', NULL] AS a) t, generate_subscripts(t.a, 1) s ORDER BY s
SELECT oid, proname, pronargs, proretset, prorettype::regtype, proargtypes FROM pg_proc WHERE proname = 'generate_subscripts' ORDER BY oid
