/* sql_func_array.c -- array functions with PostgreSQL's semantics for the one-dimensional
 * arrays the engine holds: bounds (array_lower, array_upper), concatenation (array_cat,
 * array_append, array_prepend: the functions behind `||` on arrays), string_to_array and
 * parse_ident (which splits a qualified name the way PostgreSQL's parser would), and the
 * subscript `a[i]` the binder calls. Arrays built by the engine start at index 1; the
 * vector types (int2vector, oidvector) start at 0, as in PostgreSQL, which matters for
 * bounds and subscripts. A vector becoming an ordinary array keeps its lower bound 0 in
 * PostgreSQL (`[0:1]={1,2}`); values cannot carry that here, so that cast is refused when
 * it runs (0A000) instead of answering with different bounds. */
#include "sql_func_impl.h"

#include "sql_type.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ARGS struct sql_fcall *c, int argc, const struct sql_value *argv, struct sql_value *out

static bool vector_oid(uint32_t oid)
{
    return oid == SQL_OID_INT2VECTOR || oid == SQL_OID_OIDVECTOR;
}

/* An array of n elements in the call's arena (elements zeroed: NULL). */
static struct sql_array *new_array(struct sql_fcall *c, uint32_t elem, int n,
                                   struct sql_value **v)
{
    struct sql_array *a = lw_arena_alloc(c->arena, sizeof *a);
    *v = n ? lw_arena_alloc(c->arena, (size_t)n * sizeof **v) : NULL;
    if (!a || (n && !*v))
        return NULL;
    if (n)
        memset(*v, 0, (size_t)n * sizeof **v);
    *a = (struct sql_array){elem, n, *v};
    return a;
}

static const char *type_name(uint32_t oid)
{
    const struct sql_type *t = sql_type_get(oid);
    return t ? t->sql_name : "?";
}

static void ret_array(struct sql_value *out, const struct sql_array *a)
{
    out->type = SQL_V_ARRAY;
    out->u.arr = a;
}

static uint32_t result_elem(struct sql_fcall *c)
{
    const struct sql_type *t = sql_type_get(c->result_oid);
    return t ? t->elem_oid : SQL_OID_TEXT;
}

/* --- bounds --------------------------------------------------------------------------- */

/* array_lower / array_upper (arr, dim): NULL for an empty array or a dimension it lacks. */
static int bound(struct sql_fcall *c, const struct sql_value *argv, bool upper,
                 struct sql_value *out)
{
    int64_t lb = vector_oid(c->arg_oids[0]) ? 0 : 1;
    const struct sql_array *a = argv[0].u.arr;
    if (argv[1].u.i != 1 || a->n == 0)
        return 0;
    sql_ret_int(out, upper ? lb + a->n - 1 : lb);
    return 0;
}

static int f_array_lower(ARGS)
{
    (void)argc;
    return bound(c, argv, false, out);
}

static int f_array_upper(ARGS)
{
    (void)argc;
    return bound(c, argv, true, out);
}

/* --- concatenation -------------------------------------------------------------------- */

static int refuse_vector(struct sql_fcall *c, int argc)
{
    for (int i = 0; i < argc; i++)
        if (vector_oid(c->arg_oids[i]))
            return sql_error_set(c->err, "0A000", "concatenating %s values is not supported "
                                 "yet", type_name(c->arg_oids[i]));
    return 0;
}

/* Not strict, as in PostgreSQL: a NULL array counts as empty (NULL only when both are),
 * a NULL element is appended as a NULL element. Parts are [a, b): `first` elements of x
 * then `second` of y, either side possibly a single element. */
