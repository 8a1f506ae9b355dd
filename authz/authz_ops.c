/* authz_ops.c -- Trino operation names and classes. */
#include "authz_ops.h"

#include <string.h>

static const char *const op_names[AUTHZ_OP_COUNT] = {
    [AUTHZ_OP_UNKNOWN] = "unknown",
#define X(id, name) [AUTHZ_OP_##id] = name,
    AUTHZ_OP_LIST(X)
#undef X
};

enum authz_op authz_op_parse(const char *name)
{
    if (!name)
        return AUTHZ_OP_UNKNOWN;
    for (int i = 1; i < AUTHZ_OP_COUNT; i++)
        if (strcmp(op_names[i], name) == 0)
            return (enum authz_op)i;
    return AUTHZ_OP_UNKNOWN;
}

const char *authz_op_name(enum authz_op op)
{
    return (op > 0 && op < AUTHZ_OP_COUNT) ? op_names[op] : op_names[0];
}

bool authz_op_is_table_op(enum authz_op op)
{
    return op == AUTHZ_OP_FILTER_TABLES || op == AUTHZ_OP_FILTER_COLUMNS ||
           op == AUTHZ_OP_SELECT_FROM_COLUMNS;
}

bool authz_op_is_batch_op(enum authz_op op)
{
    return authz_op_is_table_op(op) || op == AUTHZ_OP_FILTER_SCHEMAS;
}
