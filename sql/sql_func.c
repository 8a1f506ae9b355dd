/* sql_func.c -- the function and operator registry (sql_func.h): the list of families and
 * call resolution with PostgreSQL's rules (exact match, then implicit casts scored by
 * exact matches and preferred types, unknown literals taking their partners' types). */
#include "sql_func.h"

#include "sql_func_impl.h"
#include "sql_catalog_func.h"

#include <string.h>

static const struct sql_func_family *const families[] = {
    &sql_func_family_ops,
    &sql_func_family_misc,
    &sql_func_family_agg,
    &sql_func_family_srf,
    &sql_func_family_numeric,
    &sql_func_family_json,
    &sql_func_family_array,
    &sql_func_family_catalog,
    &sql_func_family_typeio,
    &sql_func_family_cast,
    &sql_func_family_estimators,
};

#define NFAMILIES ((int)(sizeof families / sizeof families[0]))

int sql_func_nfamilies(void)
{
    return NFAMILIES;
}

const struct sql_func_family *sql_func_family_at(int i)
{
    return i >= 0 && i < NFAMILIES ? families[i] : NULL;
}

/* PostgreSQL's ordered-set aggregates (pg_aggregate.aggkind 'o') that the registry has, by
 * pg_proc OID, and how many direct arguments each takes (aggnumdirectargs). */
static const struct {
    uint32_t oid;
    int ndirect;
} ordered_sets[] = {
    {3972, 1}, {3974, 1}, {3976, 1},    /* percentile_disc, percentile_cont (float8, interval) */
    {3978, 1}, {3980, 1}, {3982, 1},    /* the same over an array of fractions */
    {3984, 0},                          /* mode */
};

int sql_agg_ordered_ndirect(const struct sql_func *fn)
{
    if (!fn || fn->kind != SQL_FN_AGG)
        return -1;
    for (size_t i = 0; i < sizeof ordered_sets / sizeof ordered_sets[0]; i++)
        if (fn->oid == ordered_sets[i].oid)
            return ordered_sets[i].ndirect;
    return -1;
}

const struct sql_func *sql_func_by_oid(uint32_t oid)
{
    if (oid == 0)
        return NULL;    /* 0 marks the extra call forms of an entry, never a function */
    for (int f = 0; f < NFAMILIES; f++)
        for (int i = 0; i < families[f]->nfuncs; i++)
            if (families[f]->funcs[i].oid == oid)
                return &families[f]->funcs[i];
    return NULL;
}

bool sql_func_exists(const char *name)
{
    for (int f = 0; f < NFAMILIES; f++)
        for (int i = 0; i < families[f]->nfuncs; i++)
            if (strcmp(families[f]->funcs[i].name, name) == 0)
                return true;
    return false;
}

bool sql_oper_exists(const char *name)
{
    for (int f = 0; f < NFAMILIES; f++)
        for (int i = 0; i < families[f]->nopers; i++)
            if (strcmp(families[f]->opers[i].name, name) == 0)
                return true;
    return false;
}

/* anyelement and anynonarray: one element type shared with the call's anyarray arguments */
static bool elem_poly(uint32_t t)
{
    return t == SQL_OID_ANYELEMENT || t == SQL_OID_ANYNONARRAY;
}

static bool polymorphic(uint32_t t)
{
    return elem_poly(t) || t == SQL_OID_ANYARRAY || t == SQL_OID_ANY;
}

static char category_of(uint32_t t)
{
    const struct sql_type *ty = sql_type_get(t);
    return ty ? ty->category : SQL_TCAT_USER;
}

/* How well argument types fit parameter types: -1 when some argument cannot reach its
 * parameter; else the number of exact matches (and *preferred: of preferred-type params
 * reached by a cast). Unknown literals reach anything. Polymorphic parameters must agree
 * as PostgreSQL checks them: every anyarray argument is the same array type, whose element
 * type is every anyelement argument's type, and anynonarray takes no array (so text[] ||
 * text[] is array_cat, not array_append nor text || anynonarray). */
