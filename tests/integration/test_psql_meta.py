"""psql's meta-commands against a fresh lakeward: the real psql binary sends its catalog
queries (pg_class, pg_namespace, pg_roles, pg_database, pg_proc, pg_am, pg_tablespace,
pg_cast and the pg_get_*/pg_*_is_visible functions) and renders what lakeward's
pg_catalog answers; plus information_schema as Grafana and JDBC read it. lakeward's tables
are relkind 'r', so \\dt lists them; \\d TABLE and \\d+ TABLE describe them as PostgreSQL 15
describes a table with the same columns."""
import subprocess

import pytest

PSQL_TIMEOUT = 30


def psql(lw, command, *extra, rc=0):
    """Runs one psql command (unaligned, '|' separated); returns (stdout lines, stderr).
    rc: the exit status psql must give (\\d of a missing name exits 1, as with PostgreSQL)."""
    cmd = ["psql", "-h", "127.0.0.1", "-p", str(lw.pg_port), "-U", "alice", "-d", "lakeward",
           "-X", "-A", "-F", "|", "-P", "pager=off", "-v", "ON_ERROR_STOP=1", *extra,
           "-c", command]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=PSQL_TIMEOUT,
                       env={"PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10"})
    assert r.returncode == rc and "ERROR" not in r.stderr, (command, r.stderr)
    return r.stdout.splitlines(), r.stderr


@pytest.fixture
def lw(lakeward_factory):
    # alice is not an admin here (\\du shows her as a plain login role)
    return lakeward_factory({"LAKEWARD_PG_ADMINS": "grafana"})


def test_list_tables(lw):
    """\\dt and \\d list lakeward.decisions as a table owned by the catalog owner;
    \\dt+ adds persistence, access method, size and description."""
    want = ["List of relations", "Schema|Name|Type|Owner", "lakeward|access_history|table|lakeward",
            "lakeward|decisions|table|lakeward", "lakeward|lakeward_state|table|lakeward"]
    for command in ("\\dt", "\\d"):
        out, _ = psql(lw, command)
        assert out[:5] == want and out[-1] == "(3 rows)", (command, out)
    out, _ = psql(lw, "\\dt+")
    assert out[1] == "Schema|Name|Type|Owner|Persistence|Access method|Size|Description"
    assert out[3] == "lakeward|decisions|table|lakeward|permanent|heap|0 bytes|"
    # lakeward has no views of its own
    out, err = psql(lw, "\\dv")
    assert out == [] and err.strip() == "Did not find any relations."


def test_schemas_roles_databases(lw):
    out, _ = psql(lw, "\\dn")
    assert out == ["List of schemas", "Name|Owner", "lakeward|lakeward", "(1 row)"]
    out, _ = psql(lw, "\\dn+")
    assert out[1:3] == ["Name|Owner|Access privileges|Description", "lakeward|lakeward||"]
    # the session's user is the one login role; the owner of the catalogs cannot log in
    out, _ = psql(lw, "\\du")
    assert out[:4] == ["List of roles", "Role name|Attributes|Member of", "alice||{}",
                       "lakeward|Superuser, Cannot login|{}"]
    out, _ = psql(lw, "\\du+")
    assert out[1] == "Role name|Attributes|Member of|Description"
    out, _ = psql(lw, "\\l")
    assert out[:3] == [
        "List of databases",
        "Name|Owner|Encoding|Collate|Ctype|ICU Locale|Locale Provider|Access privileges",
        "lakeward|lakeward|UTF8|C|C||libc|"]
    out, _ = psql(lw, "\\l+")
    assert out[2].startswith("lakeward|lakeward|UTF8|C|C||libc||0 bytes|pg_default|")


