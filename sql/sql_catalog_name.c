/* sql_catalog_name.c -- names of catalog objects as PostgreSQL spells them: parsing a
 * possibly qualified, possibly quoted name, quoting an identifier (quote_ident), a type's
 * name (format_type), the search path, and the text input and output of the reg* types
 * (regclass, regtype, regproc, regprocedure, regnamespace), which need the catalogs. */
#include "sql_catalog_int.h"

#include "sql_func.h"

#include <ctype.h>
#include <string.h>

const char *const cat_search_path[] = {"pg_catalog", "lakeward"};
const int cat_nsearch = (int)(sizeof cat_search_path / sizeof cat_search_path[0]);

int cat_parse_name(const char *s, size_t len, char *buf, size_t bufsize, const char **parts,
                   int max)
{
    size_t i = 0, w = 0;
    int n = 0;
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    while (i < len && isspace((unsigned char)s[i]))
        i++;
    for (;;) {
        size_t start = w;
        if (n == max || w >= bufsize)
            return -1;
        if (i < len && s[i] == '"') {
            /* "quoted": kept as written, "" stands for one quote */
            for (i++; i < len && !(s[i] == '"' && (i + 1 >= len || s[i + 1] != '"')); i++) {
                if (s[i] == '"')
                    i++;
                if (w + 1 >= bufsize)
                    return -1;
                buf[w++] = s[i];
            }
            if (i >= len)
                return -1;  /* unterminated */
            i++;
        } else {
            for (; i < len && s[i] != '.' && s[i] != '"'; i++) {
                if (w + 1 >= bufsize)
                    return -1;
                buf[w++] = (char)tolower((unsigned char)s[i]);
            }
        }
        if (w == start)
            return -1;      /* an empty part */
        buf[w++] = '\0';
        parts[n++] = buf + start;
        if (i == len)
            return n;
        if (s[i] != '.')
            return -1;
        i++;
    }
}

/* PostgreSQL's keywords that quote_ident quotes (every category but unreserved). */
static const char *const quoted_keywords[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
    "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast",
    "char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently",
    "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
    "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal",
    "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists",
    "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant",
    "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout",
    "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral",
    "leading", "least", "left", "like", "limit", "localtime", "localtimestamp", "national",
    "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric",
    "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing",
    "position", "precision", "primary", "real", "references", "returning", "right", "row",
    "select", "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric",
    "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim",
    "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose",
    "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement",
    "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot",
    "xmlserialize", "xmltable",
};

static bool needs_quotes(const char *p, size_t n)
{
    if (n == 0 || isdigit((unsigned char)p[0]))
        return true;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)p[i]) || isdigit((unsigned char)p[i]) || p[i] == '_'))
            return true;    /* upper case, punctuation and non-ASCII bytes */
    for (size_t k = 0; k < sizeof quoted_keywords / sizeof quoted_keywords[0]; k++)
        if (strlen(quoted_keywords[k]) == n && memcmp(quoted_keywords[k], p, n) == 0)
            return true;
    return false;
}

void cat_quote_ident(const char *p, size_t n, struct lw_buf *b)
{
    if (!needs_quotes(p, n)) {
        lw_buf_append(b, p, n);
        return;
    }
    lw_buf_append(b, "\"", 1);
    for (size_t i = 0; i < n; i++)
        lw_buf_append(b, p[i] == '"' ? "\"\"" : &p[i], p[i] == '"' ? 2 : 1);
    lw_buf_append(b, "\"", 1);
}

/* PostgreSQL's interval typmod: the fields' range in the high 16 bits (bits YEAR 2,
 * MONTH 1, DAY 3, HOUR 10, MINUTE 11, SECOND 12; 0x7FFF all), the precision in the low
 * 16 (0xFFFF none). */
