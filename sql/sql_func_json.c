/* sql_func_json.c -- json operators and functions over the value's text, as PostgreSQL's
 * json (not jsonb) type does: `->` returns the member's text exactly as written, `->>` the
 * same as text (strings unescaped, JSON null as SQL NULL), json_typeof, json_array_length.
 * json values were validated on input, so the scanner may assume well-formed text; it is
 * iterative (nesting only counted), so deep documents cannot exhaust the stack. */
#include "sql_func_impl.h"

#include <ctype.h>
#include <string.h>

#define ARGS struct sql_fcall *c, int argc, const struct sql_value *argv, struct sql_value *out

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* End of the value starting at i (exclusive). */
static size_t value_end(const char *s, size_t n, size_t i)
{
    long depth = 0;
    if (i >= n)
        return n;
    if (s[i] != '{' && s[i] != '[' && s[i] != '"') {
        while (i < n && !strchr(",}] \t\r\n", s[i]))
            i++;
        return i;
    }
    do {
        if (s[i] == '"') {
            for (i++; i < n && s[i] != '"'; i++)
                if (s[i] == '\\')
                    i++;
        } else if (s[i] == '{' || s[i] == '[') {
            depth++;
        } else if (s[i] == '}' || s[i] == ']') {
            depth--;
        }
        i++;
    } while (i < n && depth > 0);
    return i;
}

/* Appends the UTF-8 of code point cp. */
static size_t put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static unsigned long hex4(const char *p)
{
    unsigned long v = 0;
    for (int k = 0; k < 4; k++)
        v = v * 16 + (unsigned long)(isdigit((unsigned char)p[k]) ? p[k] - '0'
                                                                   : (tolower((unsigned char)p[k]) - 'a' + 10));
    return v;
}

/* The unescaped contents of the JSON string s[i..end) (quotes included in the span). */
static int unescape(struct sql_fcall *c, const char *s, size_t i, size_t end,
                    struct sql_value *out)
{
    char *o = lw_arena_alloc(c->arena, end - i + 1);
    size_t k = 0;
    if (!o)
        return sql_fn_nomem(c);
    for (i++; i + 1 < end; i++) {
        if (s[i] != '\\') {
            o[k++] = s[i];
            continue;
        }
        switch (s[++i]) {
        case 'b': o[k++] = '\b'; break;
        case 'f': o[k++] = '\f'; break;
        case 'n': o[k++] = '\n'; break;
        case 'r': o[k++] = '\r'; break;
        case 't': o[k++] = '\t'; break;
        case 'u': {
            unsigned long cp = hex4(s + i + 1);
            i += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < end && s[i + 1] == '\\' &&
                s[i + 2] == 'u') {
                unsigned long lo = hex4(s + i + 3);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
            if (cp == 0)
                return sql_error_set(c->err, "22P05", "unsupported Unicode escape sequence");
            k += put_utf8(o + k, cp);
            break;
        }
        default: o[k++] = s[i]; break;
        }
    }
    out->type = SQL_V_TEXT;
    out->u.s.p = o;
    out->u.s.len = k;
    return 0;
}

/* Finds the member (key given) or element (index) of the document; span [*b, *e). */
static bool find(const struct sql_value *doc, const struct sql_value *key, bool by_index,
                 int64_t index, size_t *b, size_t *e)
{
    const char *s = doc->u.s.p;
    size_t n = doc->u.s.len, i = skip_ws(s, n, 0);
    int64_t count = 0, want = index;
    if (i >= n || s[i] != (by_index ? '[' : '{'))
        return false;
    if (by_index && index < 0) {            /* from the end: count the elements first */
        size_t j = skip_ws(s, n, i + 1);
        while (j < n && s[j] != ']') {
            count++;
            j = skip_ws(s, n, value_end(s, n, j));
            if (j < n && s[j] == ',')
                j = skip_ws(s, n, j + 1);
        }
        want = count + index;
        if (want < 0)
            return false;
    }
    i = skip_ws(s, n, i + 1);
    for (int64_t k = 0; i < n && s[i] != '}' && s[i] != ']'; k++) {
        size_t ks = i, ke = 0, vs, ve;
        if (!by_index) {
            ke = value_end(s, n, i);
            i = skip_ws(s, n, ke);
            i = skip_ws(s, n, i + 1);       /* the colon */
        }
        vs = i;
        ve = value_end(s, n, i);
        if (by_index ? k == want
                     : ke - ks - 2 == key->u.s.len && memcmp(s + ks + 1, key->u.s.p,
                                                             key->u.s.len) == 0 &&
                           !memchr(s + ks + 1, '\\', ke - ks - 2)) {
            *b = vs;
            *e = ve;
            return true;
        }
        i = skip_ws(s, n, ve);
        if (i < n && s[i] == ',')
            i = skip_ws(s, n, i + 1);
    }
    return false;
}