static int fit(int argc, const uint32_t *argt, const uint32_t *params, bool variadic,
               int nparams, int *preferred)
{
    int exact = 0;
    uint32_t poly = 0, arr = 0;
    *preferred = 0;
    for (int i = 0; i < argc; i++) {
        uint32_t p = params[i < nparams ? i : nparams - 1];
        uint32_t a = argt[i];
        (void)variadic;
        if (a == p) {
            exact++;
            continue;
        }
        if (polymorphic(p)) {
            const struct sql_type *at = sql_type_get(a);
            uint32_t elem = a;
            if (p == SQL_OID_ANY || a == SQL_OID_UNKNOWN)
                continue;
            if (p == SQL_OID_ANYARRAY) {
                if (!at || at->category != SQL_TCAT_ARRAY || (arr && arr != a))
                    return -1;
                arr = a;
                elem = at->elem_oid;
            } else if (p == SQL_OID_ANYNONARRAY && at && at->category == SQL_TCAT_ARRAY) {
                return -1;
            }
            if (poly && poly != elem)
                return -1;
            poly = elem;
            continue;
        }
        if (a == SQL_OID_UNKNOWN)
            continue;
        if (!sql_type_implicit(a, p))
            return -1;
        {
            /* PostgreSQL's IsPreferredType: preferred in the argument's own category (text
             * counts for name or varchar, not for "char", an internal-category type) */
            const struct sql_type *pt = sql_type_get(p);
            if (pt && pt->preferred && pt->category == category_of(a))
                (*preferred)++;
        }
    }
    return exact;
}

/* The resolved result type of a polymorphic function: the type its anyelement arguments
 * have (or the array of it), text for unknown literals. */
static uint32_t resolve_ret(const struct sql_func *f, int argc, const uint32_t *argt)
{
    uint32_t elem = 0, arr = 0;
    if (!polymorphic(f->ret))
        return f->ret;
    for (int i = 0; i < argc; i++) {
        uint32_t p = f->args[i < f->nargs ? i : f->nargs - 1];
        if (elem_poly(p) && argt[i] != SQL_OID_UNKNOWN)
            elem = argt[i];
        if (p == SQL_OID_ANYARRAY && argt[i] != SQL_OID_UNKNOWN)
            arr = argt[i];
    }
    if (elem_poly(f->ret)) {
        if (!elem && arr && sql_type_get(arr))
            elem = sql_type_get(arr)->elem_oid;
        return elem ? elem : SQL_OID_TEXT;
    }
    if (!arr && elem && sql_type_get(elem))
        arr = sql_type_get(elem)->array_oid;
    return arr ? arr : SQL_OID_TEXT_ARRAY;
}

