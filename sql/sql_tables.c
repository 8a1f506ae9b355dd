/* sql_tables.c -- the virtual-table registry (sql_tables.h). */
#include "sql_tables.h"

#include <string.h>

/* Schemas searched for an unqualified table name, in order: pg_catalog first, as
 * PostgreSQL searches it implicitly (`SELECT ... FROM pg_extension` from Grafana). */
static const char *const search_path[] = {"pg_catalog", "lakeward"};

struct sql_tables {
    struct sql_table tab[SQL_TABLES_MAX];
    int n;
};

struct sql_tables *sql_tables_new(void)
{
    return lw_calloc(1, sizeof(struct sql_tables));
}

void sql_tables_free(struct sql_tables *t)
{
    lw_free(t);
}

int sql_tables_add(struct sql_tables *t, const char *schema, const char *name,
                   const struct sql_vtab_module *mod, void *aux, struct lw_err *err)
{
    if (sql_tables_find(t, schema, name))
        return lw_err_set(err, LW_EINVAL, "table %s.%s registered twice", schema, name);
    if (t->n >= SQL_TABLES_MAX)
        return lw_err_set(err, LW_ENOMEM, "more than %d SQL tables", SQL_TABLES_MAX);
    t->tab[t->n++] = (struct sql_table){schema, name, mod, aux};
    return 0;
}

const struct sql_table *sql_tables_find(const struct sql_tables *t, const char *schema,
                                        const char *name)
{
    if (!schema) {
        for (size_t k = 0; k < sizeof search_path / sizeof search_path[0]; k++) {
            const struct sql_table *found = sql_tables_find(t, search_path[k], name);
            if (found)
                return found;
        }
        return NULL;
    }
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->tab[i].schema, schema) == 0 && strcmp(t->tab[i].name, name) == 0)
            return &t->tab[i];
    return NULL;
}

int sql_tables_count(const struct sql_tables *t)
{
    return t->n;
}

const struct sql_table *sql_tables_at(const struct sql_tables *t, int i)
{
    return i >= 0 && i < t->n ? &t->tab[i] : NULL;
}
