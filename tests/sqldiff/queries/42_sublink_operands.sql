-- The left operand of IN / ANY / ALL (subquery) reads the outer row like any argument: a
-- catalog column only the operand reads is produced by the scan (c.oid IN (SELECT ...) found
-- nothing before), in WHERE, ON, FILTER, HAVING and the select list of grouped queries.
SELECT p.proname FROM pg_proc p WHERE p.oid IN (SELECT oprrest FROM pg_operator WHERE oid = 96)
SELECT p.proname FROM pg_proc p WHERE p.oid = (SELECT oprrest FROM pg_operator WHERE oid = 96)
SELECT p.proname FROM pg_proc p JOIN pg_operator o ON o.oprrest = p.oid WHERE o.oid = 96
SELECT p.proname FROM pg_proc p WHERE p.oid IN (SELECT oprcode FROM pg_operator WHERE oid = 96)
SELECT p.proname FROM pg_proc p WHERE p.oid = 101
SELECT 101::oid IN (SELECT oprrest FROM pg_operator WHERE oid = 96)
SELECT p.proname FROM pg_proc p WHERE p.oid IN (101, 105)
SELECT count(*) FROM pg_proc WHERE oid = 101
SELECT count(*) FROM pg_proc WHERE proname = 'eqsel'
SELECT x FROM generate_series(1, 3) x WHERE x IN (SELECT 2::int8)
SELECT x FROM generate_series(1, 3) x WHERE x::oid IN (SELECT 2::regproc)
SELECT x FROM generate_series(1, 3) x WHERE x::oid IN (SELECT 2::oid)
SELECT x FROM generate_series(1, 3) x WHERE x::oid IN (SELECT 2::regclass)
SELECT x FROM (VALUES (2::oid)) v(x) WHERE x IN (SELECT 2::regproc)
SELECT p.proname FROM pg_proc p WHERE p.oid IN (SELECT oprcode::oid FROM pg_operator WHERE oid = 96)
SELECT p.proname FROM pg_proc p WHERE p.oid IN (SELECT 65::regproc)
SELECT p.proname FROM pg_proc p WHERE p.oid IN (SELECT 65::oid)
SELECT p.proname FROM pg_proc p WHERE p.oid IN (SELECT 65)
SELECT p.proname FROM pg_proc p WHERE p.oid = ANY (SELECT 65::regproc)
SELECT c.relname FROM pg_class c WHERE c.oid IN (SELECT 'pg_proc'::regclass)
SELECT t.typname FROM pg_type t WHERE t.oid IN (SELECT 'int4'::regtype)
SELECT relname FROM pg_class WHERE oid IN (SELECT 1255)
SELECT relname FROM pg_class WHERE relname IN (SELECT 'pg_proc')
SELECT relname FROM pg_class WHERE oid IN (SELECT x FROM (VALUES (1255::oid)) v(x))
SELECT relname FROM pg_class WHERE oid + 0 IN (SELECT 1255)
SELECT relname FROM pg_class WHERE oid IN (SELECT 1255) AND relname LIKE 'pg_pr%'
SELECT relname FROM pg_class WHERE EXISTS (SELECT 1 WHERE 1255 = pg_class.oid)
SELECT count(*) FROM lakeward.decisions WHERE decision IN (SELECT 'allow')
SELECT count(*) FROM lakeward.decisions WHERE decision IN (SELECT decision FROM lakeward.decisions)
SELECT typname FROM pg_type WHERE typelem IN (SELECT 23::oid)
SELECT nspname FROM pg_namespace WHERE oid IN (SELECT 11)
SELECT relname FROM pg_class WHERE oid IN (SELECT 1255 UNION ALL SELECT 1259) ORDER BY 1
SELECT relname FROM pg_class WHERE oid = ANY (ARRAY[1255::oid])
SELECT relname FROM pg_class WHERE oid IN (1255)
SELECT relname FROM (SELECT oid, relname FROM pg_class) c WHERE oid IN (SELECT 1255)
SELECT relname FROM pg_class WHERE oid NOT IN (SELECT 1255) AND relname = 'pg_proc'
SELECT nspname FROM pg_namespace WHERE (oid IN (SELECT 11)) IS TRUE
SELECT nspname FROM pg_namespace WHERE oid IN (SELECT 11) OR false
SELECT x, x IN (SELECT 2) FROM generate_series(1, 3) x GROUP BY x ORDER BY x
SELECT x IN (SELECT 2) FROM generate_series(1, 3) x GROUP BY x IN (SELECT 2) ORDER BY 1
SELECT count(*) FILTER (WHERE x IN (SELECT 2)) FROM generate_series(1, 3) x
SELECT a.x FROM generate_series(1, 3) a(x) JOIN generate_series(2, 4) b(y) ON a.x = b.y AND b.y IN (SELECT 3) ORDER BY 1
SELECT a.x, b.y FROM generate_series(1, 3) a(x) LEFT JOIN generate_series(2, 4) b(y) ON b.y IN (SELECT 3) AND a.x < b.y ORDER BY 1, 2
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid IN (SELECT 'pg_proc'::regclass) AND n.oid IN (SELECT 11)
SELECT x FROM generate_series(1, 3) x WHERE x > ALL (SELECT 1) ORDER BY 1
SELECT x FROM generate_series(1, 3) x GROUP BY x HAVING x IN (SELECT 2)
SELECT relname FROM pg_class WHERE oid IN (SELECT oid FROM pg_class WHERE relname = 'pg_type')
