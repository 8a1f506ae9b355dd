/* perm_state_sql.c -- lakeward.lakeward_state (perm_state_sql.h). The rows are built when the
 * scan starts from one consistent copy of the mirror's state (no contents are copied), the
 * configuration pairs main rendered, the shared catalog's state (cat_snapshot.h), and the SQL
 * process's own cache counters. Values are
 * text so one table holds numbers, times and messages; times are ISO 8601 in UTC. */
#include "perm_state_sql.h"

#include "cat_snapshot.h"
#include "fga_snapshot.h"
#include "perm_tables.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

enum { COL_COMPONENT, COL_NAME, COL_VALUE, NCOLS };

static const struct sql_col cols[NCOLS] = {
    [COL_COMPONENT] = {"component", SQL_OID_TEXT, 0},
    [COL_NAME] = {"name", SQL_OID_TEXT, 0},
    [COL_VALUE] = {"value", SQL_OID_TEXT, 0},
};

struct row {
    const char *component;          /* static */
    char *name, *value;             /* owned; value NULL for SQL NULL */
};

struct cursor {
    struct sql_cursor base;
    struct perm_world *w;
    struct row *rows;
    size_t n, cap, pos;
    bool oom;
};

static void add(struct cursor *c, const char *component, const char *name, const char *value)
{
    if (c->oom)
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        struct row *r = lw_realloc(c->rows, cap * sizeof(*r));
        if (!r) {
            c->oom = true;
            return;
        }
        c->rows = r;
        c->cap = cap;
    }
    struct row *r = &c->rows[c->n];
    r->component = component;
    r->name = lw_strdup(name);
    r->value = value ? lw_strdup(value) : NULL;
    if (!r->name || (value && !r->value)) {
        lw_free(r->name);
        lw_free(r->value);
        c->oom = true;
        return;
    }
    c->n++;
}

static void add_u64(struct cursor *c, const char *component, const char *name, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    add(c, component, name, buf);
}

/* ms since the epoch as "2026-11-28T10:00:00.123Z"; 0 is NULL (never happened). */
static void add_time(struct cursor *c, const char *component, const char *name, int64_t ms)
{
    char buf[40];
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    if (ms <= 0 || !gmtime_r(&secs, &tm)) {
        add(c, component, name, NULL);
        return;
    }
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, sizeof buf - n, ".%03dZ", (int)(ms % 1000));
    add(c, component, name, buf);
}

static void add_mirror(struct cursor *c)
{
    static const char comp[] = "fga_mirror";
    struct fga_snap_state st;
    if (!c->w->fga_snap) {
        add(c, comp, "running", "false");
        return;
    }
    fga_snap_get_state(c->w->fga_snap, &st);
    int64_t now = lw_wall_ms();
    add(c, comp, "running", "true");
    add(c, comp, "loaded", st.loaded ? "true" : "false");
    add_time(c, comp, "last_sync_at", st.last_sync_ms);
    add_time(c, comp, "last_attempt_at", st.last_attempt_ms);
    /* Lag: how long ago the contents were known to equal the store. */
    if (st.last_sync_ms > 0)
        add_u64(c, comp, "lag_ms", (uint64_t)(now > st.last_sync_ms ? now - st.last_sync_ms : 0));
    else
        add(c, comp, "lag_ms", NULL);
    add(c, comp, "last_error", st.error[0] ? st.error : NULL);
    add_u64(c, comp, "tuples", st.tuples);
    add_u64(c, comp, "tuple_bytes", st.bytes);
    add_u64(c, comp, "snapshot_bytes", st.memory);
    add_u64(c, comp, "process_rss_bytes", st.process_rss);
    add_u64(c, comp, "history_changes", st.changes_held);
    add_time(c, comp, "history_from", st.oldest_change_ms);
    add_time(c, comp, "newest_change_at", st.last_change_ms);
    add_u64(c, comp, "changes_applied", st.changes_applied);
    add_u64(c, comp, "syncs_ok", st.syncs_ok);
    add_u64(c, comp, "syncs_failed", st.syncs_failed);
    add_u64(c, comp, "first_load_ms", (uint64_t)st.first_load_ms);
    add_u64(c, comp, "last_sync_duration_ms", (uint64_t)st.last_sync_duration_ms);
    add_u64(c, comp, "generation", st.generation);
    add_u64(c, comp, "pid", (uint64_t)st.pid);
    add_time(c, comp, "started_at", st.started_ms);
    /* Upstream health as the mirror last saw it (the only upstream it calls each second). */
    add(c, "upstream", "openfga",
        st.last_attempt_ms == 0 ? "unknown" : st.error[0] ? st.error : "ok");
}

