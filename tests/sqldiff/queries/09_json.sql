-- json and jsonb functions and operators.
SELECT '{"a": 1, "b": "x"}'::json -> 'a'
SELECT '{"a": 1, "b": "x"}'::json ->> 'b'
SELECT '{"a": {"b": [1, 2]}}'::jsonb -> 'a' -> 'b' -> 1
SELECT '{"a": {"b": [1, 2]}}'::jsonb #> '{a,b}', '{"a": {"b": [1, 2]}}'::jsonb #>> '{a,b,0}'
SELECT '[1, 2, 3]'::jsonb -> 0, '[1, 2, 3]'::jsonb ->> -1
SELECT '{"a": null}'::jsonb -> 'a', '{"a": null}'::jsonb ->> 'a', '{"a": 1}'::jsonb -> 'z'
SELECT '{"a": 1}'::jsonb ? 'a', '{"a": 1}'::jsonb ? 'b'
SELECT '{"a": 1, "b": 2}'::jsonb ?| ARRAY['b', 'c'], '{"a": 1, "b": 2}'::jsonb ?& ARRAY['a', 'c']
SELECT '{"a": 1, "b": 2}'::jsonb @> '{"a": 1}', '{"a": 1}'::jsonb <@ '{"a": 1, "b": 2}'
SELECT '{"a": 1}'::jsonb || '{"b": 2}', '{"a": 1, "b": 2}'::jsonb - 'a'
SELECT jsonb_typeof('1'), jsonb_typeof('"x"'), jsonb_typeof('[]'), jsonb_typeof('{}'), jsonb_typeof('null'), jsonb_typeof('true')
SELECT json_typeof('1.5'::json)
SELECT jsonb_array_length('[1, 2, 3]'), json_array_length('[]')
SELECT jsonb_build_object('a', 1, 'b', 'x', 'c', NULL)
SELECT json_build_object('a', 1, 'b', true)
SELECT jsonb_build_array(1, 'two', NULL, false), json_build_array()
SELECT to_json('text'::text), to_jsonb(42), to_jsonb(ARRAY[1, 2]), to_json(NULL::int)
SELECT row_to_json(t) FROM (SELECT 1 AS a, 'x' AS b) t
SELECT jsonb_agg(x ORDER BY x) FROM generate_series(1, 3) x
SELECT json_agg(s ORDER BY s) FROM (VALUES ('b'), ('a')) v(s)
SELECT jsonb_object_agg(k, v ORDER BY k) FROM (VALUES ('a', 1), ('b', 2)) t(k, v)
SELECT key, value FROM jsonb_each('{"a": 1, "b": [2]}') ORDER BY key
SELECT key, value FROM jsonb_each_text('{"a": 1, "b": "x"}') ORDER BY key
SELECT jsonb_object_keys('{"b": 1, "a": 2}') AS k ORDER BY k
SELECT value FROM jsonb_array_elements('[1, "a", null]') WITH ORDINALITY AS e(value, n) ORDER BY n
SELECT jsonb_array_elements_text('["x", "y"]') AS e ORDER BY e
SELECT jsonb_extract_path('{"a": {"b": 1}}', 'a', 'b'), jsonb_extract_path_text('{"a": {"b": 1}}', 'a', 'b')
SELECT jsonb_set('{"a": 1}', '{b}', '2'), jsonb_strip_nulls('{"a": null, "b": 1}')
SELECT jsonb_pretty('{"a": [1, 2]}')
SELECT '{"a": 1}'::jsonb = '{"a": 1.0}'::jsonb, '[1, 2]'::jsonb = '[2, 1]'::jsonb
SELECT ('{"n": 5}'::jsonb ->> 'n')::int + 1
SELECT j ->> 'user' AS u FROM (VALUES ('{"user": "alice"}'::jsonb), ('{"user": "bob"}')) v(j) ORDER BY u
SELECT count(*) FROM (VALUES ('{"ok": true}'::jsonb), ('{"ok": false}')) v(j) WHERE (j ->> 'ok')::boolean
SELECT '{"a": 1}'::json::jsonb, '{"b":2,  "a":1}'::json::text
SELECT '"\u00e9"'::jsonb, '1e2'::jsonb, '[1.50]'::jsonb
SELECT jsonb_path_query_first('{"a": [1, 2, 3]}', '$.a[1]')
SELECT jsonb_path_exists('{"a": 1}', '$.a')
