/* test_fga_snapshot.c -- catalog/fga_snapshot.c: what the mirror publishes is what a reader
 * copies (tuples, history oldest first, state); a reader never sees a half-written snapshot
 * while another process publishes two alternating stores as fast as it can; a store that
 * does not fit leaves the previous snapshot current; history that does not fit is cut from
 * its oldest end; the reader's mapping is read-only; a dead writer's odd mark is survivable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../catalog/fga_snapshot.h"

static struct fga_tuple tup(const char *u, const char *r, const char *o, int64_t ts, bool del)
{
    return (struct fga_tuple){(char *)u, (char *)r, (char *)o, ts, del};
}

static struct fga_mirror *mirror_of(const struct fga_tuple *all, size_t n,
                                    const struct fga_tuple *changes, size_t nc,
                                    size_t max_changes)
{
    struct fga_mirror_opts o = {.max_changes = max_changes};
    struct fga_mirror *m = fga_mirror_new(&o);
    struct lw_err err;
    struct fga_tuples ts = {(struct fga_tuple *)all, n, n, 0};
    struct fga_tuples cs = {(struct fga_tuple *)changes, nc, nc, 0};
    assert_non_null(m);
    assert_int_equal(fga_mirror_load(m, &ts, &err), LW_OK);
    assert_int_equal(fga_mirror_remember(m, &cs, &err), LW_OK);
    return m;
}

static bool has(const struct fga_snap_data *d, const char *u, const char *r, const char *o)
{
    for (size_t i = 0; i < d->ntuples; i++)
        if (!strcmp(d->tuples[i].user, u) && !strcmp(d->tuples[i].relation, r) &&
            !strcmp(d->tuples[i].object, o))
            return true;
    return false;
}

static void test_publish_and_copy(void **state)
{
    (void)state;
    struct lw_err err;
    struct fga_snap *r = fga_snap_create(fga_snap_buffer_size(100, 10000, 100), &err);
    assert_non_null(r);
    struct fga_snap *w = fga_snap_open_writer(r, &err);
    assert_non_null(w);
    struct fga_snap_data d;
    /* Nothing published yet: no rows, no error. */
    assert_int_equal(fga_snap_copy(r, true, true, &d, &err), LW_OK);
    assert_int_equal(d.ntuples, 0);
    assert_int_equal(d.state.loaded, 0);
    fga_snap_data_free(&d);

    struct fga_tuple all[] = {tup("user:a", "select", "lakekeeper_table:w/t", 1000, false),
                              tup("role:r#assignee", "describe", "namespace:n", 2000, false),
                              tup("user:", "", "x:", 3000, false)};
    struct fga_tuple ch[] = {tup("user:a", "select", "lakekeeper_table:w/t", 1000, false),
                             tup("user:b", "modify", "warehouse:w", 1500, false),
                             tup("user:b", "modify", "warehouse:w", 1600, true)};
    struct fga_mirror *m = mirror_of(all, 3, ch, 3, 0);
    struct fga_snap_state st = {.loaded = 1, .tuples = 3, .generation = 1};
    snprintf(st.error, sizeof st.error, "%s", "");
    fga_snap_put_state(w, &st);
    assert_int_equal(fga_snap_publish(w, m, &err), LW_OK);

    assert_int_equal(fga_snap_copy(r, true, true, &d, &err), LW_OK);
    assert_int_equal(d.state.loaded, 1);
    assert_int_equal(d.state.generation, 1);
    assert_int_equal(d.ntuples, 3);
    assert_true(has(&d, "user:a", "select", "lakekeeper_table:w/t"));
    assert_true(has(&d, "role:r#assignee", "describe", "namespace:n"));
    assert_true(has(&d, "user:", "", "x:"));
    for (size_t i = 0; i < d.ntuples; i++)
        if (!strcmp(d.tuples[i].user, "role:r#assignee"))
            assert_int_equal(d.tuples[i].ts_ms, 2000);
    assert_int_equal(d.nchanges, 3);
    assert_string_equal(d.changes[0].user, "user:a");
    assert_int_equal(d.changes[1].ts_ms, 1500);
    assert_false(d.changes[1].deleted);
    assert_true(d.changes[2].deleted);
    assert_int_equal(d.changes[2].ts_ms, 1600);
    fga_snap_data_free(&d);

    /* Only the history: no tuples copied. */
    assert_int_equal(fga_snap_copy(r, false, true, &d, &err), LW_OK);
    assert_int_equal(d.ntuples, 0);
    assert_int_equal(d.nchanges, 3);
    assert_string_equal(d.changes[2].object, "warehouse:w");
    fga_snap_data_free(&d);
    /* Only the tuples. */
    assert_int_equal(fga_snap_copy(r, true, false, &d, &err), LW_OK);
    assert_int_equal(d.ntuples, 3);
    assert_int_equal(d.nchanges, 0);
    fga_snap_data_free(&d);

    /* The reader's mapping is read-only: the publisher is the only writer. */
    assert_int_equal(fga_snap_publish(r, m, &err), LW_EINVAL);
    fga_mirror_free(m);
    fga_snap_free(w);
    fga_snap_free(r);
}