def test_functions_access_methods_tablespaces_casts(lw):
    # \df lists user functions only: lakeward's all live in pg_catalog, as built-ins do
    out, _ = psql(lw, "\\df")
    assert out == ["List of functions",
                   "Schema|Name|Result data type|Argument data types|Type", "(0 rows)"]
    out, _ = psql(lw, "\\dA")
    assert out == ["List of access methods", "Name|Type", "btree|Index", "hash|Index",
                   "heap|Table", "(3 rows)"]
    out, _ = psql(lw, "\\db")
    assert out[1:4] == ["Name|Owner|Location", "pg_default|lakeward|", "pg_global|lakeward|"]
    # \dC comes from the type registry's casts, each naming PostgreSQL's cast function
    out, _ = psql(lw, "\\dC")
    assert out[1] == "Source type|Target type|Function|Implicit?"
    assert "bigint|integer|int4|in assignment" in out and "integer|bigint|int8|yes" in out


def test_information_schema_as_grafana_reads_it(lw):
    out, _ = psql(lw, "SELECT table_schema, table_name, table_type FROM information_schema.tables "
                      "WHERE table_schema NOT IN ('information_schema', 'pg_catalog') ORDER BY 2")
    assert out == ["table_schema|table_name|table_type", "lakeward|access_history|BASE TABLE",
                   "lakeward|decisions|BASE TABLE", "lakeward|lakeward_state|BASE TABLE", "(3 rows)"]
    out, _ = psql(lw, "SELECT column_name, data_type, udt_name, ordinal_position "
                      "FROM information_schema.columns WHERE table_name = 'decisions' "
                      "ORDER BY ordinal_position")
    assert out[1:4] == ["time|timestamp with time zone|timestamptz|1",
                        "decision_id|text|text|2", "query_id|text|text|3"]
    assert out[-1] == "(13 rows)"
    assert "allowed|boolean|bool|7" in out and "items|integer|int4|8" in out
    out, _ = psql(lw, "SELECT schema_name FROM information_schema.schemata ORDER BY 1")
    assert out[1:4] == ["information_schema", "lakeward", "pg_catalog"]
    # Grafana's TimescaleDB probe: an unqualified catalog name, no rows
    out, _ = psql(lw, "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'")
    assert out == ["extversion", "(0 rows)"]


def test_catalog_joins_and_functions(lw):
    """OIDs join across relations: columns of decisions through pg_attribute and pg_type,
    format_type as psql prints types, visibility and privileges."""
    out, _ = psql(lw, "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), t.typname "
                      "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t "
                      "ON t.oid = a.atttypid JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
                      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                      "WHERE n.nspname = 'lakeward' AND c.relname = 'decisions' "
                      "AND a.attnum > 0 ORDER BY a.attnum LIMIT 2")
    assert out == ["attname|format_type|typname", "time|timestamp with time zone|timestamptz",
                   "decision_id|text|text", "(2 rows)"]
    out, _ = psql(lw, "SELECT pg_catalog.pg_table_is_visible(c.oid), "
                      "has_table_privilege(c.oid, 'SELECT'), has_table_privilege(c.oid, 'INSERT'), "
                      "pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c "
                      "WHERE c.relname = 'decisions'")
    assert out[1] == "t|t|f|lakeward"
    out, _ = psql(lw, "SELECT count(*) > 100 FROM pg_catalog.pg_proc p "
                      "WHERE p.pronamespace = 11")
    assert out[1] == "t"
    out, _ = psql(lw, "SELECT pg_catalog.pg_get_function_result(p.oid), "
                      "pg_catalog.pg_get_function_arguments(p.oid) FROM pg_catalog.pg_proc p "
                      "WHERE p.proname = 'pg_table_is_visible'")
    assert out[1] == "boolean|oid"