static const struct {
    int range;
    const char *fields;
} interval_ranges[] = {
    {0x7FFF, ""}, {1 << 2, " year"}, {1 << 1, " month"}, {1 << 3, " day"},
    {1 << 10, " hour"}, {1 << 11, " minute"}, {1 << 12, " second"},
    {(1 << 2) | (1 << 1), " year to month"}, {(1 << 3) | (1 << 10), " day to hour"},
    {(1 << 3) | (1 << 10) | (1 << 11), " day to minute"},
    {(1 << 3) | (1 << 10) | (1 << 11) | (1 << 12), " day to second"},
    {(1 << 10) | (1 << 11), " hour to minute"},
    {(1 << 10) | (1 << 11) | (1 << 12), " hour to second"},
    {(1 << 11) | (1 << 12), " minute to second"},
};

/* The typmod part of a type's name as the type's typmodout prints it (PostgreSQL's
 * format_type: "(10)", "(10,2)", "(3) without time zone", " day to second(3)"); false for
 * an interval typmod no interval has (PostgreSQL: XX000). */
static bool format_typmod(uint32_t oid, int64_t typmod, struct lw_buf *b)
{
    int32_t t = (int32_t)typmod;
    switch (oid) {
    case SQL_OID_BPCHAR:
    case SQL_OID_VARCHAR:
        if (t > 4)  /* the length plus the varlena header */
            lw_buf_printf(b, "(%d)", t - 4);
        return true;
    case SQL_OID_NUMERIC:
        /* precision in the high 16 bits, scale a signed 11-bit number, both past the header */
        if (t >= 4)
            lw_buf_printf(b, "(%d,%d)", ((t - 4) >> 16) & 0xffff,
                          (((t - 4) & 0x7ff) ^ 1024) - 1024);
        return true;
    case SQL_OID_TIME:
    case SQL_OID_TIMESTAMP:
        lw_buf_printf(b, "(%d) without time zone", t);
        return true;
    case SQL_OID_TIMESTAMPTZ:
        lw_buf_printf(b, "(%d) with time zone", t);
        return true;
    case SQL_OID_INTERVAL:
        for (size_t i = 0; i < sizeof interval_ranges / sizeof interval_ranges[0]; i++)
            if (interval_ranges[i].range == ((t >> 16) & 0x7FFF)) {
                lw_buf_printf(b, "%s", interval_ranges[i].fields);
                if ((t & 0xFFFF) != 0xFFFF)
                    lw_buf_printf(b, "(%d)", t & 0xFFFF);
                return true;
            }
        return false;
    default:
        lw_buf_printf(b, "(%d)", t);    /* a type without typmodout: the number */
        return true;
    }
}

bool cat_format_type(uint32_t oid, int64_t typmod, bool has_typmod, struct lw_buf *b)
{
    /* the types whose name PostgreSQL spells without a typmod whatever it is given, and
     * the base words the typmod of the date/time types goes after */
    static const struct {
        uint32_t oid;
        const char *base;
    } fixed[] = {
        {SQL_OID_BOOL, NULL}, {SQL_OID_FLOAT4, NULL}, {SQL_OID_FLOAT8, NULL},
        {SQL_OID_INT2, NULL}, {SQL_OID_INT4, NULL}, {SQL_OID_INT8, NULL},
        {SQL_OID_TIME, "time"}, {SQL_OID_TIMESTAMP, "timestamp"},
        {SQL_OID_TIMESTAMPTZ, "timestamp"}, {SQL_OID_INTERVAL, "interval"},
    };
    const struct sql_type *ty = sql_type_get(oid), *elem;
    bool with_typmod = has_typmod && typmod >= 0;
    if (oid == 0) {
        lw_buf_append(b, "-", 1);
        return true;
    }
    if (!ty) {
        lw_buf_append(b, "???", 3);
        return true;
    }
    /* A bare bpchar is "bpchar" with typmod -1 but "character" with none. */
    if (oid == SQL_OID_BPCHAR && has_typmod && typmod < 0) {
        lw_buf_printf(b, "bpchar");
        return true;
    }
    /* an array's typmod is its element's: character varying(10)[] */
    if (with_typmod && ty->name[0] == '_' && ty->elem_oid && (elem = sql_type_get(ty->elem_oid))) {
        bool ok = cat_format_type(elem->oid, typmod, true, b);
        lw_buf_append(b, "[]", 2);
        return ok;
    }
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (fixed[i].oid == oid) {
            if (!with_typmod || !fixed[i].base) {
                lw_buf_printf(b, "%s", ty->sql_name);
                return true;
            }
            lw_buf_printf(b, "%s", fixed[i].base);
            return format_typmod(oid, typmod, b);
        }
    lw_buf_printf(b, "%s", ty->sql_name);
    return !with_typmod || format_typmod(oid, typmod, b);
}