static int get(ARGS, bool as_text)
{
    size_t b, e;
    bool idx = c->arg_oids[1] == SQL_OID_INT4;
    (void)argc;
    if (!find(&argv[0], &argv[1], idx, idx ? argv[1].u.i : 0, &b, &e))
        return 0;
    if (as_text) {
        if (argv[0].u.s.p[b] == '"')
            return unescape(c, argv[0].u.s.p, b, e, out);
        if (e - b == 4 && memcmp(argv[0].u.s.p + b, "null", 4) == 0)
            return 0;
    }
    out->type = SQL_V_TEXT;
    out->u.s.p = argv[0].u.s.p + b;
    out->u.s.len = e - b;
    return 0;
}

static int f_get(ARGS) { return get(c, argc, argv, out, false); }
static int f_get_text(ARGS) { return get(c, argc, argv, out, true); }

static int f_typeof(ARGS)
{
    const char *s = argv[0].u.s.p, *t;
    size_t i = skip_ws(s, argv[0].u.s.len, 0);
    (void)argc;
    switch (i < argv[0].u.s.len ? s[i] : 'n') {
    case '{': t = "object"; break;
    case '[': t = "array"; break;
    case '"': t = "string"; break;
    case 't':
    case 'f': t = "boolean"; break;
    case 'n': t = "null"; break;
    default: t = "number"; break;
    }
    return sql_ret_text(c, out, t, strlen(t));
}

static int f_array_length(ARGS)
{
    const char *s = argv[0].u.s.p;
    size_t n = argv[0].u.s.len, i = skip_ws(s, n, 0);
    int64_t count = 0;
    (void)argc;
    if (i >= n || s[i] != '[')
        return sql_error_set(c->err, "22023", "cannot get array length of a %s",
                             i < n && s[i] == '{' ? "non-array" : "scalar");
    for (i = skip_ws(s, n, i + 1); i < n && s[i] != ']';) {
        count++;
        i = skip_ws(s, n, value_end(s, n, i));
        if (i < n && s[i] == ',')
            i = skip_ws(s, n, i + 1);
    }
    sql_ret_int(out, count);
    return 0;
}

#define J SQL_OID_JSON
#define T SQL_OID_TEXT
#define FN(oid, name, fn, ret, n, ...)                                                        \
    {oid, name, SQL_FN_SCALAR, SQL_VOL_IMMUTABLE, true, false, n, {__VA_ARGS__}, ret, fn,     \
     NULL, NULL}

static const struct sql_func funcs[] = {
    FN(3947, "json_object_field", f_get, J, 2, J, T),
    FN(3948, "json_object_field_text", f_get_text, T, 2, J, T),
    FN(3949, "json_array_element", f_get, J, 2, J, SQL_OID_INT4),
    FN(3950, "json_array_element_text", f_get_text, T, 2, J, SQL_OID_INT4),
    FN(3968, "json_typeof", f_typeof, T, 1, J),
    FN(3956, "json_array_length", f_array_length, SQL_OID_INT4, 1, J),
};

static const struct sql_oper opers[] = {
    {3962, "->", J, T, J, 3947},
    {3963, "->>", J, T, T, 3948},
    {3964, "->", J, SQL_OID_INT4, J, 3949},
    {3965, "->>", J, SQL_OID_INT4, T, 3950},
};

const struct sql_func_family sql_func_family_json = {
    funcs, (int)(sizeof funcs / sizeof funcs[0]), opers, (int)(sizeof opers / sizeof opers[0]),
};
