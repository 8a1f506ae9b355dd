/* sql_tables.c -- the registry of modules' tables and functions (sql_tables.h). */
#include "sql_tables.h"

#include "sql_catalog.h"
#include "sql_func.h"

#include <string.h>

/* Schemas searched for an unqualified table name, in order: pg_catalog first, as
 * PostgreSQL searches it implicitly (`SELECT ... FROM pg_extension` from Grafana). */
static const char *const search_path[] = {"pg_catalog", "lakeward"};

/* A module function as the function registry sees it: entry is a volatile scalar function
 * whose implementation (call_module) finds the rest of this struct again from the entry the
 * evaluator hands it in sql_fcall.fn, so one implementation serves every module function. */
struct module_func {
    struct sql_func entry;      /* first member: see call_module */
    const char *schema;
    const struct sql_vfunc *vf;
    void *aux;
};

struct sql_tables {
    struct sql_table tab[SQL_TABLES_MAX];
    int n;
    struct module_func fn[SQL_TABLES_MAX_FUNCS];
    int nfn;
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

_Static_assert(SQL_VFUNC_MAX_ARGS <= SQL_FUNC_MAX_ARGS, "module functions are registry entries");

static int call_module(struct sql_fcall *c, int argc, const struct sql_value *argv,
                       struct sql_value *out)
{
    const struct module_func *mf = (const struct module_func *)c->fn;
    struct lw_err le = {0};
    if (!mf || !c->qc)
        return sql_error_set(c->err, "0A000", "function %s cannot be called here",
                             mf ? mf->entry.name : "?");
    if (mf->vf->call(mf->aux, c->qc, argc, argv, out, &le) != 0)
        return sql_error_from_lw(c->err, &le);
    return 0;
}

int sql_tables_add_func(struct sql_tables *t, const char *schema, const struct sql_vfunc *f,
                        void *aux, struct lw_err *err)
{
    if (sql_tables_find_func(t, schema, f->name))
        return lw_err_set(err, LW_EINVAL, "function %s.%s registered twice", schema, f->name);
    if (f->nargs < 0 || f->nargs > SQL_VFUNC_MAX_ARGS)
        return lw_err_set(err, LW_EINVAL, "function %s.%s: %d arguments, at most %d", schema,
                          f->name, f->nargs, SQL_VFUNC_MAX_ARGS);
    if (t->nfn >= SQL_TABLES_MAX_FUNCS)
        return lw_err_set(err, LW_ENOMEM, "more than %d module functions",
                          SQL_TABLES_MAX_FUNCS);
    /* pg_proc.oid must name one function: the hash of two names could meet */
    uint32_t oid = sql_catalog_oid("proc", schema, f->name);
    bool taken = sql_func_by_oid(oid) != NULL;
    for (int i = 0; i < t->nfn && !taken; i++)
        taken = t->fn[i].entry.oid == oid;
    if (taken)
        return lw_err_set(err, LW_EINVAL, "function %s.%s derives an OID already in use (%u)",
                          schema, f->name, (unsigned)oid);
    struct module_func *mf = &t->fn[t->nfn++];
    *mf = (struct module_func){.schema = schema, .vf = f, .aux = aux};
    mf->entry = (struct sql_func){.oid = oid, .name = f->name, .kind = SQL_FN_SCALAR,
                                  .volatility = SQL_VOL_VOLATILE, .nargs = f->nargs,
                                  .ret = f->ret, .fn = call_module};
    memcpy(mf->entry.args, f->args, (size_t)f->nargs * sizeof *f->args);
    return 0;
}

const struct sql_func *sql_tables_find_func(const struct sql_tables *t, const char *schema,
                                            const char *name)
{
    if (!schema) {
        for (size_t k = 0; k < sizeof search_path / sizeof search_path[0]; k++) {
            const struct sql_func *found = sql_tables_find_func(t, search_path[k], name);
            if (found)
                return found;
        }
        return NULL;
    }
    for (int i = 0; t && i < t->nfn; i++)
        if (strcmp(t->fn[i].schema, schema) == 0 && strcmp(t->fn[i].entry.name, name) == 0)
            return &t->fn[i].entry;
    return NULL;
}

int sql_tables_nfuncs(const struct sql_tables *t)
{
    return t ? t->nfn : 0;
}

const struct sql_func *sql_tables_func_at(const struct sql_tables *t, int i,
                                          const char **schema)
{
    if (!t || i < 0 || i >= t->nfn)
        return NULL;
    *schema = t->fn[i].schema;
    return &t->fn[i].entry;
}