/* The best candidate among n entries reached by get(i), PostgreSQL's way. */
static const struct sql_func *choose(const struct sql_func *const *cand, int n, int argc,
                                     const uint32_t *argt, int *nmatch)
{
    int best_exact = -1, best_pref = -1, count = 0;
    const struct sql_func *best = NULL;
    int score_e[64], score_p[64];
    n = n > 64 ? 64 : n;
    for (int i = 0; i < n; i++) {
        int pref;
        int e = fit(argc, argt, cand[i]->args, cand[i]->variadic, cand[i]->nargs, &pref);
        score_e[i] = e;
        score_p[i] = pref;
        if (e > best_exact)
            best_exact = e;
    }
    if (best_exact < 0) {
        *nmatch = 0;
        return NULL;
    }
    for (int i = 0; i < n; i++)
        if (score_e[i] == best_exact && score_p[i] > best_pref)
            best_pref = score_p[i];
    for (int i = 0; i < n; i++)
        if (score_e[i] == best_exact && score_p[i] == best_pref) {
            count++;
            best = cand[i];
        }
    if (count > 1) {
        /* Unknown literals (PostgreSQL's func_select_candidate): at each unknown position,
         * the candidates' parameter categories must agree, or one of them be the string
         * category, which then wins; a conflict anywhere leaves the candidates as they are
         * (date + '3': int4, interval and time disagree, so the call is ambiguous). Where
         * resolved, keep the candidates of that category, and of a preferred type when one
         * of them takes one. */
        bool keep[64], resolved = true;
        char slot_cat[SQL_FUNC_MAX_ARGS];
        bool slot_pref[SQL_FUNC_MAX_ARGS];
        int left = 0;
        for (int i = 0; i < n; i++)
            keep[i] = score_e[i] == best_exact && score_p[i] == best_pref;
        for (int a = 0; a < argc && a < SQL_FUNC_MAX_ARGS && resolved; a++) {
            bool conflict = false;
            slot_cat[a] = 0;
            slot_pref[a] = false;
            if (argt[a] != SQL_OID_UNKNOWN)
                continue;
            for (int i = 0; i < n; i++) {
                uint32_t p = cand[i]->args[a < cand[i]->nargs ? a : cand[i]->nargs - 1];
                const struct sql_type *pt = sql_type_get(p);
                char cat = polymorphic(p) ? SQL_TCAT_PSEUDO : category_of(p);
                bool pref = pt && pt->preferred;
                if (!keep[i])
                    continue;
                if (!slot_cat[a] || (cat == SQL_TCAT_STRING && slot_cat[a] != cat)) {
                    conflict |= slot_cat[a] != 0;
                    slot_cat[a] = cat;
                    slot_pref[a] = pref;
                } else if (cat == slot_cat[a]) {
                    slot_pref[a] |= pref;
                } else {
                    conflict = true;
                }
            }
            resolved = !conflict || slot_cat[a] == SQL_TCAT_STRING;
        }
        if (resolved && argc <= SQL_FUNC_MAX_ARGS) {
            bool ok[64];
            int kept = 0;
            for (int i = 0; i < n; i++) {
                ok[i] = keep[i];
                for (int a = 0; a < argc && ok[i]; a++) {
                    uint32_t p = cand[i]->args[a < cand[i]->nargs ? a : cand[i]->nargs - 1];
                    const struct sql_type *pt = sql_type_get(p);
                    char cat = polymorphic(p) ? SQL_TCAT_PSEUDO : category_of(p);
                    if (argt[a] == SQL_OID_UNKNOWN)
                        ok[i] = cat == slot_cat[a] && (!slot_pref[a] || (pt && pt->preferred));
                }
                kept += ok[i];
            }
            for (int i = 0; i < n && kept; i++)
                keep[i] = ok[i];
        }
        /* PostgreSQL's last rule: when the known arguments share one type, take the unknown
         * ones as that type too and keep the candidate that alone accepts it (int[] ||
         * unknown is array_cat) */
        {
            uint32_t same = 0, as_known[SQL_FUNC_MAX_ARGS];
            int fits = 0, pref, which = -1;
            for (int a = 0; a < argc; a++)
                if (argt[a] != SQL_OID_UNKNOWN)
                    same = !same || same == argt[a] ? argt[a] : (uint32_t)-1;
            for (int a = 0; a < argc && a < SQL_FUNC_MAX_ARGS; a++)
                as_known[a] = argt[a] == SQL_OID_UNKNOWN ? same : argt[a];
            for (int i = 0; same && same != (uint32_t)-1 && argc <= SQL_FUNC_MAX_ARGS && i < n;
                 i++)
                if (keep[i] && fit(argc, as_known, cand[i]->args, cand[i]->variadic,
                                   cand[i]->nargs, &pref) >= 0) {
                    fits++;
                    which = i;
                }
            if (fits == 1) {
                *nmatch = 1;
                return cand[which];
            }
        }
        for (int i = 0; i < n; i++)
            if (keep[i]) {
                left++;
                best = cand[i];
            }
        *nmatch = left;
        return left == 1 ? best : NULL;
    }
    *nmatch = 1;
    return best;
}

/* True when f has polymorphic parameters (other than "any") but every argument given for
 * them is an unknown literal: PostgreSQL cannot infer their type then (42804). */
static bool poly_unknown(const struct sql_func *f, int argc, const uint32_t *argt)
{
    bool poly = false;
    for (int i = 0; i < argc; i++) {
        uint32_t p = f->args[i < f->nargs ? i : f->nargs - 1];
        if (!polymorphic(p) || p == SQL_OID_ANY)
            continue;
        if (argt[i] != SQL_OID_UNKNOWN)
            return false;
        poly = true;
    }
    return poly;
}

