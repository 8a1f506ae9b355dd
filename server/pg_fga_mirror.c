/* pg_fga_mirror.c -- the OpenFGA mirror process (pg_fga_mirror.h): its sync loop (forked and
 * restarted by pg_helper.c). The loop is the only writer of the snapshot; it publishes
 * the contents only when a sync changed them (a first load, or changes applied) and the state
 * after every attempt, so a failing OpenFGA leaves the last snapshot readable with the error
 * and a growing lag beside it. */
#include "pg_fga_mirror.h"

#include "core/lw_log.h"
#include "pg_listener.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct pg_fga_mirror {
    struct pg_fga_mirror_opts o;
    struct fga_snap *snap;          /* read-only in this process */
    struct pg_helper helper;
};

static void export_metrics(const struct pg_fga_mirror *pm, const struct fga_snap_state *st)
{
    struct pg_shared_stats *s = pm->o.stats;
    if (!s)
        return;
    lw_gauge_set(&s->fga_mirror_tuples, st->loaded ? st->tuples : 0);
    lw_gauge_set(&s->fga_mirror_last_sync_seconds, (uint64_t)(st->last_sync_ms / 1000));
    lw_gauge_set(&s->fga_mirror_sync_failures, st->syncs_failed);
}

/* One attempt: sync, publish what changed, report. */
static void sync_once(struct pg_fga_mirror *pm, struct fga_snap *w, struct fga_mirror *m,
                      struct fga_client *fc, struct fga_snap_state *st)
{
    struct fga_mirror_stats before, after;
    struct lw_err err = {0};
    fga_mirror_stats(m, &before);
    int64_t t0 = lw_mono_us();
    st->last_attempt_ms = lw_wall_ms();
    int rc = fga_mirror_sync(m, fc, t0 + pm->o.sync_timeout_ms * 1000, &err);
    fga_mirror_stats(m, &after);
    bool changed = after.loaded && (!before.loaded || after.changes_applied !=
                                    before.changes_applied || after.changes_held !=
                                    before.changes_held);
    if (rc == LW_OK && changed)
        rc = fga_snap_publish(w, m, &err);
    int64_t took_ms = (lw_mono_us() - t0) / 1000;
    if (rc == LW_OK) {
        st->last_sync_ms = lw_wall_ms();
        st->syncs_ok++;
        st->error[0] = 0;
        if (!before.loaded)
            st->first_load_ms = st->first_load_ms ? st->first_load_ms : took_ms;
        if (changed)
            st->generation++;
    } else {
        st->syncs_failed++;
        snprintf(st->error, sizeof st->error, "%s", err.msg[0] ? err.msg : "sync failed");
        LW_WARN("fga_mirror", "sync_failed", "reason=\"%s\" loaded=%d", st->error,
                after.loaded ? 1 : 0);
    }
    /* A load parses the whole log and store into lists it then frees: hand that memory back
     * rather than keep the peak for the process's life. */
    if (!before.loaded)
        malloc_trim(0);
    if (!before.loaded && after.loaded && rc == LW_OK)
        LW_INFO("fga_mirror", "loaded", "tuples=%zu bytes=%zu changes=%zu ms=%lld",
                after.tuples, after.bytes, after.changes_held, (long long)took_ms);
    st->last_sync_duration_ms = took_ms;
    /* The published contents stay readable through upstream failures and restarts of this
     * process; only a store over the bounds (the mirror drops it) withdraws them. */
    if (after.loaded && rc == LW_OK)
        st->loaded = 1;
    else if (!after.loaded && rc == LW_ENOMEM)
        st->loaded = 0;
    st->tuples = after.tuples;
    st->bytes = after.bytes;
    st->changes_held = after.changes_held;
    st->changes_applied = after.changes_applied;
    st->last_change_ms = after.last_change_ms;
    st->oldest_change_ms = after.oldest_change_ms;
    st->memory = fga_snap_published_bytes(w);
    st->process_rss = pg_helper_rss_bytes();
    fga_snap_put_state(w, st);
    export_metrics(pm, st);
}

/* The mirror process's body (pg_helper.h has done the common setup). */
static void mirror_main(struct pg_helper *h, int64_t delay_ms)
{
    struct pg_fga_mirror *pm = h->arg;
    struct lw_err err = {0};
    struct fga_snap *w = fga_snap_open_writer(pm->snap, &err);
    struct fga_client *fc = w ? fga_client_new(&pm->o.fga, &err) : NULL;
    struct fga_mirror *m = fc ? fga_mirror_new(&pm->o.bounds) : NULL;
    if (!m) {
        LW_ERROR("fga_mirror", "start_failed", "reason=\"%s\"",
                 err.msg[0] ? err.msg : "out of memory");
        _exit(1);
    }
    struct fga_snap_state st;
    /* A restart carries the state on, and so whether the published contents are whole: the
     * backends keep reading them until this process has synced. */
    fga_snap_get_state(pm->snap, &st);
    st.started_ms = lw_wall_ms();
    st.pid = (int32_t)getpid();
    fga_snap_put_state(w, &st);
    if (delay_ms > 0)
        pg_helper_sleep_ms(delay_ms);
    for (;;) {
        int64_t t0 = lw_mono_us();
        sync_once(pm, w, m, fc, &st);
        int64_t left = pm->o.interval_ms - (lw_mono_us() - t0) / 1000;
        if (left > 0)
            pg_helper_sleep_ms(left);
        if (pg_helper_orphaned(h))
            _exit(0);
    }
}

struct pg_fga_mirror *pg_fga_mirror_start(const struct pg_fga_mirror_opts *o,
                                          struct lw_err *err)
{
    struct pg_fga_mirror *pm = lw_calloc(1, sizeof(*pm));
    if (!pm) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    pm->o = *o;
    if (pm->o.interval_ms <= 0)
        pm->o.interval_ms = 1000;
    if (pm->o.sync_timeout_ms <= 0)
        pm->o.sync_timeout_ms = 30000;
    pm->helper = (struct pg_helper){.log_module = "fga_mirror", .proc_name = "lakeward-fga",
                                    .what = "openfga mirror", .run = mirror_main, .arg = pm,
                                    .close_fd = o->close_fd};
    const struct fga_mirror_opts *b = &pm->o.bounds;
    pm->snap = fga_snap_create(fga_snap_buffer_size(b->max_tuples ? b->max_tuples : 1000000,
                                                    b->max_bytes ? b->max_bytes : 256u << 20,
                                                    b->max_changes ? b->max_changes : 100000),
                               err);
    if (!pm->snap || pg_helper_start(&pm->helper, err) != LW_OK) {
        fga_snap_free(pm->snap);
        lw_free(pm);
        return NULL;
    }
    LW_INFO("fga_mirror", "started", "pid=%d interval_ms=%lld max_tuples=%zu max_bytes=%zu "
            "max_changes=%zu", (int)pm->helper.pid, (long long)pm->o.interval_ms, b->max_tuples,
            b->max_bytes, b->max_changes);
    return pm;
}

const struct fga_snap *pg_fga_mirror_snapshot(const struct pg_fga_mirror *m)
{
    return m ? m->snap : NULL;
}

struct pg_helper *pg_fga_mirror_helper(struct pg_fga_mirror *m)
{
    return m ? &m->helper : NULL;
}

void pg_fga_mirror_stop(struct pg_fga_mirror *pm)
{
    if (!pm)
        return;
    pg_helper_stop(&pm->helper);
    fga_snap_free(pm->snap);
    lw_free(pm);
}
