-- Ordered-set aggregates: percentile_cont, percentile_disc (one fraction and arrays of them), mode.
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 10) x
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 11) x
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 10) x
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 11) x
SELECT percentile_cont(0) WITHIN GROUP (ORDER BY x), percentile_cont(1) WITHIN GROUP (ORDER BY x) FROM generate_series(3, 9) x
SELECT percentile_disc(0) WITHIN GROUP (ORDER BY x), percentile_disc(1) WITHIN GROUP (ORDER BY x) FROM generate_series(3, 9) x
SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY x), percentile_cont(0.99) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 1000) x
SELECT percentile_disc(0.95) WITHIN GROUP (ORDER BY x), percentile_disc(0.99) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 1000) x
SELECT percentile_cont(0.333) WITHIN GROUP (ORDER BY x * 1.5) FROM generate_series(1, 7) x
SELECT percentile_cont(0.1) WITHIN GROUP (ORDER BY x::float8 / 7) FROM generate_series(1, 13) x
SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY x DESC) FROM generate_series(1, 10) x
SELECT percentile_disc(0.25) WITHIN GROUP (ORDER BY x DESC) FROM generate_series(1, 10) x
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x DESC NULLS LAST) FROM (VALUES (1), (NULL), (4), (10)) v(x)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES (1), (NULL), (3), (NULL)) v(x)
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES (NULL::int), (NULL)) v(x)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 0) x
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 0) x
SELECT percentile_cont(NULL) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 5) x
SELECT percentile_disc(NULL::float8) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 5) x
SELECT percentile_cont('0.5') WITHIN GROUP (ORDER BY x) FROM generate_series(1, 4) x
SELECT percentile_cont(0.5::float4) WITHIN GROUP (ORDER BY x::float4) FROM generate_series(1, 4) x
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x::numeric) FROM generate_series(1, 4) x
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x::int8) FROM generate_series(1, 4) x
SELECT pg_typeof(percentile_cont(0.5) WITHIN GROUP (ORDER BY x)), pg_typeof(percentile_disc(0.5) WITHIN GROUP (ORDER BY x)) FROM generate_series(1, 4) x
SELECT pg_typeof(percentile_disc(0.5) WITHIN GROUP (ORDER BY x::numeric)), pg_typeof(mode() WITHIN GROUP (ORDER BY x::text)) FROM generate_series(1, 4) x
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM (VALUES ('1 day'::interval), ('3 days'), ('2 hours')) t(v)
SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY v) FROM (VALUES ('1 hour'::interval), ('3 hours'), ('10 minutes'), ('2 hours')) t(v)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM (VALUES ('1 day'::interval), ('2 days')) t(v)
SELECT percentile_cont(0.75) WITHIN GROUP (ORDER BY v) FROM (VALUES ('10 seconds'::interval), ('20 seconds'), ('40 seconds')) t(v)
SELECT pg_typeof(percentile_cont(0.5) WITHIN GROUP (ORDER BY v)) FROM (VALUES ('1 day'::interval)) t(v)
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY s) FROM (VALUES ('pear'), ('apple'), ('fig'), ('kiwi')) v(s)
SELECT percentile_disc(0.75) WITHIN GROUP (ORDER BY d) FROM (VALUES ('2024-01-02'::date), ('2023-05-06'), ('2025-01-01')) v(d)
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t) FROM (VALUES ('2024-01-02 10:00'::timestamptz), ('2024-01-02 09:00'), ('2024-01-03 00:00')) v(t)
SELECT percentile_disc(0.4) WITHIN GROUP (ORDER BY x::numeric / 3) FROM generate_series(1, 9) x
SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 100) x
SELECT percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 100) x
SELECT percentile_cont(ARRAY[0, 0.25, NULL, 1]) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 10) x
SELECT percentile_disc(ARRAY[1, 0, 0.5]::float8[]) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 10) x
SELECT percentile_cont('{0.1,0.9}') WITHIN GROUP (ORDER BY x) FROM generate_series(1, 10) x
SELECT percentile_cont(ARRAY[0.5]) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 0) x
SELECT percentile_cont(NULL::float8[]) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x
SELECT percentile_cont(ARRAY[]::float8[]) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x
SELECT percentile_cont(ARRAY[0.5, 0.75]) WITHIN GROUP (ORDER BY v) FROM (VALUES ('1 hour'::interval), ('3 hours'), ('2 hours')) t(v)
SELECT percentile_disc(ARRAY[0.5, 0.75]) WITHIN GROUP (ORDER BY s) FROM (VALUES ('b'), ('a'), ('c'), ('d')) v(s)
SELECT pg_typeof(percentile_cont(ARRAY[0.5]) WITHIN GROUP (ORDER BY x)), pg_typeof(percentile_disc(ARRAY[0.5]) WITHIN GROUP (ORDER BY x)) FROM generate_series(1, 3) x
SELECT mode() WITHIN GROUP (ORDER BY x % 4) FROM generate_series(1, 10) x
SELECT mode() WITHIN GROUP (ORDER BY x % 4 DESC) FROM generate_series(1, 8) x
SELECT mode() WITHIN GROUP (ORDER BY x % 4) FROM generate_series(1, 8) x
SELECT mode() WITHIN GROUP (ORDER BY s) FROM (VALUES ('b'), ('a'), (NULL), ('b'), (NULL), (NULL)) v(s)
SELECT mode() WITHIN GROUP (ORDER BY x) FROM generate_series(1, 0) x
SELECT mode() WITHIN GROUP (ORDER BY b) FROM (VALUES (true), (false), (false)) v(b)
SELECT x % 3 AS g, percentile_cont(0.5) WITHIN GROUP (ORDER BY x), percentile_disc(0.5) WITHIN GROUP (ORDER BY x), mode() WITHIN GROUP (ORDER BY x % 2) FROM generate_series(1, 20) x GROUP BY 1 ORDER BY 1
SELECT x % 3 AS g, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 20) x GROUP BY 1 ORDER BY 1
SELECT x % 4 AS g, percentile_cont((x % 4) / 4.0) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 20) x GROUP BY x % 4 ORDER BY 1
SELECT g, percentile_disc(g / 10.0) WITHIN GROUP (ORDER BY x) FROM (SELECT x % 5 AS g, x FROM generate_series(1, 50) x) s GROUP BY g ORDER BY g
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FILTER (WHERE x % 2 = 0) FROM generate_series(1, 10) x
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FILTER (WHERE x > 100) FROM generate_series(1, 10) x
SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY x), max(x) FROM generate_series(1, 10) x HAVING percentile_cont(0.5) WITHIN GROUP (ORDER BY x) > 5
SELECT x % 2 AS g FROM generate_series(1, 10) x GROUP BY 1 HAVING percentile_disc(0.5) WITHIN GROUP (ORDER BY x) < 6 ORDER BY 1
SELECT x % 3 AS g FROM generate_series(1, 30) x GROUP BY 1 ORDER BY percentile_cont(0.5) WITHIN GROUP (ORDER BY x) DESC
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) + 1, round(percentile_cont(0.9) WITHIN GROUP (ORDER BY x)::numeric, 2) FROM generate_series(1, 10) x
SELECT (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY y) FROM generate_series(1, x) y) FROM generate_series(1, 4) x ORDER BY 1
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY f) FROM (VALUES (1.0::float8), ('NaN'), (3.0)) v(f)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY f) FROM (VALUES ('-Infinity'::float8), ('Infinity')) v(f)
SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY f), percentile_disc(0.9) WITHIN GROUP (ORDER BY f) FROM (VALUES (-0.0::float8), (0.0), (2.5), ('Infinity')) v(f)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) OVER () FROM generate_series(1, 3) x
SELECT p.oid::int, proname, pg_get_function_arguments(p.oid), pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid), prokind, pronargs FROM pg_proc p WHERE proname IN ('percentile_cont', 'percentile_disc', 'mode') ORDER BY 1
