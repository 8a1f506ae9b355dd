-- Arrays and array functions.
SELECT ARRAY[1, 2, 3]
SELECT ARRAY['a', 'b']
SELECT ARRAY[1.5, 2]
SELECT ARRAY[[1, 2], [3, 4]]
SELECT ARRAY[]::int[]
SELECT ARRAY[NULL, 1]
SELECT ARRAY['a b', 'c"d', NULL, '']
SELECT (ARRAY[10, 20, 30])[2], (ARRAY[10, 20, 30])[5]
SELECT (ARRAY[10, 20, 30])[2:3], (ARRAY[10, 20, 30])[:2]
SELECT (ARRAY[[1, 2], [3, 4]])[2][1]
SELECT array_length(ARRAY[1, 2, 3], 1), array_length(ARRAY[]::int[], 1)
SELECT cardinality(ARRAY[1, 2, 3]), cardinality(ARRAY[[1, 2], [3, 4]])
SELECT array_lower(ARRAY[1, 2], 1), array_upper(ARRAY[1, 2], 1), array_ndims(ARRAY[[1]])
SELECT array_dims(ARRAY[[1, 2], [3, 4]])
SELECT array_append(ARRAY[1, 2], 3), array_prepend(0, ARRAY[1, 2]), array_cat(ARRAY[1], ARRAY[2, 3])
SELECT ARRAY[1, 2] || 3, 0 || ARRAY[1, 2], ARRAY[1] || ARRAY[2]
SELECT array_position(ARRAY['a', 'b', 'c'], 'b'), array_positions(ARRAY[1, 2, 1], 1)
SELECT array_remove(ARRAY[1, 2, 1, 3], 1), array_replace(ARRAY[1, 2, 1], 1, 9)
SELECT ARRAY[1, 2, 3] @> ARRAY[2], ARRAY[1] <@ ARRAY[1, 2], ARRAY[1, 2] && ARRAY[2, 3]
SELECT ARRAY[1, 2] = ARRAY[1, 2], ARRAY[1, 2] < ARRAY[1, 3]
SELECT unnest(ARRAY[1, 2, 3])
SELECT unnest(ARRAY['x', NULL, 'z'])
SELECT x FROM unnest(ARRAY[3, 1, 2]) AS x ORDER BY x
SELECT * FROM unnest(ARRAY[1, 2], ARRAY['a', 'b', 'c']) AS t(n, s)
SELECT x, o FROM unnest(ARRAY['a', 'b']) WITH ORDINALITY AS t(x, o) ORDER BY o
SELECT array_agg(x) FROM (VALUES (3), (1), (2)) v(x)
SELECT array_agg(x ORDER BY x) FROM (VALUES (3), (1), (2)) v(x)
SELECT array_agg(x ORDER BY x DESC) FROM generate_series(1, 4) x
SELECT ARRAY(SELECT x FROM generate_series(1, 3) x ORDER BY x DESC)
SELECT ARRAY(SELECT 'r' || x FROM generate_series(1, 2) x ORDER BY x)
SELECT array_to_string(ARRAY[1, 2, 3], '|')
SELECT string_to_array('1 2 3', ' ')::int[]
SELECT 2 = ANY (string_to_array('1,2,3', ',')::int[])
SELECT array_fill(0, ARRAY[3])
SELECT generate_subscripts(ARRAY['a', 'b', 'c'], 1)
SELECT current_schemas(false)
SELECT (current_schemas(false))[1]
SELECT ARRAY[1, 2, NULL]::float8[], ARRAY[1.5, 2.5]::int4[], ARRAY[1, 2]::text[]
SELECT '{1,2}'::text[]::int8[], ARRAY['2024-01-02']::date[], ARRAY[1, 2]::numeric[] || 3.5
SELECT pg_typeof(ARRAY[1, 2]::int8[]), ARRAY[]::int4[]::float8[]