static int join(struct sql_fcall *c, const struct sql_value *x, int nx,
                const struct sql_value *y, int ny, struct sql_value *out)
{
    struct sql_value *v;
    struct sql_array *a;
    if (nx > (1 << 27) || ny > (1 << 27))
        return sql_error_set(c->err, "54000", "array size exceeds the maximum allowed");
    if (!(a = new_array(c, result_elem(c), nx + ny, &v)))
        return sql_fn_nomem(c);
    if (nx)
        memcpy(v, x, (size_t)nx * sizeof *v);
    if (ny)
        memcpy(v + nx, y, (size_t)ny * sizeof *v);
    ret_array(out, a);
    return 0;
}

static int f_array_cat(ARGS)
{
    const struct sql_array *x = argv[0].u.arr, *y = argv[1].u.arr;
    if (refuse_vector(c, argc) != 0)
        return LW_EINVAL;
    if (argv[0].type == SQL_V_NULL && argv[1].type == SQL_V_NULL)
        return 0;
    if (argv[0].type == SQL_V_NULL || argv[1].type == SQL_V_NULL) {
        *out = argv[argv[0].type == SQL_V_NULL ? 1 : 0];
        return 0;
    }
    return join(c, x->v, x->n, y->v, y->n, out);
}

static int f_array_append(ARGS)
{
    const struct sql_array *x = argv[0].type == SQL_V_NULL ? NULL : argv[0].u.arr;
    if (refuse_vector(c, argc) != 0)
        return LW_EINVAL;
    return join(c, x ? x->v : NULL, x ? x->n : 0, &argv[1], 1, out);
}

static int f_array_prepend(ARGS)
{
    const struct sql_array *y = argv[1].type == SQL_V_NULL ? NULL : argv[1].u.arr;
    if (refuse_vector(c, argc) != 0)
        return LW_EINVAL;
    return join(c, &argv[0], 1, y ? y->v : NULL, y ? y->n : 0, out);
}

/* --- string_to_array ------------------------------------------------------------------ */

static size_t utf8_char_len(const char *p, size_t left)
{
    unsigned char b = (unsigned char)p[0];
    size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    return n > left ? left : n;
}

/* Element k of string_to_array's result: s[from, to), or NULL when it equals null_string;
 * v NULL only counts. */
static void put_part(struct sql_value *v, int k, const char *s, size_t from, size_t to,
                     const struct sql_value *null_string)
{
    if (!v)
        return;
    if (null_string && to - from == null_string->u.s.len &&
        memcmp(s + from, null_string->u.s.p, to - from) == 0) {
        v[k].type = SQL_V_NULL;
        return;
    }
    v[k].type = SQL_V_TEXT;
    v[k].u.s.p = s + from;
    v[k].u.s.len = to - from;
}

/* Splits s into v (NULL: only counts); returns the number of elements. */
static int split(const struct sql_value *argv, int argc, struct sql_value *v)
{
    const char *s = argv[0].u.s.p, *d = argv[1].u.s.p;
    size_t n = argv[0].u.s.len, dn = argv[1].u.s.len, pos = 0;
    const struct sql_value *null_string = argc > 2 && argv[2].type != SQL_V_NULL ? &argv[2]
                                                                                 : NULL;
    int k = 0;
    if (n == 0)
        return 0;
    if (argv[1].type == SQL_V_NULL) {           /* one element per character */
        while (pos < n) {
            size_t end = pos + utf8_char_len(s + pos, n - pos);
            put_part(v, k++, s, pos, end, null_string);
            pos = end;
        }
        return k;
    }
    if (dn == 0) {                              /* the whole string */
        put_part(v, k++, s, 0, n, null_string);
        return k;
    }
    for (;;) {                                  /* "a," is {a,""} */
        const char *hit = memmem(s + pos, n - pos, d, dn);
        size_t end = hit ? (size_t)(hit - s) : n;
        put_part(v, k++, s, pos, end, null_string);
        if (!hit)
            return k;
        pos = end + dn;
    }
}

/* string_to_array(s, delim [, null_string]): NULL s gives NULL; an empty s the empty
 * array; a NULL delimiter splits into characters, an empty one keeps s whole; elements
 * equal to null_string become NULL. Elements point into s. */
