"""Deterministic random expressions for the differential suite: typed expression trees over
the columns of a small VALUES table (int x with NULLs and negatives, text s), built from the
operators and functions every engine claims early (arithmetic, comparison, boolean logic,
NULL tests, CASE, COALESCE/NULLIF/GREATEST/LEAST, string concatenation and case mapping).
Literals stay small so that no tree can overflow int4; division by zero stays possible on
purpose (22012 on both servers). NULLs come only from the table: PostgreSQL folds a strict
operator over a NULL constant to NULL at plan time, so `NULL::int + x / 0` answers NULL there
while an engine evaluating it row by row raises 22012 -- an artifact of evaluation order, not
of semantics. The same seed always gives the same statements."""
import random

FROM = ("FROM (VALUES (1, 'a'), (NULL, 'b'), (-3, NULL), (7, 'Zz'), (0, ''), (2, 'a')) "
        "AS v(x, s)")


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def pick(self, *options):
        return self.r.choice(options)

    def int_expr(self, depth):
        if depth <= 0 or self.r.random() < 0.25:
            return self.pick("x", "x", str(self.r.randint(-9, 9)), "length(s)")
        d = depth - 1
        kind = self.r.randint(0, 7)
        if kind <= 2:
            op = self.pick("+", "-", "*", "/", "%")
            return f"({self.int_expr(d)} {op} {self.int_expr(d)})"
        if kind == 3:
            return f"abs({self.int_expr(d)})"
        if kind == 4:
            return f"CASE WHEN {self.bool_expr(d)} THEN {self.int_expr(d)} ELSE {self.int_expr(d)} END"
        if kind == 5:
            f = self.pick("COALESCE", "NULLIF", "GREATEST", "LEAST")
            return f"{f}({self.int_expr(d)}, {self.int_expr(d)})"
        if kind == 6:
            return f"(- {self.int_expr(d)})"
        return f"length({self.text_expr(d)})"

    def float_expr(self, depth):
        if depth <= 0 or self.r.random() < 0.25:
            return self.pick("x::float8", "(x / 4.0::float8)", "0.1::float8", "2.5::float8",
                             "(-1.25)::float8", "length(s)::float8")
        d = depth - 1
        kind = self.r.randint(0, 4)
        if kind <= 1:
            op = self.pick("+", "-", "*", "/")
            return f"({self.float_expr(d)} {op} {self.float_expr(d)})"
        if kind == 2:
            f = self.pick("floor", "ceil", "round", "abs", "trunc")
            return f"{f}({self.float_expr(d)})"
        if kind == 3:
            return f"sqrt(abs({self.float_expr(d)}))"
        return f"({self.float_expr(d)} + {self.int_expr(d)})"

    def text_expr(self, depth):
        if depth <= 0 or self.r.random() < 0.3:
            return self.pick("s", "s", "'q'", "''", "'Ab'")
        d = depth - 1
        kind = self.r.randint(0, 4)
        if kind <= 1:
            return f"({self.text_expr(d)} || {self.text_expr(d)})"
        if kind == 2:
            return f"{self.pick('upper', 'lower')}({self.text_expr(d)})"
        if kind == 3:
            return f"COALESCE({self.text_expr(d)}, {self.text_expr(d)})"
        return f"CASE WHEN {self.bool_expr(d)} THEN {self.text_expr(d)} ELSE {self.text_expr(d)} END"

    def bool_expr(self, depth):
        if depth <= 0 or self.r.random() < 0.2:
            return self.pick("(x > 0)", "(s = 'a')", "(x IS NULL)", "(s <> 'b')")
        d = depth - 1
        kind = self.r.randint(-2, 7)
        if kind == -2:
            op = self.pick("<", "=", ">=")
            return f"({self.float_expr(d)} {op} {self.pick(self.float_expr(d), self.int_expr(d))})"
        if kind == -1:
            op = self.pick("LIKE", "ILIKE", "NOT LIKE", "~", "~*")
            pat = self.pick("'a%'", "'%z'", "'_'", "'%'", "'^[A-Z]'", "'b|q'", "'A%'")
            return f"({self.text_expr(d)} {op} {pat})"
        if kind <= 1:
            op = self.pick("<", "<=", "=", "<>", ">=", ">")
            return f"({self.int_expr(d)} {op} {self.int_expr(d)})"
        if kind == 2:
            op = self.pick("<", "=", "<>", ">")
            return f"({self.text_expr(d)} {op} {self.text_expr(d)})"
        if kind == 3:
            op = self.pick("AND", "OR")
            return f"({self.bool_expr(d)} {op} {self.bool_expr(d)})"
        if kind == 4:
            return f"(NOT {self.bool_expr(d)})"
        if kind == 5:
            return f"({self.int_expr(d)} IS {self.pick('', 'NOT ')}NULL)"
        if kind == 6:
            return f"({self.int_expr(d)} BETWEEN {self.int_expr(d)} AND {self.int_expr(d)})"
        return f"({self.int_expr(d)} IN ({self.int_expr(d)}, {self.int_expr(d)}, {self.int_expr(d)}))"

    def statement(self):
        depth = self.r.randint(1, 3)
        shape = self.r.randint(-1, 3)
        if shape == -1:
            return f"SELECT x, s, {self.float_expr(depth)} {FROM}"
        if shape == 0:
            return f"SELECT x, s, {self.int_expr(depth)} {FROM}"
        if shape == 1:
            return f"SELECT x, s, {self.text_expr(depth)} {FROM}"
        if shape == 2:
            return f"SELECT x, s {FROM} WHERE {self.bool_expr(depth)}"
        return f"SELECT x, s, {self.bool_expr(depth)} {FROM}"


def statements(seed=7, n=600):
    """n distinct statements from seed (the same list on every call)."""
    g, out, seen = Gen(seed), [], set()
    while len(out) < n:
        sql = g.statement()
        if sql not in seen:
            seen.add(sql)
            out.append(sql)
    return out
