"""The differential machinery shared by test_sqldiff.py and test_captured.py: one libpq
client (psycopg's low-level pq binding, text results exactly as the server formats them)
with a hang bound per statement, the outcome of one statement, the comparison of two
outcomes into AGREE / UNSUPPORTED / DISAGREE / CRASH, the corpus and captured-query
readers (corpus.py), the ratchet and known-bugs files, and the report files of a run."""
import os
import pathlib
import re
import select
import time
from dataclasses import dataclass, field

from psycopg import pq

from corpus import HERE, REPO, Query, read_corpus  # noqa: F401 (re-exported for the tests)

REPORTS = pathlib.Path(os.environ.get("LW_REPORTS_DIR", REPO / "build" / "reports"))
QUERY_TIMEOUT = 30.0          # seconds; a statement still running after this is a hang

AGREE, UNSUPPORTED, DISAGREE, KNOWN, CRASH = "AGREE", "UNSUPPORTED", "DISAGREE", "KNOWN", "CRASH"


@dataclass
class Outcome:
    """What one statement produced. kind: rows (a RowDescription, maybe zero rows), empty
    (EmptyQueryResponse), command (no rows, e.g. SET), error, lost (the connection broke),
    timeout (no answer within QUERY_TIMEOUT)."""
    kind: str
    columns: list = field(default_factory=list)    # [(name, type oid)]
    rows: list = field(default_factory=list)       # [tuple of str or None]
    sqlstate: str = ""
    message: str = ""

    def brief(self, max_rows=5):
        if self.kind == "error":
            return f"ERROR {self.sqlstate}: {self.message}"
        if self.kind != "rows":
            return self.kind + (f": {self.message}" if self.message else "")
        more = f" ... ({len(self.rows)} rows)" if len(self.rows) > max_rows else ""
        return f"columns={self.columns} rows={self.rows[:max_rows]}{more}"


class Client:
    """One libpq connection. run() never raises for server-side trouble: a broken
    connection or a hang becomes an Outcome, and the next run() reconnects."""

    def __init__(self, conninfo):
        self.conninfo = conninfo
        self.conn = None

    def _connect(self):
        conn = pq.PGconn.connect(self.conninfo.encode())
        if conn.status != pq.ConnStatus.OK:
            msg = _text(conn.get_error_message())
            conn.finish()
            raise ConnectionError(f"cannot connect ({self.conninfo}): {msg}")
        self.conn = conn

    def close(self):
        if self.conn is not None:
            self.conn.finish()
            self.conn = None

    def _drop(self, kind, message):
        self.close()
        return Outcome(kind, message=message)

    def run(self, sql, params=None, param_types=None):
        """Sends sql as one simple-protocol Query, or, with params (list of str), as
        Parse/Bind/Execute with text parameters of the given type OIDs (0: server infers)."""
        if self.conn is None:
            try:
                self._connect()
            except ConnectionError as e:
                return Outcome("lost", message=str(e))
        c = self.conn
        try:
            if params is None:
                c.send_query(sql.encode())
            else:
                c.send_query_params(sql.encode(), [p.encode() for p in params],
                                    param_types=param_types or [0] * len(params))
            deadline = time.monotonic() + QUERY_TIMEOUT
            while c.is_busy():
                left = deadline - time.monotonic()
                if left <= 0:
                    return self._drop("timeout", f"no answer in {QUERY_TIMEOUT:.0f} s")
                select.select([c.socket], [], [], left)
                c.consume_input()
            results = []
            while True:
                res = c.get_result()
                if res is None:
                    break
                results.append(res)
        except Exception as e:  # psycopg.OperationalError and friends: the peer went away
            return self._drop("lost", str(e).strip())
        if c.status != pq.ConnStatus.OK:
            return self._drop("lost", _text(c.get_error_message()).strip())
        return _outcome(results)


def _text(v):
    """libpq strings arrive as bytes or str depending on the psycopg version."""
    return v.decode(errors="replace") if isinstance(v, bytes) else str(v)