/* The shared Lakekeeper catalog: how old it is, what it holds, how its loads go. */
static void add_catalog(struct cursor *c)
{
    static const char comp[] = "catalog_cache";
    const struct cat_snap *snap = perm_catalog_snapshot(c->w->catalog);
    struct cat_snap_state st;
    if (!snap) {
        add(c, comp, "running", "false");
        return;
    }
    cat_snap_get_state(snap, &st);
    int64_t now = lw_wall_ms();
    add(c, comp, "running", "true");
    add(c, comp, "loaded", st.loaded ? "true" : "false");
    add_time(c, comp, "last_load_at", st.last_load_ms);
    add_time(c, comp, "last_attempt_at", st.last_attempt_ms);
    add_time(c, comp, "loading_since", st.loading_since_ms);
    /* Age: the published rows are Lakekeeper as of the start of the load that read them. */
    if (st.loaded && st.last_load_ms > 0)
        add_u64(c, comp, "age_ms", (uint64_t)(now > st.last_load_ms ? now - st.last_load_ms : 0));
    else
        add(c, comp, "age_ms", NULL);
    add(c, comp, "last_error", st.error[0] ? st.error : NULL);
    add_u64(c, comp, "objects", st.loaded ? st.objects : 0);
    add_u64(c, comp, "snapshot_bytes", st.loaded ? st.bytes : 0);
    add_u64(c, comp, "loads_ok", st.loads_ok);
    add_u64(c, comp, "loads_failed", st.loads_failed);
    add_u64(c, comp, "first_load_ms", (uint64_t)st.first_load_ms);
    add_u64(c, comp, "last_load_duration_ms", (uint64_t)st.last_load_duration_ms);
    add_u64(c, comp, "generation", st.generation);
    add_u64(c, comp, "refreshes_served", st.refresh_done);
    add_u64(c, comp, "pid", (uint64_t)st.pid);
    add_time(c, comp, "started_at", st.started_ms);
}

static void add_setting(void *arg, const char *name, const char *value)
{
    add(arg, "config", name, value);
}

static int open_state(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                      struct lw_err *err)
{
    if (perm_fga_require_admin(qc, "lakeward_state", err) != 0)
        return LW_EAUTH;
    struct cursor *c = lw_calloc(1, sizeof(*c));
    if (!c)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    c->base.mod = &perm_state_module;
    c->w = aux;
    *cur = &c->base;
    return 0;
}

static void rows_free(struct cursor *c)
{
    for (size_t i = 0; i < c->n; i++) {
        lw_free(c->rows[i].name);
        lw_free(c->rows[i].value);
    }
    lw_free(c->rows);
    c->rows = NULL;
    c->n = c->cap = c->pos = 0;
    c->oom = false;
}

static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    (void)plan, (void)argc, (void)argv;
    rows_free(c);
    add_mirror(c);
    if (c->w->catalog)
        add_catalog(c);
    if (c->w->lk_cache) {
        add_u64(c, "sql_check_cache", "entries", check_cache_entries(c->w->lk_cache));
        add_u64(c, "sql_check_cache", "bytes", check_cache_bytes(c->w->lk_cache));
    }
    for (size_t i = 0; i < c->w->nsettings; i++)
        add_setting(c, c->w->settings[2 * i], c->w->settings[2 * i + 1]);
    if (c->oom)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    return 0;
}

static int next(struct sql_cursor *cur, struct lw_err *err)
{
    (void)err;
    ((struct cursor *)cur)->pos++;
    return 0;
}

static bool eof(struct sql_cursor *cur)
{
    struct cursor *c = (struct cursor *)cur;
    return c->pos >= c->n;
}

static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct row *r = &c->rows[c->pos];
    const char *s = col == COL_COMPONENT ? r->component : col == COL_NAME ? r->name
                  : col == COL_VALUE ? r->value : NULL;
    memset(v, 0, sizeof(*v));
    if (col < 0 || col >= NCOLS)
        return lw_err_set(err, LW_EINVAL, "no column %d in lakeward_state", col);
    if (s) {
        v->type = SQL_V_TEXT;
        v->u.s.p = s;
        v->u.s.len = strlen(s);
    }
    return 0;
}

static void close_cursor(struct sql_cursor *cur)
{
    struct cursor *c = (struct cursor *)cur;
    if (!c)
        return;
    rows_free(c);
    lw_free(c);
}

static int best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err)
{
    (void)aux, (void)in, (void)err;
    out->plan = 0;
    out->est_cost = 10;
    out->est_rows = 100;
    return 0;
}

const struct sql_vtab_module perm_state_module = {
    .name = "lakeward_state",
    .cols = cols,
    .ncols = NCOLS,
    .best_index = best_index,
    .open = open_state,
    .filter = filter,
    .next = next,
    .eof = eof,
    .column = column,
    .close = close_cursor,
};
