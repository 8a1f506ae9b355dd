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
