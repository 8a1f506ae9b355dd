/* sql_value.c -- primitives under the types' text I/O (sql_value.h): number and boolean
 * parsing as PostgreSQL's input functions do it, float8 shortest-exact output, civil
 * dates, ISO timestamps; plus the registry-backed helpers the rest of sql/ calls. */
#include "sql_value.h"

#include "sql_type.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum sql_vtype sql_vtype_of(uint32_t oid)
{
    const struct sql_type *t = sql_type_get(oid);
    return t ? t->vtype : SQL_V_TEXT;
}

const char *sql_type_name(uint32_t oid)
{
    const struct sql_type *t = sql_type_get(oid);
    return t ? t->sql_name : "unknown";
}

int sql_type_len(uint32_t oid)
{
    const struct sql_type *t = sql_type_get(oid);
    return t ? t->len : -1;
}

bool sql_types_comparable(uint32_t a, uint32_t b)
{
    const struct sql_type *ta = sql_type_get(a), *tb = sql_type_get(b);
    if (!ta || !tb || !ta->cmp || !tb->cmp)
        return false;
    if (a == b || sql_type_implicit(a, b) || sql_type_implicit(b, a))
        return true;
    return ta->category == tb->category && ta->category == SQL_TCAT_NUMERIC;
}

bool sql_type_orderable(uint32_t oid)
{
    const struct sql_type *t = sql_type_get(oid);
    return t && t->cmp;
}

void sql_value_text(const struct sql_value *v, uint32_t oid, struct lw_buf *b)
{
    const struct sql_type *t = sql_type_get(oid);
    if (v->type == SQL_V_NULL)
        return;
    if (t && t->out)
        t->out(v, oid, b);
    else if (v->type == SQL_V_TEXT)
        lw_buf_append(b, v->u.s.p, v->u.s.len);
}

int sql_value_parse(const char *s, size_t len, uint32_t oid, struct sql_value *out,
                    struct sql_error *err)
{
    return sql_value_parse_in(s, len, oid, NULL, out, err);
}

int sql_value_parse_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                       struct sql_value *out, struct sql_error *err)
{
    const struct sql_type *t = sql_type_get(oid);
    memset(out, 0, sizeof *out);
    if (!t || !t->in)
        return sql_error_set(err, "0A000", "input of type %s is not supported yet",
                             t ? t->sql_name : "unknown");
    return t->in(s, len, oid, arena, out, err);
}

/* Shortest text that reads back as the same double, laid out as Postgres's float8out:
 * plain notation for decimal exponents -4..14, exponent notation outside. */
void sql_format_float8(double f, struct lw_buf *b)
{
    char tmp[48];
    char *e;
    int64_t exp = 0;
    int p;
    if (isnan(f)) {
        lw_buf_puts(b, "NaN");
        return;
    }
    if (isinf(f)) {
        lw_buf_puts(b, f < 0 ? "-Infinity" : "Infinity");
        return;
    }
    if (f == 0) {
        lw_buf_puts(b, signbit(f) ? "-0" : "0");
        return;
    }
    for (p = 1; p < 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, f);
        if (strtod(tmp, NULL) == f)
            break;
    }
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, f);
    e = strchr(tmp, 'e');
    if (!e || lw_parse_i64(e + 1, -400, 400, &exp) != 0)
        exp = 0;
    if (exp < -4 || exp >= 15) {
        lw_buf_puts(b, tmp);
        return;
    }
    lw_buf_printf(b, "%.*f", (int)(p - 1 - exp > 0 ? p - 1 - exp : 0), f);
}

static int64_t floor_div(int64_t a, int64_t d)
{
    int64_t q = a / d;
    return (a % d != 0 && (a < 0) != (d < 0)) ? q - 1 : q;
}