const struct sql_table *cat_find_table(const struct sql_tables *t, const char *schema,
                                       const char *name)
{
    if (schema)
        return sql_tables_find(t, schema, name);
    for (int i = 0; i < cat_nsearch; i++) {
        const struct sql_table *tab = sql_tables_find(t, cat_search_path[i], name);
        if (tab)
            return tab;
    }
    return NULL;
}

/* --- reg* input --------------------------------------------------------------------- */

#define NAME_MAX_BYTES 256

static int reg_class_in(const struct sql_tables *t, const char **parts, int n, uint32_t *oid,
                        struct sql_error *err)
{
    const struct sql_table *tab;
    if (n == 2 && !sql_catalog_nsp_oid(t, parts[0]))
        return sql_error_set(err, "3F000", "schema \"%s\" does not exist", parts[0]);
    if (!(tab = cat_find_table(t, n == 2 ? parts[0] : NULL, parts[n - 1])))
        return sql_error_set(err, "42P01", "relation \"%s%s%s\" does not exist",
                             n == 2 ? parts[0] : "", n == 2 ? "." : "", parts[n - 1]);
    *oid = cat_table_oid(tab);
    return 0;
}

static int reg_namespace_in(const struct sql_tables *t, const char **parts, int n,
                            uint32_t *oid, struct sql_error *err)
{
    if (n != 1)
        return sql_error_set(err, "42601", "invalid name syntax");
    if (!(*oid = sql_catalog_nsp_oid(t, parts[0])))
        return sql_error_set(err, "3F000", "schema \"%s\" does not exist", parts[0]);
    return 0;
}

/* --- functions on the search path ---------------------------------------------------- */

/* A search for functions: those named name in schema (NULL: those the search path finds,
 * hidden ones left out, as PostgreSQL's FuncnameGetCandidates), or those with fn's name
 * and argument types in schema other than fn itself (like, for visibility). */
struct func_search {
    const struct sql_tables *t;
    const char *name, *schema;
    const struct sql_func *like;
    int found;
    uint32_t oid;           /* the last one found */
};

static bool on_path(const char *schema)
{
    for (int i = 0; i < cat_nsearch; i++)
        if (strcmp(cat_search_path[i], schema) == 0)
            return true;
    return false;
}

static int search_one(void *ctx, const struct sql_func *fn, const char *schema)
{
    struct func_search *q = ctx;
    bool match = strcmp(fn->name, q->name) == 0;
    if (q->like)
        match = match && fn != q->like && strcmp(schema, q->schema) == 0 &&
                fn->nargs == q->like->nargs &&
                memcmp(fn->args, q->like->args, (size_t)fn->nargs * sizeof fn->args[0]) == 0;
    else if (q->schema)
        match = match && strcmp(schema, q->schema) == 0;
    else
        match = match && on_path(schema) && cat_func_visible(q->t, fn, schema);
    if (match) {
        q->found++;
        q->oid = fn->oid;
    }
    return 0;
}

bool cat_func_visible(const struct sql_tables *t, const struct sql_func *fn, const char *schema)
{
    if (strcmp(schema, "pg_catalog") == 0)
        return true;    /* first on the path */
    for (int i = 0; i < cat_nsearch; i++) {
        struct func_search q = {t, fn->name, cat_search_path[i], fn, 0, 0};
        if (strcmp(cat_search_path[i], schema) == 0)
            return true;
        (void)cat_each_func(t, &q, search_one);
        if (q.found)
            return false;   /* an earlier schema's function of the same signature hides it */
    }
    return false;
}

/* How many functions name (in schema, or on the search path for NULL) finds; *oid gets
 * one of them. */
static int funcs_named(const struct sql_tables *t, const char *schema, const char *name,
                       uint32_t *oid)
{
    struct func_search q = {t, name, schema, NULL, 0, 0};
    (void)cat_each_func(t, &q, search_one);
    *oid = q.oid;
    return q.found;
}

