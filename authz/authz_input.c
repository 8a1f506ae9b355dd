/* authz_input.c -- parses and shape-checks Trino's OPA input (authz_input.h). */
#include "authz_input.h"

#include <string.h>

static const char *str_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int parse_resource(json_t *j, struct authz_resource *r, const char *where,
                          int max_items, struct lw_err *err)
{
    json_t *t, *s, *c, *f, *u;
    memset(r, 0, sizeof *r);
    if (!json_is_object(j))
        return lw_err_set(err, LW_EINVAL, "%s must be an object", where);
    r->json = j;
    if (json_is_object(c = json_object_get(j, "catalog"))) {
        r->has_catalog = true;
        r->catalog_name = str_at(c, "name");
    }
    if (json_is_object(s = json_object_get(j, "schema"))) {
        r->has_schema = true;
        r->schema_catalog = str_at(s, "catalogName");
        r->schema_name = str_at(s, "schemaName");
        r->schema_props = json_object_get(s, "properties");
    }
    if (json_is_object(t = json_object_get(j, "table"))) {
        r->has_table = true;
        r->table_catalog = str_at(t, "catalogName");
        r->table_schema = str_at(t, "schemaName");
        r->table_name = str_at(t, "tableName");
        r->table_props = json_object_get(t, "properties");
        r->columns = json_is_array(json_object_get(t, "columns")) ? json_object_get(t, "columns")
                                                                   : NULL;
        /* FilterColumns answers in column positions: the same bound as filterResources. */
        if (r->columns && json_array_size(r->columns) > (size_t)max_items)
            return lw_err_set(err, LW_EINVAL, "%s has %zu columns; the limit is %d", where,
                              json_array_size(r->columns), max_items);
    }
    if (json_is_object(f = json_object_get(j, "function"))) {
        r->has_function = true;
        r->function_catalog = str_at(f, "catalogName");
        r->function_name = str_at(f, "functionName");
    }
    if (json_is_object(u = json_object_get(j, "user"))) {
        r->has_user = true;
        r->owner = str_at(u, "user");
    }
    return 0;
}

int authz_input_parse(const char *body, size_t len, int max_items, struct authz_input *in,
                      struct lw_err *err)
{
    json_error_t jerr;
    json_t *input, *ctx, *identity, *action, *v;
    char where[64];

    memset(in, 0, sizeof *in);
    in->doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    /* jansson quotes the offending input, cut after a byte count (a character can be split,
     * and the input need not be UTF-8 at all): the 400 body carries it through
     * lw_buf_json_str, which turns every ill-formed byte into U+FFFD. */
    if (!in->doc)
        return lw_err_set(err, LW_EINVAL, "malformed JSON at line %d column %d: %s", jerr.line,
                          jerr.column, jerr.text);
    if (!json_is_object(in->doc))
        return lw_err_set(err, LW_EINVAL, "request body must be a JSON object");
    input = json_object_get(in->doc, "input");
    if (!input)
        return 0;   /* OPA answers an input-less query with an undefined (false / []) result */
    if (!json_is_object(input))
        return lw_err_set(err, LW_EINVAL, "\"input\" must be an object");
    in->has_input = true;
    ctx = json_object_get(input, "context");
    if (ctx && !json_is_object(ctx))
        return lw_err_set(err, LW_EINVAL, "\"input.context\" must be an object");
    identity = json_object_get(ctx, "identity");
    in->user = str_at(identity, "user");
    in->groups = json_is_array(json_object_get(identity, "groups"))
                     ? json_object_get(identity, "groups")
                     : NULL;
    in->query_id = str_at(ctx, "queryId");
    action = json_object_get(input, "action");
    if (!json_is_object(action))
        return lw_err_set(err, LW_EINVAL, "\"input.action\" must be an object");
    in->op_name = str_at(action, "operation");
    if (!in->op_name)
        return lw_err_set(err, LW_EINVAL, "\"input.action.operation\" must be a string");
    in->op = authz_op_parse(in->op_name);
    if ((v = json_object_get(action, "resource")) && !json_is_null(v)) {
        if (parse_resource(v, &in->resource, "\"input.action.resource\"", max_items, err) != 0)
            return err ? err->code : LW_EINVAL;
        in->has_resource = true;
    }
    if ((v = json_object_get(action, "targetResource")) && !json_is_null(v)) {
        if (parse_resource(v, &in->target, "\"input.action.targetResource\"", max_items, err) != 0)
            return err ? err->code : LW_EINVAL;
        in->has_target = true;
    }
    if ((v = json_object_get(action, "filterResources")) && !json_is_null(v)) {
        if (!json_is_array(v))
            return lw_err_set(err, LW_EINVAL, "\"input.action.filterResources\" must be an array");
        if (json_array_size(v) > (size_t)max_items)
            return lw_err_set(err, LW_EINVAL, "filterResources has %zu items; the limit is %d",
                              json_array_size(v), max_items);
        in->is_batch = true;
        in->nitems = (int)json_array_size(v);
        in->items = lw_calloc((size_t)(in->nitems ? in->nitems : 1), sizeof *in->items);
        if (!in->items)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        for (int i = 0; i < in->nitems; i++) {
            snprintf(where, sizeof where, "filterResources[%d]", i);
            if (parse_resource(json_array_get(v, (size_t)i), &in->items[i], where, max_items, err) != 0)
                return err ? err->code : LW_EINVAL;
        }
    }
    return 0;
}

void authz_input_free(struct authz_input *in)
{
    json_decref(in->doc);
    lw_free(in->items);
    memset(in, 0, sizeof *in);
}

const char *authz_resource_cat(const struct authz_resource *r)
{
    if (r->has_table)
        return r->table_catalog;
    if (r->has_schema)
        return r->schema_catalog;
    return r->has_catalog ? r->catalog_name : NULL;
}

const char *authz_resource_sch(const struct authz_resource *r)
{
    if (r->has_table)
        return r->table_schema;
    return r->has_schema ? r->schema_name : NULL;
}

const char *authz_resource_any_catalog(const struct authz_resource *r)
{
    if (r->catalog_name)
        return r->catalog_name;
    if (r->table_catalog)
        return r->table_catalog;
    if (r->schema_catalog)
        return r->schema_catalog;
    return r->function_catalog;
}