static int f_string_to_array(ARGS)
{
    struct sql_value *v;
    struct sql_array *a;
    int count;
    if (argv[0].type == SQL_V_NULL)
        return 0;
    count = split(argv, argc, NULL);
    if (!(a = new_array(c, SQL_OID_TEXT, count, &v)))
        return sql_fn_nomem(c);
    split(argv, argc, v);
    ret_array(out, a);
    return 0;
}

/* --- parse_ident ---------------------------------------------------------------------- */

static bool ident_start(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch >= 0x80;
}

static bool ident_cont(unsigned char ch)
{
    return ident_start(ch) || (ch >= '0' && ch <= '9') || ch == '$';
}

static bool scanner_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

static int not_ident(struct sql_fcall *c, const struct sql_value *s, const char *detail)
{
    sql_error_set(c->err, "22023", "string is not a valid identifier: \"%.*s\"",
                  (int)s->u.s.len, s->u.s.p);
    if (detail)
        snprintf(c->err->detail, sizeof c->err->detail, "%s", detail);
    return LW_EINVAL;
}

/* parse_ident(name [, strict]): the parts of a qualified name, unquoted parts folded to
 * lower case (ASCII only, as for UTF-8 databases) and quoted ones kept with "" as one
 * quote; blanks around the dots are allowed. strict false stops at the first character
 * that cannot continue the name instead of failing. */
static int f_parse_ident(ARGS)
{
    const char *s = argv[0].u.s.p;
    size_t n = argv[0].u.s.len, i = 0;
    bool strict = argc < 2 || argv[1].u.b, after_dot = false;
    struct sql_value parts[64];
    struct sql_value *v;
    struct sql_array *a;
    int np = 0;
    while (i < n && scanner_space(s[i]))
        i++;
    for (;;) {
        char *buf = NULL;
        size_t len = 0;
        if (i < n && s[i] == '"') {
            size_t j = ++i;
            if (!(buf = lw_arena_alloc(c->arena, n + 1)))
                return sql_fn_nomem(c);
            for (;;) {
                if (j >= n)
                    return not_ident(c, &argv[0], "String has unclosed double quotes.");
                if (s[j] == '"') {
                    if (j + 1 < n && s[j + 1] == '"') {
                        buf[len++] = '"';
                        j += 2;
                        continue;
                    }
                    break;
                }
                buf[len++] = s[j++];
            }
            i = j + 1;
            if (len == 0)
                return not_ident(c, &argv[0], "Quoted identifier must not be empty.");
        } else if (i < n && ident_start((unsigned char)s[i])) {
            size_t j = i;
            while (j < n && ident_cont((unsigned char)s[j]))
                j++;
            if (!(buf = lw_arena_alloc(c->arena, j - i + 1)))
                return sql_fn_nomem(c);
            for (; i < j; i++)
                buf[len++] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 'a' - 'A') : s[i];
        } else {
            if (i < n && s[i] == '.')
                return not_ident(c, &argv[0], "No valid identifier before \".\".");
            return not_ident(c, &argv[0], after_dot ? "No valid identifier after \".\"." : NULL);
        }
        if (np == (int)(sizeof parts / sizeof parts[0]))
            return sql_error_set(c->err, "54000", "too many parts in an identifier (at most "
                                 "%d)", np);
        parts[np].type = SQL_V_TEXT;
        parts[np].u.s.p = buf;
        parts[np++].u.s.len = len;
        while (i < n && scanner_space(s[i]))
            i++;
        if (i < n && s[i] == '.') {
            after_dot = true;
            for (i++; i < n && scanner_space(s[i]); i++)
                ;
        } else if (i >= n) {
            break;
        } else {
            if (strict)
                return not_ident(c, &argv[0], NULL);
            break;
        }
    }
    if (!(a = new_array(c, SQL_OID_TEXT, np, &v)))
        return sql_fn_nomem(c);
    memcpy(v, parts, (size_t)np * sizeof *v);
    ret_array(out, a);
    return 0;
}