/* A store that does not fit the buffer is refused and the last good snapshot stays. */
static void test_too_big_keeps_previous(void **state)
{
    (void)state;
    struct lw_err err;
    struct fga_snap *r = fga_snap_create(fga_snap_buffer_size(2, 40, 0), &err);
    struct fga_snap *w = fga_snap_open_writer(r, &err);
    assert_non_null(w);
    struct fga_tuple small[] = {tup("user:a", "select", "t:1", 1, false)};
    struct fga_mirror *m = mirror_of(small, 1, NULL, 0, 0);
    assert_int_equal(fga_snap_publish(w, m, &err), LW_OK);
    fga_mirror_free(m);
    struct fga_tuple big[] = {tup("user:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "select", "t:1", 1, false),
                              tup("user:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "select", "t:1", 1, false),
                              tup("user:cccccccccccccccccccccccccccccccccccccccc", "select", "t:1", 1, false)};
    m = mirror_of(big, 3, NULL, 0, 0);
    assert_int_equal(fga_snap_publish(w, m, &err), LW_ENOMEM);
    assert_non_null(strstr(err.msg, "do not fit"));
    struct fga_snap_data d;
    assert_int_equal(fga_snap_copy(r, true, true, &d, &err), LW_OK);
    assert_int_equal(d.ntuples, 1);
    assert_string_equal(d.tuples[0].user, "user:a");
    fga_snap_data_free(&d);
    /* And twice in a row (the refused buffer is the one the next publish uses). */
    assert_int_equal(fga_snap_publish(w, m, &err), LW_ENOMEM);
    assert_int_equal(fga_snap_copy(r, true, true, &d, &err), LW_OK);
    assert_int_equal(d.ntuples, 1);
    fga_snap_data_free(&d);
    fga_mirror_free(m);
    fga_snap_free(w);
    fga_snap_free(r);
}

/* History beyond the buffer is cut from the oldest end; the newest changes stay, in order. */
static void test_history_cut_oldest_first(void **state)
{
    (void)state;
    struct lw_err err;
    /* Room for the header, one tuple and about three changes of this size. */
    size_t size = 24 + (21 + 15) + 3 * (21 + 15);  /* "user:N" "sel" "t:1" + NULs */
    struct fga_snap *r = fga_snap_create(size, &err);
    struct fga_snap *w = fga_snap_open_writer(r, &err);
    assert_non_null(w);
    struct fga_tuple all[] = {tup("user:a", "sel", "t:1", 1, false)};
    struct fga_tuple ch[10];
    char users[10][24];
    for (int i = 0; i < 10; i++) {
        snprintf(users[i], sizeof users[i], "user:%d", i);
        ch[i] = tup(users[i], "sel", "t:1", 100 + i, i % 2);
    }
    struct fga_mirror *m = mirror_of(all, 1, ch, 10, 0);
    assert_int_equal(fga_snap_publish(w, m, &err), LW_OK);
    struct fga_snap_data d;
    assert_int_equal(fga_snap_copy(r, true, true, &d, &err), LW_OK);
    assert_int_equal(d.ntuples, 1);
    assert_int_equal(d.nchanges, 3);
    assert_string_equal(d.changes[0].user, "user:7");
    assert_string_equal(d.changes[2].user, "user:9");
    assert_true(d.changes[2].deleted);
    fga_snap_data_free(&d);
    fga_mirror_free(m);

    /* The mirror's own window: max_changes keeps only the newest. */
    m = mirror_of(all, 1, ch, 10, 4);
    struct fga_mirror_stats ms;
    fga_mirror_stats(m, &ms);
    assert_int_equal(ms.changes_held, 4);
    assert_int_equal(ms.oldest_change_ms, 106);
    fga_mirror_free(m);
    fga_snap_free(w);
    fga_snap_free(r);
}

/* Another process publishes store A and store B alternately (and a state naming which) while
 * this one copies: every copy must be exactly A or exactly B. */
static void test_concurrent_reader_sees_whole_snapshots(void **state)
{
    (void)state;
    struct lw_err err;
    enum { NA = 300, NB = 50 };
    struct fga_snap *r = fga_snap_create(fga_snap_buffer_size(NA, NA * 64, 10), &err);
    assert_non_null(r);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct fga_snap *w = fga_snap_open_writer(r, &err);
        static char ua[NA][48], ub[NB][48];
        struct fga_tuple a[NA], b[NB];
        for (int i = 0; i < NA; i++) {
            snprintf(ua[i], sizeof ua[i], "user:a%d", i);
            a[i] = tup(ua[i], "select", "t:a", 1, false);
        }
        for (int i = 0; i < NB; i++) {
            snprintf(ub[i], sizeof ub[i], "user:bbbbbbbbbbbbbbbb%d", i);
            b[i] = tup(ub[i], "modify", "t:b", 2, false);
        }
        struct fga_mirror *ma = mirror_of(a, NA, NULL, 0, 0);
        struct fga_mirror *mb = mirror_of(b, NB, NULL, 0, 0);
        for (uint64_t g = 1;; g++) {
            struct fga_snap_state st = {.generation = g, .tuples = g % 2 ? NA : NB};
            if (fga_snap_publish(w, g % 2 ? ma : mb, &err) != LW_OK)
                _exit(3);
            fga_snap_put_state(w, &st);
            usleep(50);     /* the real writer publishes once per interval, not back to back */
        }
    }
    int seen_a = 0, seen_b = 0;
    for (int i = 0; i < 3000 || !seen_a || !seen_b; i++) {
        struct fga_snap_data d;
        assert_int_equal(fga_snap_copy(r, true, true, &d, &err), LW_OK);
        if (d.ntuples == 0) {           /* the writer has not published yet */
            fga_snap_data_free(&d);
            continue;
        }
        bool is_a = d.ntuples == NA;
        assert_true(is_a || d.ntuples == NB);
        for (size_t k = 0; k < d.ntuples; k++) {
            assert_string_equal(d.tuples[k].relation, is_a ? "select" : "modify");
            assert_string_equal(d.tuples[k].object, is_a ? "t:a" : "t:b");
            assert_int_equal(d.tuples[k].ts_ms, is_a ? 1 : 2);
        }
        is_a ? seen_a++ : seen_b++;
        fga_snap_data_free(&d);
        if (i > 200000)
            fail_msg("the writer never published both stores");
    }
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFSIGNALED(st));
    /* The writer died somewhere, possibly mid-write: readers still get a whole snapshot, and
     * a new writer (the restarted mirror process) publishes over it. */
    struct fga_snap_data d;
    assert_int_equal(fga_snap_copy(r, true, true, &d, &err), LW_OK);
    assert_true(d.ntuples == NA || d.ntuples == NB);
    fga_snap_data_free(&d);
    struct fga_snap *w = fga_snap_open_writer(r, &err);
    struct fga_tuple one[] = {tup("user:z", "select", "t:z", 9, false)};
    struct fga_mirror *m = mirror_of(one, 1, NULL, 0, 0);
    struct fga_snap_state s2 = {.generation = 77, .loaded = 1};
    fga_snap_put_state(w, &s2);
    assert_int_equal(fga_snap_publish(w, m, &err), LW_OK);
    assert_int_equal(fga_snap_copy(r, true, true, &d, &err), LW_OK);
    assert_int_equal(d.ntuples, 1);
    assert_int_equal(d.state.generation, 77);
    fga_snap_data_free(&d);
    fga_mirror_free(m);
    fga_snap_free(w);
    fga_snap_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_and_copy),
        cmocka_unit_test(test_too_big_keeps_previous),
        cmocka_unit_test(test_history_cut_oldest_first),
        cmocka_unit_test(test_concurrent_reader_sees_whole_snapshots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