static int reg_proc_in(const struct sql_tables *t, const char **parts, int n, const char *s,
                       size_t len, uint32_t *oid, struct sql_error *err)
{
    int found;
    if (n == 2 && !sql_catalog_nsp_oid(t, parts[0]))
        return sql_error_set(err, "3F000", "schema \"%s\" does not exist", parts[0]);
    found = funcs_named(t, n == 2 ? parts[0] : NULL, parts[n - 1], oid);
    if (found == 0)
        return sql_error_set(err, "42883", "function \"%.*s\" does not exist", (int)len, s);
    if (found > 1)
        return sql_error_set(err, "42725", "more than one function named \"%.*s\"", (int)len, s);
    return 0;
}

/* Type names: the registry's spellings ("integer", "character varying", "int4"), quoted
 * names as pg_type.typname ("char"), a trailing [] for the array type, and an optional
 * pg_catalog qualification. */
static int reg_type_in(const char *s, size_t len, uint32_t *oid, struct sql_error *err)
{
    char buf[NAME_MAX_BYTES], typbuf[NAME_MAX_BYTES];
    const char *parts[2], *open, *close;
    const char *t = s;
    size_t tl = len;
    bool array = false;
    const struct sql_type *ty = NULL;
    int n;
    while (tl > 0 && isspace((unsigned char)t[tl - 1]))
        tl--;
    while (tl > 0 && isspace((unsigned char)*t))
        t++, tl--;
    if (tl > 2 && t[tl - 2] == '[' && t[tl - 1] == ']') {
        array = true;
        tl -= 2;
        while (tl > 0 && isspace((unsigned char)t[tl - 1]))
            tl--;
    }
    /* a type modifier names the same type: varchar(10), numeric(10,2), timestamp(3) with
     * time zone; the name is looked up without it */
    open = memchr(t, '(', tl);
    close = open ? memchr(open, ')', tl - (size_t)(open - t)) : NULL;
    if (close && close - open > 1) {
        size_t head = (size_t)(open - t), tail = tl - (size_t)(close + 1 - t);
        const char *q = open + 1;
        while (q < close && (isdigit((unsigned char)*q) || *q == ',' || isspace((unsigned char)*q)))
            q++;
        while (head > 0 && isspace((unsigned char)t[head - 1]))
            head--;
        if (q != close)
            return sql_error_set(err, "0A000", "type modifiers other than numbers are not "
                                 "supported in \"%.*s\"", (int)len, s);
        if (head + tail < sizeof typbuf) {
            memcpy(typbuf, t, head);
            memcpy(typbuf + head, close + 1, tail);
            t = typbuf;
            tl = head + tail;
        }
    }
    n = cat_parse_name(t, tl, buf, sizeof buf, parts, 2);
    if (n == 2 && strcmp(parts[0], "pg_catalog") == 0)
        parts[0] = parts[1], n = 1;
    if (n == 1) {
        bool quoted = memchr(t, '"', tl) != NULL;
        if (!quoted) {
            ty = sql_type_by_name(parts[0]);
        } else {
            const struct sql_type *all;
            int nt = sql_type_all(&all);
            for (int i = 0; i < nt && !ty; i++)
                if (strcmp(all[i].name, parts[0]) == 0)
                    ty = &all[i];
        }
    }
    if (ty && array)
        ty = ty->array_oid ? sql_type_get(ty->array_oid) : NULL;
    if (!ty && n == 1)
        return sql_error_set(err, "42704", "type \"%s%s\" does not exist", parts[0],
                             array ? "[]" : "");
    if (!ty)
        return sql_error_set(err, "42704", "type \"%.*s\" does not exist", (int)len, s);
    *oid = ty->oid;
    return 0;
}