/* --- session -------------------------------------------------------------------------- */

/* Each Postgres connection is served by its own process (server/pg_listener.c), whose pid
 * is the one BackendKeyData announced. */
static int f_pg_backend_pid(ARGS)
{
    (void)c, (void)argc, (void)argv;
    sql_ret_int(out, (int64_t)getpid());
    return 0;
}

/* --- what the binder calls for syntax ------------------------------------------------- */

/* a[i]: NULL when i is outside the array (PostgreSQL does not raise for that). */
static int f_subscript(ARGS)
{
    const struct sql_array *a = argv[0].u.arr;
    int64_t i = argv[1].u.i - (vector_oid(c->arg_oids[0]) ? 0 : 1);
    (void)argc;
    if (i < 0 || i >= a->n)
        return 0;
    *out = a->v[i];
    return 0;
}

static int f_vector_to_array(ARGS)
{
    (void)argc, (void)argv, (void)out;
    return sql_error_set(c->err, "0A000", "casting %s to %s is not supported yet (PostgreSQL "
                         "keeps the lower bound 0)", type_name(c->arg_oids[0]),
                         type_name(c->result_oid));
}

#define I SQL_VOL_IMMUTABLE
#define AA SQL_OID_ANYARRAY
#define AE SQL_OID_ANYELEMENT
#define T SQL_OID_TEXT
#define FN(oid, name, vol, strict, fn, ret, n, ...)                                           \
    {oid, name, SQL_FN_SCALAR, vol, strict, false, n, {__VA_ARGS__}, ret, fn, NULL, NULL}

const struct sql_func sql_func_subscript =
    FN(0, "subscript", I, true, f_subscript, AE, 2, AA, SQL_OID_INT4);
const struct sql_func sql_func_vector_to_array =
    FN(0, "vector to array", I, true, f_vector_to_array, AA, 1, AA);

static const struct sql_func funcs[] = {
    FN(2091, "array_lower", I, true, f_array_lower, SQL_OID_INT4, 2, AA, SQL_OID_INT4),
    FN(2092, "array_upper", I, true, f_array_upper, SQL_OID_INT4, 2, AA, SQL_OID_INT4),
    FN(383, "array_cat", I, false, f_array_cat, AA, 2, AA, AA),
    FN(378, "array_append", I, false, f_array_append, AA, 2, AA, SQL_OID_ANYNONARRAY),
    FN(379, "array_prepend", I, false, f_array_prepend, AA, 2, SQL_OID_ANYNONARRAY, AA),
    FN(394, "string_to_array", I, false, f_string_to_array, SQL_OID_TEXT_ARRAY, 2, T, T),
    FN(376, "string_to_array", I, false, f_string_to_array, SQL_OID_TEXT_ARRAY, 3, T, T, T),
    FN(1268, "parse_ident", I, true, f_parse_ident, SQL_OID_TEXT_ARRAY, 2, T, SQL_OID_BOOL),
    /* parse_ident(name): strict defaults to true (OID 0: no pg_proc row of its own) */
    FN(0, "parse_ident", I, true, f_parse_ident, SQL_OID_TEXT_ARRAY, 1, T),
    FN(2026, "pg_backend_pid", SQL_VOL_STABLE, true, f_pg_backend_pid, SQL_OID_INT4, 0, 0),
};

/* The operator rows for arrays (PostgreSQL's OIDs and names). */
static const struct sql_oper opers[] = {
    {349, "||", AA, SQL_OID_ANYNONARRAY, AA, 378},
    {374, "||", SQL_OID_ANYNONARRAY, AA, AA, 379},
    {375, "||", AA, AA, AA, 383},
};

const struct sql_func_family sql_func_family_array = {
    funcs, (int)(sizeof funcs / sizeof funcs[0]), opers, (int)(sizeof opers / sizeof opers[0]),
};
