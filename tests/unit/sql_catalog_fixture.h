/* sql_catalog_fixture.h -- PostgreSQL 15's columns (name and pg_type.typname, in order) of
 * every catalog relation lakeward emulates, read from a real PostgreSQL 15's pg_attribute;
 * information_schema domains are given as their base types (what the wire shows), and the
 * types lakeward does not register as the ones it shows instead: aclitem[] as _text,
 * pg_node_tree as text, xid as oid, anyarray (attmissingval) as _text. */
#ifndef SQL_CATALOG_FIXTURE_H
#define SQL_CATALOG_FIXTURE_H

static const struct {
    const char *schema, *name, *columns;
} pg15_columns[] = {
    {"information_schema", "character_sets",
     "character_set_catalog name, character_set_schema name, character_set_name "
     "name, character_repertoire name, form_of_use name, default_collate_catalog "
     "name, default_collate_schema name, default_collate_name name"},
    {"information_schema", "columns",
     "table_catalog name, table_schema name, table_name name, column_name name, "
     "ordinal_position int4, column_default varchar, is_nullable varchar, "
     "data_type varchar, character_maximum_length int4, character_octet_length "
     "int4, numeric_precision int4, numeric_precision_radix int4, numeric_scale "
     "int4, datetime_precision int4, interval_type varchar, interval_precision "
     "int4, character_set_catalog name, character_set_schema name, "
     "character_set_name name, collation_catalog name, collation_schema name, "
     "collation_name name, domain_catalog name, domain_schema name, domain_name "
     "name, udt_catalog name, udt_schema name, udt_name name, scope_catalog name, "
     "scope_schema name, scope_name name, maximum_cardinality int4, "
     "dtd_identifier name, is_self_referencing varchar, is_identity varchar, "
     "identity_generation varchar, identity_start varchar, identity_increment "
     "varchar, identity_maximum varchar, identity_minimum varchar, identity_cycle "
     "varchar, is_generated varchar, generation_expression varchar, is_updatable "
     "varchar"},
    {"information_schema", "routines",
     "specific_catalog name, specific_schema name, specific_name name, "
     "routine_catalog name, routine_schema name, routine_name name, routine_type "
     "varchar, module_catalog name, module_schema name, module_name name, "
     "udt_catalog name, udt_schema name, udt_name name, data_type varchar, "
     "character_maximum_length int4, character_octet_length int4, "
     "character_set_catalog name, character_set_schema name, character_set_name "
     "name, collation_catalog name, collation_schema name, collation_name name, "
     "numeric_precision int4, numeric_precision_radix int4, numeric_scale int4, "
     "datetime_precision int4, interval_type varchar, interval_precision int4, "
     "type_udt_catalog name, type_udt_schema name, type_udt_name name, "
     "scope_catalog name, scope_schema name, scope_name name, maximum_cardinality "
     "int4, dtd_identifier name, routine_body varchar, routine_definition "
     "varchar, external_name varchar, external_language varchar, parameter_style "
     "varchar, is_deterministic varchar, sql_data_access varchar, is_null_call "
     "varchar, sql_path varchar, schema_level_routine varchar, "
     "max_dynamic_result_sets int4, is_user_defined_cast varchar, "
     "is_implicitly_invocable varchar, security_type varchar, "
     "to_sql_specific_catalog name, to_sql_specific_schema name, "
     "to_sql_specific_name name, as_locator varchar, created timestamptz, "
     "last_altered timestamptz, new_savepoint_level varchar, is_udt_dependent "
     "varchar, result_cast_from_data_type varchar, result_cast_as_locator "
     "varchar, result_cast_char_max_length int4, result_cast_char_octet_length "
     "int4, result_cast_char_set_catalog name, result_cast_char_set_schema name, "
     "result_cast_char_set_name name, result_cast_collation_catalog name, "
     "result_cast_collation_schema name, result_cast_collation_name name, "
     "result_cast_numeric_precision int4, result_cast_numeric_precision_radix "
     "int4, result_cast_numeric_scale int4, result_cast_datetime_precision int4, "
     "result_cast_interval_type varchar, result_cast_interval_precision int4, "
     "result_cast_type_udt_catalog name, result_cast_type_udt_schema name, "
     "result_cast_type_udt_name name, result_cast_scope_catalog name, "
     "result_cast_scope_schema name, result_cast_scope_name name, "
     "result_cast_maximum_cardinality int4, result_cast_dtd_identifier name"},
    {"information_schema", "schemata",
     "catalog_name name, schema_name name, schema_owner name, "
     "default_character_set_catalog name, default_character_set_schema name, "
     "default_character_set_name name, sql_path varchar"},
    {"information_schema", "tables",
     "table_catalog name, table_schema name, table_name name, table_type varchar, "
     "self_referencing_column_name name, reference_generation varchar, "
     "user_defined_type_catalog name, user_defined_type_schema name, "
     "user_defined_type_name name, is_insertable_into varchar, is_typed varchar, "
     "commit_action varchar"},
    {"information_schema", "views",
     "table_catalog name, table_schema name, table_name name, view_definition "
     "varchar, check_option varchar, is_updatable varchar, is_insertable_into "
     "varchar, is_trigger_updatable varchar, is_trigger_deletable varchar, "
     "is_trigger_insertable_into varchar"},
    {"pg_catalog", "pg_am",
     "oid oid, amname name, amhandler regproc, amtype char"},
    {"pg_catalog", "pg_attrdef",
     "oid oid, adrelid oid, adnum int2, adbin text"},
    {"pg_catalog", "pg_attribute",
     "attrelid oid, attname name, atttypid oid, attstattarget int4, attlen int2, "
     "attnum int2, attndims int4, attcacheoff int4, atttypmod int4, attbyval "
     "bool, attalign char, attstorage char, attcompression char, attnotnull bool, "
     "atthasdef bool, atthasmissing bool, attidentity char, attgenerated char, "
     "attisdropped bool, attislocal bool, attinhcount int4, attcollation oid, "
     "attacl _text, attoptions _text, attfdwoptions _text, attmissingval _text"},
    {"pg_catalog", "pg_auth_members",
     "roleid oid, member oid, grantor oid, admin_option bool"},
    {"pg_catalog", "pg_cast",
     "oid oid, castsource oid, casttarget oid, castfunc oid, castcontext char, "
     "castmethod char"},
    {"pg_catalog", "pg_class",
     "oid oid, relname name, relnamespace oid, reltype oid, reloftype oid, "
     "relowner oid, relam oid, relfilenode oid, reltablespace oid, relpages int4, "
     "reltuples float4, relallvisible int4, reltoastrelid oid, relhasindex bool, "
     "relisshared bool, relpersistence char, relkind char, relnatts int2, "
     "relchecks int2, relhasrules bool, relhastriggers bool, relhassubclass bool, "
     "relrowsecurity bool, relforcerowsecurity bool, relispopulated bool, "
     "relreplident char, relispartition bool, relrewrite oid, relfrozenxid oid, "
     "relminmxid oid, relacl _text, reloptions _text, relpartbound text"},
    {"pg_catalog", "pg_collation",
     "oid oid, collname name, collnamespace oid, collowner oid, collprovider "
     "char, collisdeterministic bool, collencoding int4, collcollate text, "
     "collctype text, colliculocale text, collversion text"},
    {"pg_catalog", "pg_constraint",
     "oid oid, conname name, connamespace oid, contype char, condeferrable bool, "
     "condeferred bool, convalidated bool, conrelid oid, contypid oid, conindid "
     "oid, conparentid oid, confrelid oid, confupdtype char, confdeltype char, "
     "confmatchtype char, conislocal bool, coninhcount int4, connoinherit bool, "
     "conkey _int2, confkey _int2, conpfeqop _oid, conppeqop _oid, conffeqop "
     "_oid, confdelsetcols _int2, conexclop _oid, conbin text"},
    {"pg_catalog", "pg_cursors",
     "name text, statement text, is_holdable bool, is_binary bool, is_scrollable bool, "
     "creation_time timestamptz"},
    {"pg_catalog", "pg_database",
     "oid oid, datname name, datdba oid, encoding int4, datlocprovider char, "
     "datistemplate bool, datallowconn bool, datconnlimit int4, datfrozenxid oid, "
     "datminmxid oid, dattablespace oid, datcollate text, datctype text, "
     "daticulocale text, datcollversion text, datacl _text"},
    {"pg_catalog", "pg_depend",
     "classid oid, objid oid, objsubid int4, refclassid oid, refobjid oid, "
     "refobjsubid int4, deptype char"},
    {"pg_catalog", "pg_description",
     "objoid oid, classoid oid, objsubid int4, description text"},
    {"pg_catalog", "pg_enum",
     "oid oid, enumtypid oid, enumsortorder float4, enumlabel name"},
    {"pg_catalog", "pg_extension",
     "oid oid, extname name, extowner oid, extnamespace oid, extrelocatable bool, "
     "extversion text, extconfig _oid, extcondition _text"},
    {"pg_catalog", "pg_foreign_server",
     "oid oid, srvname name, srvowner oid, srvfdw oid, srvtype text, srvversion "
     "text, srvacl _text, srvoptions _text"},
    {"pg_catalog", "pg_foreign_table",
     "ftrelid oid, ftserver oid, ftoptions _text"},
    {"pg_catalog", "pg_index",
     "indexrelid oid, indrelid oid, indnatts int2, indnkeyatts int2, indisunique "
     "bool, indnullsnotdistinct bool, indisprimary bool, indisexclusion bool, "
     "indimmediate bool, indisclustered bool, indisvalid bool, indcheckxmin bool, "
     "indisready bool, indislive bool, indisreplident bool, indkey int2vector, "
     "indcollation oidvector, indclass oidvector, indoption int2vector, indexprs "
     "text, indpred text"},
    {"pg_catalog", "pg_indexes",
     "schemaname name, tablename name, indexname name, tablespace name, indexdef "
     "text"},
    {"pg_catalog", "pg_inherits",
     "inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool"},
    {"pg_catalog", "pg_language",
     "oid oid, lanname name, lanowner oid, lanispl bool, lanpltrusted bool, "
     "lanplcallfoid oid, laninline oid, lanvalidator oid, lanacl _text"},
    {"pg_catalog", "pg_matviews",
     "schemaname name, matviewname name, matviewowner name, tablespace name, "
     "hasindexes bool, ispopulated bool, definition text"},
    {"pg_catalog", "pg_namespace",
     "oid oid, nspname name, nspowner oid, nspacl _text"},
    {"pg_catalog", "pg_operator",
     "oid oid, oprname name, oprnamespace oid, oprowner oid, oprkind char, "
     "oprcanmerge bool, oprcanhash bool, oprleft oid, oprright oid, oprresult "
     "oid, oprcom oid, oprnegate oid, oprcode regproc, oprrest regproc, oprjoin "
     "regproc"},
    {"pg_catalog", "pg_policy",
     "oid oid, polname name, polrelid oid, polcmd char, polpermissive bool, "
     "polroles _oid, polqual text, polwithcheck text"},
    {"pg_catalog", "pg_proc",
     "oid oid, proname name, pronamespace oid, proowner oid, prolang oid, procost "
     "float4, prorows float4, provariadic oid, prosupport regproc, prokind char, "
     "prosecdef bool, proleakproof bool, proisstrict bool, proretset bool, "
     "provolatile char, proparallel char, pronargs int2, pronargdefaults int2, "
     "prorettype oid, proargtypes oidvector, proallargtypes _oid, proargmodes "
     "_char, proargnames _text, proargdefaults text, protrftypes _oid, prosrc "
     "text, probin text, prosqlbody text, proconfig _text, proacl _text"},
    {"pg_catalog", "pg_publication",
     "oid oid, pubname name, pubowner oid, puballtables bool, pubinsert bool, "
     "pubupdate bool, pubdelete bool, pubtruncate bool, pubviaroot bool"},
    {"pg_catalog", "pg_publication_namespace",
     "oid oid, pnpubid oid, pnnspid oid"},
    {"pg_catalog", "pg_publication_rel",
     "oid oid, prpubid oid, prrelid oid, prqual text, prattrs int2vector"},
    {"pg_catalog", "pg_rewrite",
     "oid oid, rulename name, ev_class oid, ev_type char, ev_enabled char, "
     "is_instead bool, ev_qual text, ev_action text"},
    {"pg_catalog", "pg_roles",
     "rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, "
     "rolcreatedb bool, rolcanlogin bool, rolreplication bool, rolconnlimit int4, "
     "rolpassword text, rolvaliduntil timestamptz, rolbypassrls bool, rolconfig "
     "_text, oid oid"},
    {"pg_catalog", "pg_sequence",
     "seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, seqmax int8, "
     "seqmin int8, seqcache int8, seqcycle bool"},
    {"pg_catalog", "pg_settings",
     "name text, setting text, unit text, category text, short_desc text, "
     "extra_desc text, context text, vartype text, source text, min_val text, "
     "max_val text, enumvals _text, boot_val text, reset_val text, sourcefile "
     "text, sourceline int4, pending_restart bool"},
    {"pg_catalog", "pg_shdescription",
     "objoid oid, classoid oid, description text"},
    {"pg_catalog", "pg_statistic_ext",
     "oid oid, stxrelid oid, stxname name, stxnamespace oid, stxowner oid, "
     "stxstattarget int4, stxkeys int2vector, stxkind _char, stxexprs text"},
    {"pg_catalog", "pg_tables",
     "schemaname name, tablename name, tableowner name, tablespace name, "
     "hasindexes bool, hasrules bool, hastriggers bool, rowsecurity bool"},
    {"pg_catalog", "pg_tablespace",
     "oid oid, spcname name, spcowner oid, spcacl _text, spcoptions _text"},
    {"pg_catalog", "pg_trigger",
     "oid oid, tgrelid oid, tgparentid oid, tgname name, tgfoid oid, tgtype int2, "
     "tgenabled char, tgisinternal bool, tgconstrrelid oid, tgconstrindid oid, "
     "tgconstraint oid, tgdeferrable bool, tginitdeferred bool, tgnargs int2, "
     "tgattr int2vector, tgargs bytea, tgqual text, tgoldtable name, tgnewtable "
     "name"},
    {"pg_catalog", "pg_type",
     "oid oid, typname name, typnamespace oid, typowner oid, typlen int2, "
     "typbyval bool, typtype char, typcategory char, typispreferred bool, "
     "typisdefined bool, typdelim char, typrelid oid, typsubscript regproc, "
     "typelem oid, typarray oid, typinput regproc, typoutput regproc, typreceive "
     "regproc, typsend regproc, typmodin regproc, typmodout regproc, typanalyze "
     "regproc, typalign char, typstorage char, typnotnull bool, typbasetype oid, "
     "typtypmod int4, typndims int4, typcollation oid, typdefaultbin text, "
     "typdefault text, typacl _text"},
    {"pg_catalog", "pg_user",
     "usename name, usesysid oid, usecreatedb bool, usesuper bool, userepl bool, "
     "usebypassrls bool, passwd text, valuntil timestamptz, useconfig _text"},
    {"pg_catalog", "pg_views",
     "schemaname name, viewname name, viewowner name, definition text"},
};

#endif
