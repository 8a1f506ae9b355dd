/* sql_parse.c -- the bounded road from SQL text to a parse tree (sql_parse.h): a flat
 * token pass bounding the tree's depth before any recursive code sees the text. */
#include "sql_parse.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <stdio.h>
#include <string.h>

/* One bracket level of the pass. The parser flattens a chain of AND or of OR into one
 * node whose operands are siblings, so an element (a comma-separated list entry) is read as
 * segments between AND/OR: tokens that bind tighter than AND (operators, NOT, IS, IN, LIKE)
 * can only nest inside their own segment, and count per segment (`seg_ops`, with the
 * deepest bracketed child `child`); every other keyword (SELECT, WHERE, CASE, BETWEEN...)
 * may sit above later segments and counts for the whole element (`kw`). An element's depth
 * is then kw + its deepest segment + 1 for the chain node, an upper bound of the tree's. */
struct level {
    long kw, seg_ops, child, seg_best, best;
    bool chained;
};

static long segment_depth(const struct level *l)
{
    return l->seg_ops + l->child;
}

static void end_segment(struct level *l)
{
    long d = segment_depth(l);
    if (d > l->seg_best)
        l->seg_best = d;
    l->seg_ops = l->child = 0;
}

static long element_depth(const struct level *l)
{
    long seg = segment_depth(l) > l->seg_best ? segment_depth(l) : l->seg_best;
    return l->kw + seg + (l->chained ? 1 : 0);
}

static void end_element(struct level *l)
{
    long d = element_depth(l);
    if (d > l->best)
        l->best = d;
    *l = (struct level){.best = l->best};
}

/* Tokens that never start a nested node: names, constants, parameters, list punctuation,
 * comments. AND/OR end a segment instead. */
static bool flat_token(PgQuery__Token t)
{
    switch (t) {
    case PG_QUERY__TOKEN__IDENT:
    case PG_QUERY__TOKEN__UIDENT:
    case PG_QUERY__TOKEN__FCONST:
    case PG_QUERY__TOKEN__SCONST:
    case PG_QUERY__TOKEN__USCONST:
    case PG_QUERY__TOKEN__BCONST:
    case PG_QUERY__TOKEN__XCONST:
    case PG_QUERY__TOKEN__ICONST:
    case PG_QUERY__TOKEN__PARAM:
    case PG_QUERY__TOKEN__TRUE_P:
    case PG_QUERY__TOKEN__FALSE_P:
    case PG_QUERY__TOKEN__NULL_P:
    case PG_QUERY__TOKEN__ASCII_46:     /* . */
    case PG_QUERY__TOKEN__SQL_COMMENT:
    case PG_QUERY__TOKEN__C_COMMENT:
        return true;
    default:
        return false;
    }
}

/* Tokens binding tighter than AND (PostgreSQL's precedence: OR < AND < NOT < IS <
 * comparison < LIKE/IN < operators), so the nodes they make stay inside one segment. */
static bool segment_token(PgQuery__Token t)
{
    switch (t) {
    case PG_QUERY__TOKEN__Op:
    case PG_QUERY__TOKEN__ASCII_37:     /* % */
    case PG_QUERY__TOKEN__ASCII_42:     /* * */
    case PG_QUERY__TOKEN__ASCII_43:     /* + */
    case PG_QUERY__TOKEN__ASCII_45:     /* - */
    case PG_QUERY__TOKEN__ASCII_47:     /* / */
    case PG_QUERY__TOKEN__ASCII_60:     /* < */
    case PG_QUERY__TOKEN__ASCII_61:     /* = */
    case PG_QUERY__TOKEN__ASCII_62:     /* > */
    case PG_QUERY__TOKEN__ASCII_94:     /* ^ */
    case PG_QUERY__TOKEN__TYPECAST:
    case PG_QUERY__TOKEN__LESS_EQUALS:
    case PG_QUERY__TOKEN__GREATER_EQUALS:
    case PG_QUERY__TOKEN__NOT_EQUALS:
    case PG_QUERY__TOKEN__NOT:
    case PG_QUERY__TOKEN__IS:
    case PG_QUERY__TOKEN__ISNULL:
    case PG_QUERY__TOKEN__NOTNULL:
    case PG_QUERY__TOKEN__IN_P:
    case PG_QUERY__TOKEN__LIKE:
    case PG_QUERY__TOKEN__ILIKE:
        return true;
    default:
        return false;
    }
}

/* Closes the innermost open bracket: it counts in its parent's element as one level more
 * than its own deepest element. */
static void close_level(struct level *lv, size_t *top)
{
    long d;
    end_element(&lv[*top]);
    d = lv[*top].best + 1;
    (*top)--;
    if (d > lv[*top].child)
        lv[*top].child = d;
}

/* Ends a statement, at a `;` or at the end of the text: brackets still open are folded as
 * if closed, and the larger of `result` and this statement's depth is returned; the
 * levels are left empty for the next statement. One function so both ends agree. */