int sql_catalog_reg_in(const struct sql_tables *t, uint32_t type, const char *s, size_t len,
                       uint32_t *oid, struct sql_error *err)
{
    char buf[NAME_MAX_BYTES];
    const char *parts[3];
    size_t i = 0;
    int n;
    /* A number is the OID itself, for every reg* type (PostgreSQL's shortcut). */
    while (i < len && isspace((unsigned char)s[i]))
        i++;
    if (i < len && isdigit((unsigned char)s[i])) {
        uint64_t v = 0;
        for (; i < len && isdigit((unsigned char)s[i]) && v <= UINT32_MAX; i++)
            v = v * 10 + (uint64_t)(s[i] - '0');
        while (i < len && isspace((unsigned char)s[i]))
            i++;
        if (i == len && v <= UINT32_MAX) {
            *oid = (uint32_t)v;
            return 0;
        }
    }
    if (len == 1 && s[0] == '-') {
        *oid = 0;
        return 0;
    }
    if (type == SQL_OID_REGTYPE)
        return reg_type_in(s, len, oid, err);
    if (type == SQL_OID_REGPROCEDURE)
        return sql_error_set(err, "0A000", "input of regprocedure by name and arguments is not "
                             "supported; give the OID");
    n = cat_parse_name(s, len, buf, sizeof buf, parts, 3);
    if (n == 3)
        return sql_error_set(err, "0A000", "cross-database references are not implemented: "
                             "\"%.*s\"", (int)len, s);
    if (n < 0)
        return sql_error_set(err, "42601", "invalid name syntax");
    switch (type) {
    case SQL_OID_REGCLASS:
        return reg_class_in(t, parts, n, oid, err);
    case SQL_OID_REGNAMESPACE:
        return reg_namespace_in(t, parts, n, oid, err);
    case SQL_OID_REGPROC:
        return reg_proc_in(t, parts, n, s, len, oid, err);
    default:
        return sql_error_set(err, "42804", "type %u is not a reg* type", (unsigned)type);
    }
}

/* --- reg* output -------------------------------------------------------------------- */

void sql_catalog_reg_out(const struct sql_tables *t, uint32_t type, uint32_t oid,
                         struct lw_buf *b)
{
    const struct sql_func *fn;
    const struct sql_table *tab;
    const char *nsp;
    if (oid == 0 && type != SQL_OID_REGNAMESPACE) {
        lw_buf_append(b, "-", 1);
        return;
    }
    switch (type) {
    case SQL_OID_REGCLASS:
        if (!(tab = sql_catalog_rel_by_oid(t, oid)))
            break;
        /* qualified when the name alone would find another relation or none */
        if (cat_find_table(t, NULL, tab->name) != tab) {
            cat_quote_ident(tab->schema, strlen(tab->schema), b);
            lw_buf_append(b, ".", 1);
        }
        cat_quote_ident(tab->name, strlen(tab->name), b);
        return;
    case SQL_OID_REGTYPE:
        if (!sql_type_get(oid))
            break;
        cat_format_type(oid, -1, false, b);
        return;
    case SQL_OID_REGPROC:
    case SQL_OID_REGPROCEDURE:
        if (!(fn = sql_catalog_func_by_oid(t, oid, &nsp)))
            break;
        /* A module function is qualified when its name alone would not find it, as
         * PostgreSQL qualifies (regproc: the name finds it and nothing else; regprocedure:
         * it is visible). Built-ins print bare, lakeward's behaviour so far. */
        if (strcmp(nsp, "pg_catalog") != 0 &&
            !(type == SQL_OID_REGPROC ? funcs_named(t, NULL, fn->name, &(uint32_t){0}) == 1 &&
                                            cat_func_visible(t, fn, nsp)
                                      : cat_func_visible(t, fn, nsp))) {
            cat_quote_ident(nsp, strlen(nsp), b);
            lw_buf_append(b, ".", 1);
        }
        cat_quote_ident(fn->name, strlen(fn->name), b);
        if (type == SQL_OID_REGPROCEDURE) {
            lw_buf_append(b, "(", 1);
            for (int i = 0; i < fn->nargs; i++) {
                if (i)
                    lw_buf_append(b, ",", 1);
                cat_format_type(fn->args[i], -1, false, b);
            }
            lw_buf_append(b, ")", 1);
        }
        return;
    case SQL_OID_REGNAMESPACE:
        if (!(nsp = sql_catalog_nsp_name(t, oid)))
            break;
        cat_quote_ident(nsp, strlen(nsp), b);
        return;
    default:
        break;
    }
    lw_buf_printf(b, "%u", (unsigned)oid);     /* nothing has that OID: the number */
}