def test_patterns_views_privileges_extensions(lw):
    """Name patterns (psql's anchored regex with COLLATE), \\d of a view, \\dp, \\dx, and
    the system objects with S."""
    want = ["List of relations", "Schema|Name|Type|Owner", "lakeward|decisions|table|lakeward",
            "(1 row)"]
    out, _ = psql(lw, "\\dt lakeward.*")
    assert out == (want[:2] + ["lakeward|access_history|table|lakeward"] + want[2:3]
                   + ["lakeward|lakeward_state|table|lakeward", "(3 rows)"])
    for command in ("\\dt dec*", "\\dt lakeward.decisions"):
        out, _ = psql(lw, command)
        assert out == want, (command, out)
    for command, rc in (("\\dt nosuch", 0), ("\\d nosuch", 1)):
        out, err = psql(lw, command, rc=rc)
        assert out == [] and err.strip() == 'Did not find any relation named "nosuch".'
    out, _ = psql(lw, "\\dn lake*")
    assert out[2] == "lakeward|lakeward"
    out, _ = psql(lw, "\\dp")
    assert out == ["Access privileges",
                   "Schema|Name|Type|Access privileges|Column privileges|Policies",
                   "lakeward|access_history|table|||", "lakeward|decisions|table|||",
                   "lakeward|lakeward_state|table|||", "(3 rows)"]
    out, _ = psql(lw, "\\dx")
    assert out == ["List of installed extensions", "Name|Version|Schema|Description", "(0 rows)"]
    out, _ = psql(lw, "\\dvS pg_roles")
    assert out[2] == "pg_catalog|pg_roles|view|lakeward"
    out, _ = psql(lw, "\\d pg_catalog.pg_roles")
    assert out[:3] == ['View "pg_catalog.pg_roles"', "Column|Type|Collation|Nullable|Default",
                       "rolname|name|||"]
    assert "rolvaliduntil|timestamp with time zone|||" in out and "oid|oid|||" in out
    out, _ = psql(lw, "\\dfS pg_get_userbyid")
    assert out[2] == "pg_catalog|pg_get_userbyid|name|oid|func"
    out, _ = psql(lw, "\\dfS+ quote_ident")
    assert out[2].startswith("pg_catalog|quote_ident|text|text|func|immutable|safe|lakeward|"
                             "invoker||internal|quote_ident|")
    out, _ = psql(lw, "\\dTS int4")
    assert out[2] == "pg_catalog|integer|"
    out, _ = psql(lw, "\\do ||")
    assert "pg_catalog||||text|text|text|" in out     # the name is ||


# lakeward.decisions as psql describes it; PostgreSQL 15 prints exactly these lines for a
# table created with the same columns (no collation, nullability or default shown).
DECISIONS_COLUMNS = [
    ("time", "timestamp with time zone", "plain"), ("decision_id", "text", "extended"),
    ("query_id", "text", "extended"), ("user_name", "text", "extended"),
    ("operation", "text", "extended"), ("endpoint", "text", "extended"),
    ("allowed", "boolean", "plain"), ("items", "integer", "plain"),
    ("allowed_items", "integer", "plain"), ("lakekeeper_calls", "integer", "plain"),
    ("cache_hits", "integer", "plain"), ("latency_ms", "double precision", "plain"),
    ("record", "json", "extended"),
]


def test_describe_table(lw):
    """\\d TABLE: psql's ten catalog queries (publications through array_upper, policies,
    statistics, inheritance) all run; every column with its type."""
    want = ['Table "lakeward.decisions"', "Column|Type|Collation|Nullable|Default"]
    want += [f"{name}|{typ}|||" for name, typ, _ in DECISIONS_COLUMNS]
    for command in ("\\d lakeward.decisions", "\\d decisions"):
        out, _ = psql(lw, command)
        assert out == want, (command, out)


def test_describe_table_verbose(lw):
    """\\d+ TABLE adds storage, compression, statistics target and description, and the
    relation options (reloptions || the TOAST table's, a text[] || text[] concatenation)
    and access method footer."""
    out, _ = psql(lw, "\\d+ lakeward.decisions")
    want = ['Table "lakeward.decisions"',
            "Column|Type|Collation|Nullable|Default|Storage|Compression|Stats target|Description"]
    want += [f"{name}|{typ}||||{storage}|||" for name, typ, storage in DECISIONS_COLUMNS]
    want += ["Access method: heap"]
    assert out == want, out