def _outcome(results):
    for res in results:
        if res.status in (pq.ExecStatus.FATAL_ERROR, pq.ExecStatus.NONFATAL_ERROR):
            state = res.error_field(pq.DiagnosticField.SQLSTATE) or b""
            msg = res.error_field(pq.DiagnosticField.MESSAGE_PRIMARY) or b""
            return Outcome("error", sqlstate=state.decode(), message=msg.decode(errors="replace"))
    if not results:
        return Outcome("lost", message="no result at all")
    res = results[-1]
    if res.status == pq.ExecStatus.EMPTY_QUERY:
        return Outcome("empty")
    if res.status == pq.ExecStatus.COMMAND_OK:
        return Outcome("command", message=(res.command_status or b"").decode())
    if res.status != pq.ExecStatus.TUPLES_OK:
        return Outcome("error", sqlstate="?", message=f"unexpected result status {res.status}")
    cols = [(res.fname(i).decode(), res.ftype(i)) for i in range(res.nfields)]
    rows = []
    for r in range(res.ntuples):
        rows.append(tuple(None if res.get_value(r, i) is None
                          else res.get_value(r, i).decode(errors="replace")
                          for i in range(res.nfields)))
    return Outcome("rows", cols, rows)


# --- comparison --------------------------------------------------------------------------

_SKIP = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", re.S)


def has_top_level_order_by(sql):
    """True when ORDER BY appears outside parentheses (after literals, quoted names and
    comments are blanked), i.e. it fixes the order of the rows the statement returns."""
    text = _SKIP.sub(" ", sql)
    depth, flat = 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            flat.append(ch)
    return re.search(r"\border\s+by\b", "".join(flat), re.I) is not None


def _multiset_key(row):
    return tuple((v is None, v or "") for v in row)


def compare(sql, pg, lw, rows_too=True):
    """(verdict, reason). pg is PostgreSQL's outcome, lw lakeward's. With rows_too False
    only the column names and types are compared (captured catalog queries)."""
    if lw.kind in ("lost", "timeout"):
        return CRASH, f"lakeward {lw.kind}: {lw.message}"
    if lw.kind == "error" and lw.sqlstate == "0A000" and not (
            pg.kind == "error" and pg.sqlstate == "0A000"):
        return UNSUPPORTED, lw.message
    if pg.kind == "error" or lw.kind == "error":
        if pg.kind == lw.kind and pg.sqlstate == lw.sqlstate:
            return AGREE, ""
        return DISAGREE, "error outcome differs"
    if pg.kind != lw.kind:
        return DISAGREE, "result kind differs"
    if pg.columns != lw.columns:
        return DISAGREE, "columns (name, type oid) differ"
    if not rows_too:
        return AGREE, ""
    if has_top_level_order_by(sql):
        same = pg.rows == lw.rows
    else:
        same = sorted(pg.rows, key=_multiset_key) == sorted(lw.rows, key=_multiset_key)
    return (AGREE, "") if same else (DISAGREE, "rows differ")


# --- files -------------------------------------------------------------------------------

def read_ratchet(name):
    """The minimum AGREE count for suite `name` from ratchet.txt (`name N` lines)."""
    for line in (HERE / "ratchet.txt").read_text().splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) == 2 and parts[0] == name:
            return int(parts[1])
    raise KeyError(f"no ratchet for {name} in ratchet.txt")


def known_key(q):
    """How known-bugs.txt names a query: a corpus query by its text (line numbers move), a
    captured or generated one by its ident's first word (`psql-queries.sql#12`)."""
    first = q.ident.split()[0]
    return first if "#" in first or first.startswith(("generated:", "random:")) else q.sql


def read_known_bugs():
    """Keys (see known_key) of queries whose DISAGREE is a known engine bug, reported as
    KNOWN instead of failing the run."""
    path = HERE / "known-bugs.txt"
    if not path.exists():
        return set()
    return {l.strip() for l in path.read_text().splitlines()
            if l.strip() and not l.lstrip().startswith("#")}


