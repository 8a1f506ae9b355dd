/* perm_model_sql.c -- lakeward.fga_relations (perm_model_sql.h). The model is kept as the
 * jansson document OpenFGA returned; rows are (type index, relation key) positions in it,
 * and each row's text is rendered into the cursor's buffers when the row is current. */
#include "perm_model_sql.h"
#include "perm_cursor.h"
#include "perm_fga_sql.h"

#include "../server/core/lw_buf.h"
#include "../server/core/lw_json.h"

#include <string.h>

enum { COL_OBJECT_TYPE, COL_RELATION, COL_DIRECTLY_RELATED, COL_DEFINITION, NCOLS };

static const struct sql_col cols[NCOLS] = {
    [COL_OBJECT_TYPE] = {"object_type", SQL_OID_TEXT, 0},
    [COL_RELATION] = {"relation", SQL_OID_TEXT, 0},
    [COL_DIRECTLY_RELATED] = {"directly_related", SQL_OID_TEXT, 0},
    [COL_DEFINITION] = {"definition", SQL_OID_JSON, 0},
};

struct row {
    json_t *type_def;           /* borrowed from model */
    const char *relation;       /* key in type_def.relations */
};

struct cursor {
    struct perm_cursor pc;      /* aux: struct perm_fga_sql */
    json_t *model;
    struct row *rows;           /* pc.n of them */
    struct lw_buf direct, def;  /* the current row's rendered columns */
};

static int best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err)
{
    (void)aux;
    (void)in;
    (void)err;
    out->est_cost = 10;
    out->est_rows = 100;
    return 0;
}

static void reset(struct perm_cursor *pc)
{
    struct cursor *c = (struct cursor *)pc;
    lw_free(c->rows);
    c->rows = NULL;
    json_decref(c->model);
    c->model = NULL;
    c->pc.n = c->pc.pos = 0;
}

static int open_cursor(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       struct lw_err *err)
{
    int rc = perm_cursor_open(&perm_model_module, aux, qc, sizeof(struct cursor), true, reset,
                              cur, err);
    if (rc != 0)
        return rc;
    struct cursor *c = (struct cursor *)*cur;
    lw_buf_init(&c->direct, 1 << 16);
    lw_buf_init(&c->def, 1 << 20);
    return 0;
}

static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct perm_fga_sql *pf = c->pc.aux;
    (void)plan;
    (void)argc;
    (void)argv;
    reset(&c->pc);
    if (!pf->fga.model_id || !*pf->fga.model_id)
        return lw_err_set(err, LW_EINVAL, "fga_relations needs openfga_model_id configured");
    struct fga_client *fc = fga_client_new(&pf->fga, err);
    if (!fc)
        return err->code;
    int rc = fga_read_model(fc, NULL, &c->model, c->pc.deadline_us, err);
    fga_client_free(fc);
    if (rc != LW_OK)
        return rc;
    json_t *types = json_object_get(c->model, "type_definitions"), *td;
    size_t i, total = 0;
    json_array_foreach(types, i, td)
        total += json_object_size(json_object_get(td, "relations"));
    if (total && !(c->rows = lw_calloc(total, sizeof(*c->rows))))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    json_array_foreach(types, i, td) {
        const char *rel;
        json_t *def;
        if (!json_is_string(json_object_get(td, "type")))
            continue;
        json_object_foreach(json_object_get(td, "relations"), rel, def) {
            (void)def;
            c->rows[c->pc.n++] = (struct row){td, rel};
        }
    }
    return 0;
}

/* "user, role#assignee, user:*" from metadata.relations.<rel>.directly_related_user_types. */
static void render_direct(struct lw_buf *b, const struct row *r)
{
    json_t *types = json_object_get(
        json_object_get(json_object_get(json_object_get(r->type_def, "metadata"), "relations"),
                        r->relation),
        "directly_related_user_types");
    json_t *t;
    size_t i;
    json_array_foreach(types, i, t) {
        const char *type = json_string_value(json_object_get(t, "type"));
        const char *rel = json_string_value(json_object_get(t, "relation"));
        if (!type)
            continue;
        if (b->len)
            lw_buf_puts(b, ", ");
        lw_buf_puts(b, type);
        if (rel)
            lw_buf_printf(b, "#%s", rel);
        if (json_object_get(t, "wildcard"))
            lw_buf_puts(b, ":*");
    }
}

static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct row *r = &c->rows[c->pc.pos];
    memset(v, 0, sizeof(*v));
    switch (col) {
    case COL_OBJECT_TYPE:
        perm_text(v, json_string_value(json_object_get(r->type_def, "type")));
        return 0;
    case COL_RELATION: perm_text(v, r->relation); return 0;
    case COL_DIRECTLY_RELATED:
        lw_buf_reset(&c->direct);
        render_direct(&c->direct, r);
        if (c->direct.failed)
            return lw_err_set(err, LW_ENOMEM, "fga_relations: row too large");
        if (c->direct.len)
            perm_textn(v, c->direct.data, c->direct.len);
        return 0;
    case COL_DEFINITION:
        lw_buf_reset(&c->def);
        lw_buf_put_json(&c->def,
                        json_object_get(json_object_get(r->type_def, "relations"), r->relation));
        if (c->def.failed)
            return lw_err_set(err, LW_ENOMEM, "fga_relations: definition too large");
        perm_textn(v, c->def.data, c->def.len);
        return 0;
    default: return lw_err_set(err, LW_EINVAL, "no column %d in fga_relations", col);
    }
}

static void close_cursor(struct sql_cursor *cur)
{
    struct cursor *c = (struct cursor *)cur;
    if (c) {
        lw_buf_free(&c->direct);
        lw_buf_free(&c->def);
    }
    perm_cursor_close(cur);
}

const struct sql_vtab_module perm_model_module = {
    .name = "fga_relations",
    .cols = cols,
    .ncols = NCOLS,
    .best_index = best_index,
    .open = open_cursor,
    .filter = filter,
    .next = perm_cursor_next,
    .eof = perm_cursor_eof,
    .column = column,
    .close = close_cursor,
};