static long end_statement(struct level *lv, size_t *top, long result)
{
    while (*top > 0)
        close_level(lv, top);
    end_element(&lv[0]);
    if (lv[0].best > result)
        result = lv[0].best;
    lv[0] = (struct level){0};
    return result;
}

static long bound_of(const PgQuery__ScanResult *sr)
{
    /* Levels live on the heap: one per open bracket, at most one per token. */
    struct level *lv = lw_calloc(sr->n_tokens + 1, sizeof *lv);
    long result = 0;
    size_t top = 0;
    if (!lv)
        return -2;
    for (size_t i = 0; i < sr->n_tokens; i++) {
        PgQuery__Token t = sr->tokens[i]->token;
        switch (t) {
        case PG_QUERY__TOKEN__ASCII_40:     /* ( */
        case PG_QUERY__TOKEN__ASCII_91:     /* [ */
            lv[++top] = (struct level){0};
            break;
        case PG_QUERY__TOKEN__ASCII_41:     /* ) */
        case PG_QUERY__TOKEN__ASCII_93:     /* ] */
            if (top > 0)
                close_level(lv, &top);
            break;
        case PG_QUERY__TOKEN__ASCII_44:     /* , */
            end_element(&lv[top]);
            break;
        case PG_QUERY__TOKEN__ASCII_59:     /* ; ends a statement at any level */
            result = end_statement(lv, &top, result);
            break;
        case PG_QUERY__TOKEN__AND:
        case PG_QUERY__TOKEN__OR:
            end_segment(&lv[top]);
            lv[top].chained = true;
            break;
        default:
            if (segment_token(t))
                lv[top].seg_ops++;
            else if (!flat_token(t))
                lv[top].kw++;
            break;
        }
    }
    /* Unclosed brackets: fold them as if closed (the parser will refuse the text). */
    result = end_statement(lv, &top, result);
    lw_free(lv);
    return result;
}

long sql_parse_depth_bound(const char *query)
{
    PgQueryScanResult r = pg_query_scan(query);
    PgQuery__ScanResult *sr = NULL;
    long bound = -1;
    if (!r.error && r.pbuf.data) {
        sr = pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
        bound = sr ? bound_of(sr) : -2;
    }
    if (sr)
        pg_query__scan_result__free_unpacked(sr, NULL);
    pg_query_free_scan_result(r);
    return bound;
}

int sql_parse_check_depth(const char *query, struct sql_error *err)
{
    long bound = sql_parse_depth_bound(query);
    if (bound == -2)
        return sql_error_set(err, "53200", "out of memory");
    if (bound > SQL_PARSE_MAX_DEPTH) {
        sql_error_set(err, "54001", "stack depth limit exceeded");
        snprintf(err->hint, sizeof err->hint, "The statement nests operators, keywords or "
                 "brackets more than %d deep; split it or use fewer levels.",
                 SQL_PARSE_MAX_DEPTH);
        return LW_EINVAL;
    }
    return 0;
}

/* The grammar's few errors that are not 42601 (PostgreSQL's gram.y raises them with their
 * own codes; the parser library returns the message only), by message prefix. */
static const struct {
    const char *prefix, *sqlstate;
} grammar_codes[] = {
    {"frame start cannot be", "42P20"},
    {"frame end cannot be", "42P20"},
    {"frame starting from", "42P20"},
};

static const char *grammar_sqlstate(const char *msg)
{
    for (size_t i = 0; i < sizeof grammar_codes / sizeof grammar_codes[0]; i++)
        if (strncmp(msg, grammar_codes[i].prefix, strlen(grammar_codes[i].prefix)) == 0)
            return grammar_codes[i].sqlstate;
    return "42601";
}

int sql_parse(const char *query, struct sql_parsed *out, struct sql_error *err)
{
    PgQueryProtobufParseResult r;
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = sql_parse_check_depth(query, err)) != 0)
        return rc;
    r = pg_query_parse_protobuf(query);
    if (r.error) {
        const char *msg = r.error->message ? r.error->message : "syntax error";
        sql_error_set(err, grammar_sqlstate(msg), "%s", msg);
        err->position = r.error->cursorpos > 0 ? r.error->cursorpos : 0;
        pg_query_free_protobuf_parse_result(r);
        return LW_EINVAL;
    }
    out->tree = pg_query__parse_result__unpack(NULL, r.parse_tree.len,
                                               (const uint8_t *)r.parse_tree.data);
    pg_query_free_protobuf_parse_result(r);
    if (!out->tree)
        return sql_error_set(err, "53200", "out of memory reading the parse tree");
    return 0;
}

void sql_parsed_free(struct sql_parsed *p)
{
    if (p->tree)
        pg_query__parse_result__free_unpacked(p->tree, NULL);
    p->tree = NULL;
}
