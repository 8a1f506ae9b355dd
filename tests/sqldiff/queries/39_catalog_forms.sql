-- Catalog areas tools read: pg_attribute and information_schema.columns of a lakeward table,
-- format_type with and without typmods, pg_get_*, array_to_string, the text forms of
-- regclass/regtype/regnamespace, pg_type's layout columns, pg_am's handlers.
SELECT a.attname, a.atttypid::regtype, a.attnum, a.attnotnull, a.atthasdef, a.attlen, a.atttypmod, a.attndims, a.attbyval, a.attalign, a.attstorage, a.attidentity, a.attgenerated, a.attisdropped, a.attcollation FROM pg_attribute a WHERE a.attrelid = 'lakeward.decisions'::regclass AND a.attnum > 0 ORDER BY a.attnum
SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = 'lakeward.decisions'::regclass AND a.attnum > 0 ORDER BY a.attnum
SELECT count(*) FROM pg_attrdef WHERE adrelid = 'lakeward.decisions'::regclass
SELECT count(*) FROM pg_index WHERE indrelid = 'lakeward.decisions'::regclass
SELECT count(*) FROM pg_constraint WHERE conrelid = 'lakeward.decisions'::regclass
SELECT count(*) FROM pg_description WHERE objoid = 'lakeward.decisions'::regclass
SELECT column_name, data_type, udt_name, is_nullable, column_default, ordinal_position, character_maximum_length, numeric_precision, numeric_scale, datetime_precision, is_identity, is_generated, udt_schema, dtd_identifier FROM information_schema.columns WHERE table_schema = 'lakeward' AND table_name = 'decisions' ORDER BY ordinal_position
SELECT format_type(23, NULL), format_type(23, -1), format_type(1043, 20), format_type(1042, 5), format_type(1700, 655366), format_type(1114, 3), format_type(1184, 6), format_type(1007, NULL), format_type(1015, 14), format_type(0, NULL), format_type(999999, NULL), format_type(NULL, 1)
SELECT format_type(16, NULL), format_type(18, NULL), format_type(19, NULL), format_type(1186, NULL), format_type(1186, 3), format_type(1083, 2), format_type(2950, NULL), format_type(3802, NULL), format_type(2249, NULL), format_type(2276, NULL), format_type(1000, NULL), format_type(22, NULL)
SELECT format_type('int4'::regtype, NULL), format_type('varchar'::regtype, 14), format_type('numeric'::regtype, 65540), format_type('bpchar'::regtype, -1), format_type('bpchar'::regtype, NULL)
SELECT pg_get_expr(NULL, 0), pg_get_expr(NULL, 'lakeward.decisions'::regclass)
SELECT array_to_string(ARRAY[1, 2, 3], ','), array_to_string(ARRAY['a', NULL, 'c'], '-'), array_to_string(ARRAY['a', NULL, 'c'], '-', '*'), array_to_string(ARRAY[]::int[], ','), array_to_string(NULL::int[], ',')
SELECT array_to_string(ARRAY[1.5, 2.25]::float8[], '|'), array_to_string(ARRAY[true, false], ''), array_to_string(ARRAY[date '2024-01-01'], ';')
SELECT 'pg_class'::regclass, 'pg_catalog.pg_class'::regclass, '"pg_class"'::regclass, 'lakeward.decisions'::regclass, 'decisions'::regclass, ' pg_type '::regclass
SELECT 'pg_class'::regclass::oid, 'pg_type'::regclass::oid, 'pg_namespace'::regclass::oid, 'pg_attribute'::regclass::oid, 'pg_proc'::regclass::oid
SELECT 'int4'::regtype, 'integer'::regtype, 'int'::regtype, 'character varying'::regtype, 'varchar'::regtype, 'timestamptz'::regtype, 'timestamp with time zone'::regtype, 'double precision'::regtype, 'float8'::regtype, 'bool'::regtype
SELECT 'int4[]'::regtype, '_int4'::regtype, 'text[]'::regtype, '"char"'::regtype, 'char'::regtype, 'bpchar'::regtype, 'character'::regtype, 'name'::regtype, 'pg_catalog.int8'::regtype
SELECT 'smallint'::regtype, 'real'::regtype, 'decimal'::regtype, 'numeric'::regtype, 'interval'::regtype, 'time'::regtype, 'timestamp'::regtype, 'date'::regtype, 'json'::regtype, 'jsonb'::regtype, 'uuid'::regtype, 'bytea'::regtype, 'oid'::regtype, 'regclass'::regtype
SELECT 'varchar(10)'::regtype, 'numeric(10,2)'::regtype, 'int4 []'::regtype
SELECT 'nosuchrel'::regclass
SELECT 'nosuchschema.pg_class'::regclass
SELECT 1259::regclass, 0::regclass, 99999999::regclass, 23::regtype, 0::regtype, 99999999::regtype, 11::regnamespace, 99999999::regnamespace
SELECT 'nosuch'::regnamespace
SELECT c.relname, c.relkind, c.relnatts, c.relhasindex, c.relpersistence, c.relispartition FROM pg_class c WHERE c.oid = 'lakeward.decisions'::regclass
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname IN ('pg_class', 'pg_type', 'pg_proc', 'pg_attribute', 'pg_namespace') ORDER BY 2
SELECT typname, typtype, typcategory, typlen, typbyval, typalign, typstorage, typelem, typarray, typnotnull, typbasetype, typtypmod, typndims, typcollation, typdelim, typrelid FROM pg_type WHERE typname IN ('bool', 'bytea', 'char', 'name', 'int8', 'int2', 'int2vector', 'int4', 'regproc', 'text', 'oid', 'oidvector', 'json', 'float4', 'float8', 'unknown', 'bpchar', 'varchar', 'date', 'time', 'timestamp', 'timestamptz', 'interval', 'numeric', 'regprocedure', 'regclass', 'regtype', 'uuid', 'jsonb', 'regnamespace', 'record', 'void', 'any', 'anyarray', 'anyelement', 'anynonarray') ORDER BY typname
SELECT typname, typtype, typcategory, typlen, typbyval, typalign, typstorage, typelem, typarray, typcollation FROM pg_type WHERE typname IN ('_bool', '_bytea', '_char', '_name', '_int8', '_int2', '_int2vector', '_int4', '_regproc', '_text', '_oid', '_oidvector', '_json', '_float4', '_float8', '_bpchar', '_varchar', '_date', '_time', '_timestamp', '_timestamptz', '_interval', '_numeric', '_regprocedure', '_regclass', '_regtype', '_uuid', '_jsonb', '_regnamespace', '_record') ORDER BY typname
SELECT t.typname, pg_catalog.format_type(t.oid, NULL) FROM pg_type t WHERE t.typname IN ('bool', 'int2vector', 'oidvector', 'char', 'bpchar', '_bpchar', '_char', 'name', '_name', 'any', 'record', '_record', 'unknown', 'timestamptz', '_timestamptz') ORDER BY 1
SELECT amname, amhandler, amtype FROM pg_am WHERE amname IN ('heap', 'btree', 'hash') ORDER BY 1
SELECT collname, collprovider, collencoding FROM pg_collation WHERE oid IN (100, 950, 951) ORDER BY 1
SELECT pg_get_userbyid(10) IS NOT NULL, pg_get_userbyid(0), pg_get_userbyid(999999)
SELECT pg_get_indexdef(0), pg_get_constraintdef(0), pg_get_viewdef(0), pg_get_triggerdef(0), pg_get_ruledef(0)
SELECT pg_get_function_arguments(0), pg_get_function_result(0), pg_get_function_identity_arguments(0)
SELECT format_type(1186, 2147418115), format_type(1186, 458751), format_type(1186, 2147418111), format_type(1186, 262143), format_type(1186, 67108870), format_type(1186, 2147483647)
SELECT format_type(1700, 2), format_type(1700, 4), format_type(1043, 4), format_type(1043, 5), format_type(1042, 3), format_type(25, 5), format_type(2950, 0), format_type(16, 7), format_type(1083, 0), format_type(1231, 655366), format_type(1183, 3), format_type(1115, -1)
SELECT format_type(oid, NULL) FROM pg_type WHERE typname IN ('table_am_handler', 'index_am_handler', 'cstring', 'internal') ORDER BY 1
SELECT 'varchar(10)'::regtype, 'numeric(10,2)'::regtype, 'int4 []'::regtype, 'varchar(10)[]'::regtype, 'timestamp(3) with time zone'::regtype
SELECT oid, amname, amhandler, amhandler::oid, amtype FROM pg_am WHERE amname IN ('heap', 'btree', 'hash') ORDER BY oid
SELECT a.amname, p.proname, p.prorettype::regtype, p.proargtypes FROM pg_am a JOIN pg_proc p ON p.oid = a.amhandler WHERE a.amname IN ('heap', 'btree', 'hash') ORDER BY 1
SELECT proname, proisstrict FROM pg_proc WHERE prokind = 'a' AND proisstrict
SELECT pg_function_is_visible(0), pg_get_function_arguments(0), pg_get_function_result(0), 0::regproc, 0::regprocedure
SELECT 'timestamp (3)'::regtype, 'interval(2)'::regtype, 'foo(3)'::regtype
-- pg_operator's planner facts (commutator, negator, estimators, merge/hash) and the estimators' pg_proc rows
SELECT oid, oprname, oprkind, oprcanmerge, oprcanhash, oprcom, oprnegate, oprrest, oprjoin FROM pg_operator WHERE oid IN (96, 97, 518, 521, 98, 664, 551, 1209, 641, 1337, 654, 1100, 1752) ORDER BY oid
SELECT o.oprname, o.oprleft::regtype, o.oprcanmerge, o.oprcanhash, c.oprname AS com, n.oprname AS neg, o.oprrest, o.oprjoin FROM pg_operator o LEFT JOIN pg_operator c ON c.oid = o.oprcom LEFT JOIN pg_operator n ON n.oid = o.oprnegate WHERE o.oprleft = o.oprright AND o.oprleft IN (16, 17, 18, 19, 20, 21, 23, 25, 26, 700, 701, 1042, 1082, 1083, 1114, 1184, 1186, 1700, 2277, 2950) AND o.oprname IN ('=', '<>', '<', '<=', '>', '>=') ORDER BY 2, 1
SELECT p.proname, p.pronargs, p.prorettype::regtype, p.provolatile FROM pg_proc p WHERE p.oid IN (SELECT oprrest FROM pg_operator WHERE oid IN (96, 97, 1209, 641)) OR p.oid IN (SELECT oprjoin FROM pg_operator WHERE oid IN (96, 97, 1209, 641)) ORDER BY 1
SELECT eqsel(NULL, 0, NULL, 0)
SELECT o.oid, o.oprcom, o.oprnegate, o.oprrest, o.oprjoin, o.oprcanmerge, o.oprcanhash FROM pg_operator o WHERE o.oid IN (439, 484, 514, 526, 550, 551, 586, 591, 641, 642, 654, 1076, 1099, 1100, 1209, 1210, 1228, 1229, 1327, 1337, 1360, 1399, 1627, 1628, 1758, 2555, 2779) ORDER BY 1
-- pg_proc rows of functions lakeward once filed under another function's OID (dround, numeric_abs, character_length(bpchar), the extract pair) and volatility of the time zone-dependent operators
SELECT oid, proname, proargtypes, prorettype, provolatile, proisstrict FROM pg_proc WHERE oid IN (1381, 1369, 1342, 1343, 1344, 1368, 2169, 1705, 6202, 6203, 3260, 1189, 1190, 2549, 2003, 2004, 1188) ORDER BY oid
SELECT proname, pg_get_function_arguments(oid), pg_get_function_result(oid) FROM pg_proc WHERE oid IN (1381, 1342, 1368, 2169, 1705, 6202, 6203, 3260) ORDER BY oid
SELECT round(2.5::float8), trunc(-2.5::float8), sqrt(2::float8), power(2::float8, 10), abs(-2.5), char_length('abc'), extract(year FROM timestamp '2024-05-06'), extract(hour FROM timestamptz '2024-05-06 07:00+00')
