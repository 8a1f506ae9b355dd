"""Readers of the differential suite's statements, free of client libraries so the fuzz
corpus script can use them: the themed corpus files (queries/*.sql, one statement per line)
and the statements psql, Grafana and pgJDBC were captured sending (reference pgwire/*.sql)."""
import ast
import os
import pathlib
import re
from dataclasses import dataclass

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent


@dataclass
class Query:
    ident: str             # file:line, or file#n and title for a captured statement
    sql: str
    params: list = None
    param_types: list = None


def read_corpus(directory):
    """Every non-blank line of directory/*.sql that is not a `--` comment is one query;
    a trailing ';' is dropped."""
    out = []
    for path in sorted(pathlib.Path(directory).glob("*.sql")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            s = line.strip()
            if not s or s.startswith("--"):
                continue
            out.append(Query(f"{path.name}:{n}", s[:-1].rstrip() if s.endswith(";") else s))
    return out


CAPTURES = pathlib.Path(os.environ.get(
    "LW_PGWIRE_CAPTURES", REPO.parent / "shared" / "reference" / "pgwire"))
EXPECTED = {"psql-queries.sql": 84, "grafana-queries.sql": 19, "jdbc-metadata-queries.sql": 5}
# pgJDBC's TypeInfoCache lookups bind one binary parameter; its value here, by parameter type.
JDBC_PARAM = {"20": "3802", "23": "23"}

HEADER = re.compile(r"^-- ===== (.*) =====\s*$")


def read_captures(path):
    """[(title, sql, params, param_types)]: the SQL lines under each `-- =====` header up to
    the next one, comments dropped, the trailing ';' removed. A header with no SQL is a
    client-side command (psql \\x), except Grafana's health check, whose whole query is a
    comment (`-- ping`)."""
    out, title, lines = [], None, []

    def flush():
        if title is None:
            return
        sql = "\n".join(l.rstrip() for l in lines if not l.lstrip().startswith("--")).strip()
        if sql.endswith(";"):
            sql = sql[:-1].rstrip()
        if not sql and "'-- ping'" in title:
            sql = "-- ping"
        if not sql:
            return
        params = types = None
        m = re.search(r"params=(\[[^\]]*\])", title)
        if m:
            params = [str(p) for p in ast.literal_eval(m.group(1))]
            types = [0] * len(params)
        m = re.search(r"paramOIDs=\[(\d+)\]", title)
        if m:
            params, types = [JDBC_PARAM[m.group(1)]], [int(m.group(1))]
        out.append((title, sql, params, types))

    for line in path.read_text().splitlines():
        m = HEADER.match(line)
        if m:
            flush()
            title, lines = m.group(1), []
        elif title is not None:
            lines.append(line)
    flush()
    return out