/* The types to cast each argument to. Polymorphic parameters take the types the known
 * arguments fix: an unknown literal given for anyarray becomes that array type (ARRAY[1] =
 * '{1}' compares int4[] values), one given for anyelement its element type. */
static void fill_want(const struct sql_func *f, int argc, const uint32_t *argt, uint32_t *want,
                      uint32_t ret)
{
    uint32_t elem = 0, arr = 0;
    for (int i = 0; i < argc; i++) {
        uint32_t p = f->args[i < f->nargs ? i : f->nargs - 1];
        if (argt[i] == SQL_OID_UNKNOWN)
            continue;
        if (elem_poly(p))
            elem = argt[i];
        else if (p == SQL_OID_ANYARRAY)
            arr = argt[i];
    }
    if (!elem && arr && sql_type_get(arr))
        elem = sql_type_get(arr)->elem_oid;
    if (!arr && elem && sql_type_get(elem))
        arr = sql_type_get(elem)->array_oid;
    (void)ret;
    for (int i = 0; i < argc; i++) {
        uint32_t p = f->args[i < f->nargs ? i : f->nargs - 1];
        if (elem_poly(p))
            p = argt[i] != SQL_OID_UNKNOWN ? argt[i] : elem ? elem : SQL_OID_TEXT;
        else if (p == SQL_OID_ANYARRAY)
            p = argt[i] != SQL_OID_UNKNOWN ? argt[i] : arr ? arr : SQL_OID_TEXT_ARRAY;
        else if (p == SQL_OID_ANY)
            p = argt[i];
        want[i] = p;
    }
}

const struct sql_func *sql_func_resolve(const char *name, int argc, const uint32_t *argt,
                                        char kind, uint32_t *want, uint32_t *ret, int *nmatch)
{
    const struct sql_func *cand[64], *f;
    int n = 0;
    for (int fam = 0; fam < NFAMILIES; fam++)
        for (int i = 0; i < families[fam]->nfuncs && n < 64; i++) {
            const struct sql_func *c = &families[fam]->funcs[i];
            if (strcmp(c->name, name) != 0 || (kind && c->kind != kind))
                continue;
            /* a variadic parameter takes one argument at least: concat() does not exist */
            if (c->variadic ? argc < c->nargs : argc != c->nargs)
                continue;
            cand[n++] = c;
        }
    f = choose(cand, n, argc, argt, nmatch);
    if (f && poly_unknown(f, argc, argt)) {
        *nmatch = -1;
        return NULL;
    }
    if (f) {
        *ret = resolve_ret(f, argc, argt);
        fill_want(f, argc, argt, want, *ret);
    }
    return f;
}

const struct sql_oper *sql_oper_resolve(const char *name, uint32_t left, uint32_t right,
                                        uint32_t *want_left, uint32_t *want_right,
                                        const struct sql_func **fn, int *nmatch)
{
    const struct sql_func *cand[64], *f;
    const struct sql_oper *ops[64];
    uint32_t argt[2] = {left, right}, want[2], ret;
    int n = 0;
    for (int fam = 0; fam < NFAMILIES; fam++)
        for (int i = 0; i < families[fam]->nopers && n < 64; i++) {
            const struct sql_oper *o = &families[fam]->opers[i];
            const struct sql_func *of;
            if (strcmp(o->name, name) != 0 || (o->left == 0) != (left == 0))
                continue;
            if (!(of = sql_func_by_oid(o->func_oid)))
                continue;
            ops[n] = o;
            cand[n++] = of;
        }
    if (left == 0) {
        argt[0] = right;
        f = choose(cand, n, 1, argt, nmatch);
    } else {
        f = choose(cand, n, 2, argt, nmatch);
    }
    if (f && poly_unknown(f, left ? 2 : 1, argt)) {
        *nmatch = -1;
        return NULL;
    }
    if (!f)
        return NULL;
    ret = resolve_ret(f, left ? 2 : 1, argt);
    fill_want(f, left ? 2 : 1, argt, want, ret);
    *fn = f;
    if (left) {
        *want_left = want[0];
        *want_right = want[1];
    } else {
        *want_left = 0;
        *want_right = want[0];
    }
    for (int i = 0; i < n; i++)
        if (cand[i] == f)
            return ops[i];
    return NULL;
}
