"""The differential machinery itself (pgdiff.py), without servers: the verdict of each kind
of outcome pair, the ORDER BY detection deciding ordered versus multiset comparison, the
corpus reader and the known-bug keys."""
import pgdiff
from pgdiff import AGREE, CRASH, DISAGREE, UNSUPPORTED, Outcome


def rows(cols, *data):
    return Outcome("rows", list(cols), list(data))


INT = [("x", 23)]


def test_equal_results_agree_and_order_matters_only_under_order_by():
    a, b = rows(INT, ("1",), ("2",)), rows(INT, ("2",), ("1",))
    assert pgdiff.compare("SELECT x FROM t", a, b)[0] == AGREE
    assert pgdiff.compare("SELECT x FROM t ORDER BY x", a, b)[0] == DISAGREE
    assert pgdiff.compare("SELECT x FROM t ORDER BY x", a, a)[0] == AGREE


def test_multisets_keep_duplicates_and_nulls():
    a = rows(INT, ("1",), ("1",), (None,))
    assert pgdiff.compare("SELECT x FROM t", a, rows(INT, (None,), ("1",), ("1",)))[0] == AGREE
    assert pgdiff.compare("SELECT x FROM t", a, rows(INT, ("1",), (None,)))[0] == DISAGREE
    assert pgdiff.compare("SELECT x FROM t", a, rows(INT, ("1",), ("1",), ("",)))[0] == DISAGREE


def test_column_names_and_types_are_compared():
    a = rows(INT, ("1",))
    assert pgdiff.compare("SELECT 1", a, rows([("y", 23)], ("1",)))[0] == DISAGREE
    assert pgdiff.compare("SELECT 1", a, rows([("x", 20)], ("1",)))[0] == DISAGREE
    assert pgdiff.compare("SELECT 1", a, rows([("x", 23)], ("2",)), rows_too=False)[0] == AGREE


def test_errors_compare_by_sqlstate_and_0a000_is_unsupported():
    div = Outcome("error", sqlstate="22012", message="division by zero")
    assert pgdiff.compare("q", div, Outcome("error", sqlstate="22012", message="other"))[0] == AGREE
    assert pgdiff.compare("q", div, Outcome("error", sqlstate="22P02"))[0] == DISAGREE
    assert pgdiff.compare("q", div, rows(INT, ("1",)))[0] == DISAGREE
    assert pgdiff.compare("q", rows(INT), Outcome("error", sqlstate="0A000"))[0] == UNSUPPORTED
    assert pgdiff.compare("q", div, Outcome("error", sqlstate="0A000"))[0] == UNSUPPORTED
    assert pgdiff.compare("q", rows(INT), Outcome("error", sqlstate="XX000"))[0] == DISAGREE
    assert pgdiff.compare("q", Outcome("empty"), rows(INT))[0] == DISAGREE


def test_a_lost_connection_or_hang_is_a_crash():
    for kind in ("lost", "timeout"):
        assert pgdiff.compare("q", rows(INT), Outcome(kind))[0] == CRASH
        assert pgdiff.compare("q", Outcome("error", sqlstate="0A000"), Outcome(kind))[0] == CRASH


def test_top_level_order_by_detection():
    yes = ["SELECT x FROM t ORDER BY x", "select x from t order\n by 1 limit 2",
           "SELECT 1 UNION SELECT 2 ORDER BY 1", "SELECT (SELECT 1) ORDER BY 1"]
    no = ["SELECT row_number() OVER (ORDER BY x) FROM t",
          "SELECT * FROM (SELECT x FROM t ORDER BY x) s", "SELECT 'order by x'",
          'SELECT 1 AS "order by" FROM t', "SELECT 1 -- ORDER BY 1",
          "SELECT 1 /* ORDER BY 1 */", "SELECT string_agg(s, ',' ORDER BY s) FROM t",
          "(SELECT x FROM t ORDER BY x LIMIT 2) UNION ALL (SELECT 3)"]
    assert all(pgdiff.has_top_level_order_by(q) for q in yes)
    assert not any(pgdiff.has_top_level_order_by(q) for q in no)


def test_corpus_reader_and_known_keys(tmp_path):
    (tmp_path / "01_a.sql").write_text("-- comment\n\nSELECT 1;\n  SELECT 2  \n")
    qs = pgdiff.read_corpus(tmp_path)
    assert [(q.ident, q.sql) for q in qs] == [("01_a.sql:3", "SELECT 1"), ("01_a.sql:4", "SELECT 2")]
    assert pgdiff.known_key(qs[0]) == "SELECT 1"
    assert pgdiff.known_key(pgdiff.Query("psql-queries.sql#12 \\d x", "SELECT\n1")) == \
        "psql-queries.sql#12"
    assert pgdiff.known_key(pgdiff.Query("generated:long-or", "SELECT 1")) == "generated:long-or"
    assert pgdiff.shorten("SELECT\n   1", 100) == "SELECT 1"
