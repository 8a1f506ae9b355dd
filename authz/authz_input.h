/* authz_input.h -- a Trino OPA request ({"input": {"context", "action"}}) parsed into typed
 * fields (trino-opa-contract.md §2). Strings point into the parsed JSON document, which the
 * input owns; a field of the wrong JSON type reads as absent, as rego treats it. */
#ifndef AUTHZ_INPUT_H
#define AUTHZ_INPUT_H

#include "../server/core/lw.h"
#include "authz_ops.h"

#include <jansson.h>

struct authz_resource {
    json_t *json;                       /* the resource object */
    const char *catalog_name;           /* catalog.name */
    const char *schema_catalog;         /* schema.catalogName */
    const char *schema_name;            /* schema.schemaName */
    json_t *schema_props;               /* schema.properties (any JSON type) or NULL */
    const char *table_catalog;          /* table.catalogName */
    const char *table_schema;           /* table.schemaName */
    const char *table_name;             /* table.tableName */
    json_t *table_props;                /* table.properties or NULL */
    json_t *columns;                    /* table.columns (array) or NULL */
    const char *function_catalog;       /* function.catalogName */
    const char *function_name;          /* function.functionName */
    const char *owner;                  /* user.user */
    bool has_table, has_schema, has_catalog, has_function, has_user;
};

struct authz_input {
    json_t *doc;                        /* owned */
    bool has_input;                     /* false: body had no "input" (answer false / []) */
    const char *user;                   /* context.identity.user, NULL if absent */
    json_t *groups;                     /* context.identity.groups or NULL */
    const char *query_id;               /* context.queryId or NULL */
    const char *op_name;
    enum authz_op op;
    bool has_resource, has_target, is_batch;
    struct authz_resource resource;
    struct authz_resource target;       /* targetResource */
    struct authz_resource *items;       /* filterResources, nitems entries */
    int nitems;
};

/* Parses body. Returns 0, or LW_EINVAL with a message for the client (HTTP 400) when the
 * body is not JSON or not shaped like a Trino input. max_items bounds filterResources. */
int authz_input_parse(const char *body, size_t len, int max_items, struct authz_input *in,
                      struct lw_err *err) LW_MUSTCHECK;
void authz_input_free(struct authz_input *in);

/* cat(r) of the batch rules: table.catalogName, else schema.catalogName, else catalog.name. */
const char *authz_resource_cat(const struct authz_resource *r);
/* sch(r): table.schemaName, else schema.schemaName. */
const char *authz_resource_sch(const struct authz_resource *r);
/* The catalog name allow_unmanaged looks at: catalog, table, schema, then function. */
const char *authz_resource_any_catalog(const struct authz_resource *r);

#endif