def run_all(queries, pg_conninfo, target, rows_too=True, pg_must_succeed=False):
    """Runs every query on PostgreSQL, then on lakeward (target: conninfo and crashed(),
    which restarts a dead lakeward and returns the new conninfo), and classifies it.
    Returns (results [(Query, verdict, reason, pg, lw)], notes): a known bug's DISAGREE
    becomes KNOWN, and a known-bugs entry whose query no longer disagrees is noted."""
    known = read_known_bugs()
    pg, lw = Client(pg_conninfo), Client(target.conninfo)
    results, notes = [], []
    try:
        for q in queries:
            want = pg.run(q.sql, q.params, q.param_types)
            bad = ("lost", "timeout", "error") if pg_must_succeed else ("lost", "timeout")
            assert want.kind not in bad, \
                f"PostgreSQL cannot run {q.ident}: {want.brief()}\n{shorten(q.sql)}"
            got = lw.run(q.sql, q.params, q.param_types)
            verdict, reason = compare(q.sql, want, got, rows_too)
            if verdict == CRASH:
                lw.close()
                lw = Client(target.crashed())
            if known_key(q) in known:
                if verdict == DISAGREE:
                    verdict = KNOWN
                else:
                    notes.append(f"STALE KNOWN BUG (now {verdict}; remove it from "
                                 f"known-bugs.txt): {known_key(q)}")
            results.append((q, verdict, reason, want, got))
    finally:
        pg.close()
        lw.close()
    return results, notes


def failures(results, limit=30):
    """(the DISAGREE/CRASH results, a readable account of the first `limit` of them)."""
    bad = [r for r in results if r[1] in (DISAGREE, CRASH)]
    text = "\n".join(f"{v} {q.ident}: {shorten(q.sql, 200)}\n  {reason}\n"
                     f"  postgres: {p.brief()}\n  lakeward: {l.brief()}"
                     for q, v, reason, p, l in bad[:limit])
    return bad, text


def build_label():
    """Which lakeward build was tested: the last part of LW_BUILD (build, asan, ...)."""
    return pathlib.Path(os.environ.get("LW_BUILD", REPO / "build")).name


def shorten(sql, limit=300):
    """sql on one line (whitespace runs folded), cut after limit characters."""
    flat = " ".join(sql.split())
    return flat if len(flat) <= limit else f"{flat[:limit]}... ({len(sql)} characters)"


def write_reports(suite, results, total, notes=()):
    """Appends/replaces this suite's and build's line in sqldiff-summary.txt and writes the
    per-query details (and the lines of notes) to sqldiff-<suite>-<build>.txt. results:
    [(Query, verdict, reason, pg, lw)]. Returns (counts dict, summary line)."""
    counts = {v: 0 for v in (AGREE, UNSUPPORTED, DISAGREE, KNOWN, CRASH)}
    for r in results:
        counts[r[1]] += 1
    label = build_label()
    key = f"{suite} [{label}]:"
    line = (f"{key} {counts[AGREE]} agree, {counts[UNSUPPORTED]} unsupported, "
            f"{counts[DISAGREE] + counts[CRASH]} disagree"
            + (f", {counts[KNOWN]} known bugs" if counts[KNOWN] else "") + f" of {total}")
    REPORTS.mkdir(parents=True, exist_ok=True)
    summary = REPORTS / "sqldiff-summary.txt"
    old = summary.read_text().splitlines() if summary.exists() else []
    summary.write_text("\n".join([l for l in old if not l.startswith(key)] + [line]) + "\n")
    with open(REPORTS / f"sqldiff-{suite}-{label}.txt", "w") as f:
        f.write(line + "\n")
        for note in notes:
            f.write(note + "\n")
        for q, verdict, reason, pg, lw in results:
            f.write(f"{verdict:11} {q.ident} {shorten(q.sql)}\n")
            if verdict in (DISAGREE, KNOWN, CRASH):
                f.write(f"    reason:   {reason}\n    postgres: {pg.brief()}\n"
                        f"    lakeward: {lw.brief()}\n")
            elif verdict == UNSUPPORTED:
                f.write(f"    {reason}\n")
    return counts, line