void sql_time_format(int64_t us, char *out)
{
    int64_t secs = floor_div(us, 1000000);
    int64_t frac = us - secs * 1000000;
    time_t t = (time_t)secs;
    struct tm tm;
    int n;
    if (!gmtime_r(&t, &tm)) {
        snprintf(out, 40, "infinity");
        return;
    }
    n = snprintf(out, 40, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (frac) {
        n += snprintf(out + n, (size_t)(40 - n), ".%06lld", (long long)frac);
        while (out[n - 1] == '0')
            n--;
    }
    snprintf(out + n, (size_t)(40 - n), "+00");
}

/* --- input ---------------------------------------------------------------------------- */

void sql_trim(const char **s, size_t *len)
{
    while (*len && isspace((unsigned char)**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && isspace((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

/* Postgres's parse_bool: true/false, yes/no, on/off and unique prefixes, 1/0. */
bool sql_parse_bool(const char *s, size_t len, bool *out)
{
    if (len == 0)
        return false;
    switch (tolower((unsigned char)s[0])) {
    case 't': *out = true; return strncasecmp(s, "true", len) == 0 && len <= 4;
    case 'y': *out = true; return strncasecmp(s, "yes", len) == 0 && len <= 3;
    case 'f': *out = false; return strncasecmp(s, "false", len) == 0 && len <= 5;
    case 'n': *out = false; return strncasecmp(s, "no", len) == 0 && len <= 2;
    case 'o':
        if (len == 2 && strncasecmp(s, "on", 2) == 0) {
            *out = true;
            return true;
        }
        *out = false;
        return len >= 2 && len <= 3 && strncasecmp(s, "off", len) == 0;
    case '1': *out = true; return len == 1;
    case '0': *out = false; return len == 1;
    default: return false;
    }
}

bool sql_parse_int(const char *s, size_t len, int64_t *out, bool *overflow)
{
    size_t i = 0;
    bool neg = false;
    uint64_t v = 0, lim;
    *overflow = false;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i == len)
        return false;
    lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        if (v > (lim - (uint64_t)(s[i] - '0')) / 10)
            *overflow = true;
        else
            v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (*overflow)
        return true;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

bool sql_parse_float(const char *s, size_t len, double *out, bool *overflow)
{
    char tmp[128], *end;
    *overflow = false;
    if (len == 0 || len >= sizeof tmp || memchr(s, 'x', len) || memchr(s, 'X', len))
        return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    errno = 0;
    *out = strtod(tmp, &end);
    if (end == tmp || *end)
        return false;
    if (errno == ERANGE && (*out == HUGE_VAL || *out == -HUGE_VAL))
        *overflow = true;
    return true;
}

/* Reads exactly n digits. */
static bool digits(const char **p, const char *end, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (*p >= end || !isdigit((unsigned char)**p))
            return false;
        v = v * 10 + (*(*p)++ - '0');
    }
    *out = v;
    return true;
}

int64_t sql_days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int sql_days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

int sql_time_parse_ex(const char *s, size_t len, int64_t *us, int64_t *zone_s_out, bool *has_time)
{
    const char *p = s, *end = s + len;
    int y, mo, d, h = 0, mi = 0, sec = 0, zh = 0, zm = 0;
    int64_t frac = 0, zone_s = 0;
    *zone_s_out = SQL_NO_ZONE;
    *has_time = false;
    if (!digits(&p, end, 4, &y))
        return 1;
    /* PostgreSQL reads years past 9999 (to 5874897 for dates): at most 8 digits here */
    while (p < end && isdigit((unsigned char)*p) && y < 10000000)
        y = y * 10 + (*p++ - '0');
    if (p >= end || *p++ != '-' || !digits(&p, end, 2, &mo) || p >= end || *p++ != '-' ||
        !digits(&p, end, 2, &d))
        return 1;
    if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
        p++;
        *has_time = true;
        while (p < end && *p == ' ')
            p++;
        if (!digits(&p, end, 2, &h) || p >= end || *p++ != ':' || !digits(&p, end, 2, &mi))
            return 1;
        if (p < end && *p == ':') {
            p++;
            if (!digits(&p, end, 2, &sec))
                return 1;
            if (p < end && *p == '.') {
                int nd = 0;
                p++;
                if (p >= end || !isdigit((unsigned char)*p))
                    return 1;
                for (; p < end && isdigit((unsigned char)*p); p++, nd++)
                    if (nd < 6)
                        frac = frac * 10 + (*p - '0');
                    else if (nd == 6 && *p >= '5')
                        frac++;     /* round to microseconds */
                for (; nd < 6; nd++)
                    frac *= 10;
            }
        }
        while (p < end && *p == ' ')
            p++;
        if (p < end) {
            size_t rest = (size_t)(end - p);
            if ((rest == 1 && (*p == 'Z' || *p == 'z')) ||
                (rest == 3 && (strncasecmp(p, "UTC", 3) == 0 || strncasecmp(p, "GMT", 3) == 0))) {
                p = end;
                *zone_s_out = 0;
            } else if (*p == '+' || *p == '-') {
                int sign = *p++ == '-' ? -1 : 1;
                if (!digits(&p, end, 2, &zh))
                    return 1;
                if (p < end && *p == ':')
                    p++;
                if (p < end && !digits(&p, end, 2, &zm))
                    return 1;
                if (zh > 15 || zm > 59)
                    return 2;
                zone_s = sign * (zh * 3600 + zm * 60);
                *zone_s_out = zone_s;
            }
        }
    }
    if (p != end)
        return 1;
    if (mo < 1 || mo > 12 || d < 1 || d > sql_days_in_month(y, mo) || h > 24 || mi > 59 ||
        sec > 60 || (h == 24 && (mi || sec || frac)))
        return 2;
    /* past lakeward's end (its microseconds from 1970 run out in 294247): the caller tells
     * PostgreSQL's range from its own by the year, handed back in *us */
    if (y > 294246) {
        *us = y;
        return 3;
    }
    *us = ((sql_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) - zone_s) * 1000000 +
          frac;
    return 0;
}

int sql_time_parse(const char *s, size_t len, int64_t *us)
{
    int64_t z;
    bool t;
    sql_trim(&s, &len);
    return sql_time_parse_ex(s, len, us, &z, &t) == 0 ? 0 : LW_EINVAL;
}

/* --- comparison ----------------------------------------------------------------------- */

static int cmp_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

int sql_value_cmp(const struct sql_value *a, const struct sql_value *b)
{
    size_t n;
    int c;
    if (a->type == SQL_V_INT && b->type == SQL_V_INT)
        return (a->u.i > b->u.i) - (a->u.i < b->u.i);
    if ((a->type == SQL_V_INT || a->type == SQL_V_FLOAT) &&
        (b->type == SQL_V_INT || b->type == SQL_V_FLOAT))
        return cmp_double(a->type == SQL_V_INT ? (double)a->u.i : a->u.f,
                          b->type == SQL_V_INT ? (double)b->u.i : b->u.f);
    if (a->type != b->type)
        return (int)a->type - (int)b->type;     /* the engine never compares these */
    switch (a->type) {
    case SQL_V_BOOL: return (int)a->u.b - (int)b->u.b;
    case SQL_V_TIME: return (a->u.us > b->u.us) - (a->u.us < b->u.us);
    case SQL_V_TEXT:
        n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
        c = n ? memcmp(a->u.s.p, b->u.s.p, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return (a->u.s.len > b->u.s.len) - (a->u.s.len < b->u.s.len);
    default: return 0;
    }
}
