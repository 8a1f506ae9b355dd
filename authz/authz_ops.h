/* authz_ops.h -- the Trino operations lakeward knows (trino-opa-contract.md §2.4), their
 * names, and the operation classes the bridge's batch routing is written in terms of. */
#ifndef AUTHZ_OPS_H
#define AUTHZ_OPS_H

#include <stdbool.h>

#define AUTHZ_OP_LIST(X)                                                                    \
    X(EXECUTE_QUERY, "ExecuteQuery")                                                        \
    X(READ_SYSTEM_INFORMATION, "ReadSystemInformation")                                     \
    X(WRITE_SYSTEM_INFORMATION, "WriteSystemInformation")                                   \
    X(IMPERSONATE_USER, "ImpersonateUser")                                                  \
    X(VIEW_QUERY_OWNED_BY, "ViewQueryOwnedBy")                                              \
    X(KILL_QUERY_OWNED_BY, "KillQueryOwnedBy")                                              \
    X(FILTER_VIEW_QUERY_OWNED_BY, "FilterViewQueryOwnedBy")                                 \
    X(SET_SYSTEM_SESSION_PROPERTY, "SetSystemSessionProperty")                              \
    X(SET_CATALOG_SESSION_PROPERTY, "SetCatalogSessionProperty")                            \
    X(ACCESS_CATALOG, "AccessCatalog")                                                      \
    X(CREATE_CATALOG, "CreateCatalog")                                                      \
    X(DROP_CATALOG, "DropCatalog")                                                          \
    X(SHOW_SCHEMAS, "ShowSchemas")                                                          \
    X(FILTER_CATALOGS, "FilterCatalogs")                                                    \
    X(CREATE_SCHEMA, "CreateSchema")                                                        \
    X(DROP_SCHEMA, "DropSchema")                                                            \
    X(RENAME_SCHEMA, "RenameSchema")                                                        \
    X(SET_SCHEMA_AUTHORIZATION, "SetSchemaAuthorization")                                   \
    X(SHOW_CREATE_SCHEMA, "ShowCreateSchema")                                               \
    X(SHOW_TABLES, "ShowTables")                                                            \
    X(SHOW_FUNCTIONS, "ShowFunctions")                                                      \
    X(FILTER_SCHEMAS, "FilterSchemas")                                                      \
    X(SHOW_CREATE_TABLE, "ShowCreateTable")                                                 \
    X(CREATE_TABLE, "CreateTable")                                                          \
    X(DROP_TABLE, "DropTable")                                                              \
    X(RENAME_TABLE, "RenameTable")                                                          \
    X(SET_TABLE_PROPERTIES, "SetTableProperties")                                           \
    X(SET_TABLE_COMMENT, "SetTableComment")                                                 \
    X(SET_VIEW_COMMENT, "SetViewComment")                                                   \
    X(SET_COLUMN_COMMENT, "SetColumnComment")                                               \
    X(SHOW_COLUMNS, "ShowColumns")                                                          \
    X(ADD_COLUMN, "AddColumn")                                                              \
    X(ALTER_COLUMN, "AlterColumn")                                                          \
    X(DROP_COLUMN, "DropColumn")                                                            \
    X(RENAME_COLUMN, "RenameColumn")                                                        \
    X(SELECT_FROM_COLUMNS, "SelectFromColumns")                                             \
    X(INSERT_INTO_TABLE, "InsertIntoTable")                                                 \
    X(DELETE_FROM_TABLE, "DeleteFromTable")                                                 \
    X(TRUNCATE_TABLE, "TruncateTable")                                                      \
    X(UPDATE_TABLE_COLUMNS, "UpdateTableColumns")                                           \
    X(CREATE_VIEW, "CreateView")                                                            \
    X(RENAME_VIEW, "RenameView")                                                            \
    X(DROP_VIEW, "DropView")                                                                \
    X(CREATE_VIEW_WITH_SELECT_FROM_COLUMNS, "CreateViewWithSelectFromColumns")              \
    X(CREATE_MATERIALIZED_VIEW, "CreateMaterializedView")                                   \
    X(REFRESH_MATERIALIZED_VIEW, "RefreshMaterializedView")                                 \
    X(SET_MATERIALIZED_VIEW_PROPERTIES, "SetMaterializedViewProperties")                    \
    X(SET_MATERIALIZED_VIEW_COMMENT, "SetMaterializedViewComment")                          \
    X(DROP_MATERIALIZED_VIEW, "DropMaterializedView")                                       \
    X(RENAME_MATERIALIZED_VIEW, "RenameMaterializedView")                                   \
    X(SET_TABLE_AUTHORIZATION, "SetTableAuthorization")                                     \
    X(SET_VIEW_AUTHORIZATION, "SetViewAuthorization")                                       \
    X(FILTER_TABLES, "FilterTables")                                                        \
    X(FILTER_COLUMNS, "FilterColumns")                                                      \
    X(EXECUTE_TABLE_PROCEDURE, "ExecuteTableProcedure")                                     \
    X(EXECUTE_PROCEDURE, "ExecuteProcedure")                                                \
    X(EXECUTE_FUNCTION, "ExecuteFunction")                                                  \
    X(CREATE_VIEW_WITH_EXECUTE_FUNCTION, "CreateViewWithExecuteFunction")                   \
    X(CREATE_FUNCTION, "CreateFunction")                                                    \
    X(DROP_FUNCTION, "DropFunction")                                                        \
    X(SHOW_CREATE_FUNCTION, "ShowCreateFunction")                                           \
    X(FILTER_FUNCTIONS, "FilterFunctions")                                                  \
    X(GET_ROW_FILTERS, "GetRowFilters")                                                     \
    X(GET_COLUMN_MASK, "GetColumnMask")

enum authz_op {
    AUTHZ_OP_UNKNOWN = 0,
#define X(id, name) AUTHZ_OP_##id,
    AUTHZ_OP_LIST(X)
#undef X
    AUTHZ_OP_COUNT
};

/* Name <-> enum. authz_op_parse returns AUTHZ_OP_UNKNOWN for names it does not know. */
enum authz_op authz_op_parse(const char *name);
const char *authz_op_name(enum authz_op op);

/* The bridge's classes (opa-bridge-spec.md §5.1). */
bool authz_op_is_batch_op(enum authz_op op);  /* FilterTables, FilterColumns, SelectFromColumns, FilterSchemas */
bool authz_op_is_table_op(enum authz_op op);  /* the same without FilterSchemas */

#endif
