-- Catalog and session queries about objects both servers have: builtin types, the lakeward
-- schema and its decisions table, session settings that clients read.
SELECT current_schema()
SELECT current_schema
SELECT current_schemas(false) AS schemas
SELECT current_setting('server_version_num')::int / 100 AS version
SELECT current_setting('DateStyle'), current_setting('TimeZone'), current_setting('IntervalStyle')
SELECT current_setting('standard_conforming_strings'), current_setting('integer_datetimes')
SELECT current_setting('server_encoding'), current_setting('client_encoding')
SELECT current_setting('search_path')
SELECT current_setting('no_such_setting', true)
SHOW DateStyle
SHOW TimeZone
SHOW standard_conforming_strings
SHOW server_encoding
SHOW client_encoding
SHOW IntervalStyle
SHOW integer_datetimes
SHOW search_path
SELECT set_config('application_name', 'sqldiff', false)
SELECT oid, typname, typlen, typtype, typcategory, typbyval, typdelim, typelem, typarray FROM pg_catalog.pg_type WHERE oid IN (16, 17, 18, 19, 20, 21, 23, 25, 26, 114, 700, 701, 1043, 1082, 1083, 1114, 1184, 1186, 1700, 2950, 3802) ORDER BY oid
SELECT oid, typname, typelem, typcategory FROM pg_type WHERE oid IN (1000, 1005, 1007, 1009, 1016, 1015, 1021, 1022, 1231) ORDER BY oid
SELECT typname, typinput, typoutput FROM pg_type WHERE oid IN (23, 25, 1007) ORDER BY typname
SELECT typinput = 'pg_catalog.array_in'::regproc AS is_array, typtype, typname, oid FROM pg_catalog.pg_type WHERE oid IN (23, 1007, 3802) ORDER BY oid
SELECT t.typname, n.nspname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid IN (16, 25, 1184) ORDER BY 1
SELECT count(*) FROM pg_type WHERE typname IN ('int4', 'text', 'bool', 'timestamptz', 'json')
SELECT oid FROM pg_type WHERE typname = 'int8'
SELECT typname FROM pg_type WHERE oid = 'int4'::regtype
SELECT pg_catalog.format_type(23, NULL), format_type(25, NULL), format_type(1184, NULL), format_type(1043, 20), format_type(1007, NULL)
SELECT format_type(1700, NULL), format_type(16, -1), format_type(701, NULL), format_type(3802, NULL)
SELECT 'int4'::regtype::oid, 'text'::regtype::text, 'timestamptz'::regtype, 'double precision'::regtype
SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema', 'lakeward') ORDER BY 1
SELECT oid FROM pg_namespace WHERE nspname = 'pg_catalog'
SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = 23
SELECT datname FROM pg_catalog.pg_database WHERE datname = 'lakeward'
SELECT pg_encoding_to_char(6)
SELECT relname, relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'lakeward' AND relname = 'decisions'
SELECT c.relname, c.relnatts FROM pg_catalog.pg_class c WHERE c.oid = 'lakeward.decisions'::regclass
SELECT a.attname, a.atttypid, a.attnum, format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a WHERE a.attrelid = 'lakeward.decisions'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
SELECT 'lakeward.decisions'::regclass::text, 'decisions'::regclass::text
SELECT pg_table_is_visible('lakeward.decisions'::regclass)
SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('lakeward', 'pg_catalog', 'information_schema') ORDER BY schema_name
SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema = 'lakeward' ORDER BY table_name
SELECT column_name, data_type, udt_name, ordinal_position FROM information_schema.columns WHERE table_schema = 'lakeward' AND table_name = 'decisions' ORDER BY ordinal_position
SELECT quote_ident(column_name) AS "column", data_type AS "type" FROM information_schema.columns WHERE quote_ident(table_name) = 'decisions' AND quote_ident(table_schema) = 'lakeward' ORDER BY 1
SELECT count(*) FROM information_schema.columns WHERE table_schema = 'lakeward' AND table_name = 'decisions'
SELECT has_schema_privilege('pg_catalog', 'USAGE')
SELECT pg_catalog.obj_description(0, 'pg_class'), col_description(0, 1)
SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'
SELECT oid, proname, pronargs, prorettype FROM pg_proc WHERE proname IN ('version', 'pg_backend_pid', 'current_schemas') ORDER BY proname
SELECT prorettype::regtype, proretset FROM pg_proc WHERE proname = 'generate_subscripts' AND pronargs = 2
SELECT amname FROM pg_am WHERE amname = 'btree'
SELECT count(*) > 0 FROM pg_catalog.pg_settings WHERE name = 'TimeZone'
SELECT name, setting FROM pg_settings WHERE name IN ('DateStyle', 'IntervalStyle', 'standard_conforming_strings') ORDER BY name
SELECT pg_catalog.pg_is_in_recovery()
SELECT 'pg_class'::regclass = 1259::oid, 'pg_type'::regclass::oid
SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_class c ON a.attrelid = c.oid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid WHERE n.nspname = 'lakeward' AND c.relname = 'decisions' AND a.attnum > 0 ORDER BY a.attnum
SELECT c.relname, c.relkind, c.relnatts FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'lakeward' ORDER BY 1
SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'lakeward' AND data_type LIKE 'time%' ORDER BY 1, 2
SELECT typname, typarray, typelem FROM pg_type WHERE typname IN ('int4', 'text', 'bool', '_text') ORDER BY 1
SELECT nspname FROM pg_namespace n WHERE EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'decisions')
SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'pg_catalog' AND t.typname IN ('int2', 'int4', 'int8')
SELECT setting FROM pg_settings WHERE name = 'server_encoding'
SELECT datname, pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'lakeward'
SELECT count(*) FROM information_schema.tables WHERE table_schema = 'pg_catalog' AND table_name IN ('pg_type', 'pg_class', 'pg_namespace')
SELECT c.relname FROM pg_class c WHERE c.relname IN ('pg_type', 'pg_class', 'pg_attribute', 'pg_namespace') ORDER BY 1
SELECT attname, attnum FROM pg_attribute WHERE attrelid = 'pg_catalog.pg_namespace'::regclass AND attnum > 0 ORDER BY attnum
SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'pg_catalog' AND table_name = 'pg_namespace' ORDER BY ordinal_position
SELECT t.typname, t.typlen FROM pg_type t WHERE t.oid = ANY (ARRAY[16, 20, 25]::oid[]) ORDER BY 1
SELECT n.nspname, count(c.oid) > 0 FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid WHERE n.nspname IN ('lakeward', 'pg_catalog') GROUP BY 1 ORDER BY 1
