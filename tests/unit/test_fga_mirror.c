/* test_fga_mirror.c -- catalog/fga_mirror.c: load, change application (writes idempotent,
 * deletes of missing tuples harmless), byte accounting, bounds that refuse and unload rather
 * than truncate, random churn against a reference model (growth and tombstones), and sync's
 * order on scripted OpenFGA answers (token, then Read, then the changes since the token). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../catalog/fga_mirror.h"
#include "../../catalog/http_client.h"

static struct fga_tuple tup(const char *u, const char *r, const char *o, bool deleted)
{
    return (struct fga_tuple){(char *)u, (char *)r, (char *)o, 0, deleted};
}

static size_t count_cb_n;
static bool count_cb(void *arg, const char *u, const char *r, const char *o, int64_t ts)
{
    (void)arg, (void)u, (void)r, (void)o, (void)ts;
    count_cb_n++;
    return true;
}

static size_t count(const struct fga_mirror *m)
{
    count_cb_n = 0;
    fga_mirror_foreach(m, count_cb, NULL);
    return count_cb_n;
}

static void test_load_and_apply(void **state)
{
    (void)state;
    struct fga_mirror_opts o = {0};
    struct fga_mirror *m = fga_mirror_new(&o);
    struct lw_err err;
    struct fga_tuple all[] = {tup("user:a", "select", "t:1", false),
                              tup("user:b", "select", "t:1", false),
                              tup("user:a", "describe", "t:1", false)};
    struct fga_tuples ts = {all, 3, 3, 0};
    assert_int_equal(fga_mirror_apply(m, &ts, &err), LW_EINVAL);   /* not loaded yet */
    assert_int_equal(fga_mirror_load(m, &ts, &err), LW_OK);
    struct fga_mirror_stats st;
    fga_mirror_stats(m, &st);
    assert_true(st.loaded);
    assert_int_equal(st.tuples, 3);
    assert_int_equal(st.bytes, 3 * 6 + 6 + 6 + 8 + 3 * 3);
    assert_true(fga_mirror_has(m, "user:a", "describe", "t:1"));
    /* the separator matters: ("user:a", "select") is not ("user:as", "elect") */
    assert_false(fga_mirror_has(m, "user:as", "elect", "t:1"));

    struct fga_tuple ch[] = {tup("user:a", "select", "t:1", false),   /* already there */
                             tup("user:c", "select", "t:1", false),
                             tup("user:b", "select", "t:1", true),
                             tup("user:z", "select", "t:9", true)};   /* never there */
    struct fga_tuples cs = {ch, 4, 4, 0};
    ch[1].ts_ms = 1234;
    assert_int_equal(fga_mirror_apply(m, &cs, &err), LW_OK);
    fga_mirror_stats(m, &st);
    assert_int_equal(st.tuples, 3);
    assert_int_equal(count(m), 3);
    assert_int_equal(st.changes_applied, 4);
    assert_int_equal(st.last_change_ms, 1234);
    assert_false(fga_mirror_has(m, "user:b", "select", "t:1"));
    assert_true(fga_mirror_has(m, "user:c", "select", "t:1"));
    assert_int_equal(st.bytes, 3 * 6 + 6 + 6 + 8 + 3 * 3);
    fga_mirror_free(m);
}

static void test_bounds_refuse(void **state)
{
    (void)state;
    struct fga_mirror_opts o = {.max_tuples = 2};
    struct fga_mirror *m = fga_mirror_new(&o);
    struct lw_err err;
    struct fga_tuple all[] = {tup("u:1", "r", "o:1", false), tup("u:2", "r", "o:1", false),
                              tup("u:3", "r", "o:1", false)};
    struct fga_tuples ts = {all, 3, 3, 0};
    assert_int_equal(fga_mirror_load(m, &ts, &err), LW_ENOMEM);
    assert_non_null(strstr(err.msg, "never truncated"));
    struct fga_mirror_stats st;
    fga_mirror_stats(m, &st);
    assert_false(st.loaded);
    assert_int_equal(st.tuples, 0);
    /* within the bound, then a change past it: refused and unloaded */
    ts.n = 2;
    assert_int_equal(fga_mirror_load(m, &ts, &err), LW_OK);
    struct fga_tuples one = {&all[2], 1, 1, 0};
    assert_int_equal(fga_mirror_apply(m, &one, &err), LW_ENOMEM);
    fga_mirror_stats(m, &st);
    assert_false(st.loaded);
    fga_mirror_free(m);

    struct fga_mirror_opts ob = {.max_bytes = 10};
    m = fga_mirror_new(&ob);
    ts.n = 1;   /* 3 + 1 + 3 = 7 bytes */
    assert_int_equal(fga_mirror_load(m, &ts, &err), LW_OK);
    ts.n = 2;   /* 14 bytes */
    assert_int_equal(fga_mirror_load(m, &ts, &err), LW_ENOMEM);
    fga_mirror_free(m);
}

/* Random writes and deletes over a small key space, checked against a flag per key. */
static void test_churn_against_reference(void **state)
{
    (void)state;
    enum { KEYS = 3000, OPS = 60000 };
    static bool ref[KEYS];
    static char names[KEYS][32];
    for (int k = 0; k < KEYS; k++)
        snprintf(names[k], sizeof(names[k]), "lakekeeper_table:%d", k);
    struct fga_mirror_opts o = {0};
    struct fga_mirror *m = fga_mirror_new(&o);
    struct lw_err err;
    struct fga_tuples empty = {0};
    assert_int_equal(fga_mirror_load(m, &empty, &err), LW_OK);
    srand(9);
    for (int i = 0; i < OPS; i++) {
        int k = rand() % KEYS;
        bool d = rand() % 3 == 0;
        struct fga_tuple t = tup("user:x", "select", names[k], d);
        struct fga_tuples one = {&t, 1, 1, 0};
        assert_int_equal(fga_mirror_apply(m, &one, &err), LW_OK);
        ref[k] = !d;
    }
    size_t live = 0;
    for (int k = 0; k < KEYS; k++) {
        live += ref[k];
        assert_int_equal(fga_mirror_has(m, "user:x", "select", names[k]), ref[k]);
    }
    struct fga_mirror_stats st;
    fga_mirror_stats(m, &st);
    assert_int_equal(st.tuples, live);
    assert_int_equal(count(m), live);
    fga_mirror_free(m);
}

/* Scripted OpenFGA: answers by URL path, in the order the sync is expected to ask. */
static const char *const *script;
static int nasked;
static char asked[8][256];

static void fake_exchange(const struct http_client_req *reqs, struct http_client_resp *resps,
                          int n, size_t max_body)
{
    for (int i = 0; i < n; i++) {
        memset(&resps[i], 0, sizeof(resps[i]));
        lw_buf_init(&resps[i].body, max_body);
        assert_non_null(script[nasked]);
        snprintf(asked[nasked], sizeof(asked[nasked]), "%s", strstr(reqs[i].url, "01STORE0123456789") + 17);
        resps[i].status = 200;
        lw_buf_puts(&resps[i].body, script[nasked++]);
    }
}

#define CHANGE(u, op) "{\"tuple_key\":{\"user\":\"" u "\",\"relation\":\"select\"," \
                      "\"object\":\"t:1\"},\"operation\":\"TUPLE_OPERATION_" op "\"}"

static void test_sync_order(void **state)
{
    (void)state;
    static const char *const answers[] = {
        /* 1. the log up to now: only its token matters */
        "{\"changes\":[" CHANGE("user:old", "WRITE") "],\"continuation_token\":\"k1\"}",
        "{\"changes\":[],\"continuation_token\":\"k1\"}",
        /* 2. the store */
        "{\"tuples\":[{\"key\":{\"user\":\"user:a\",\"relation\":\"select\",\"object\":\"t:1\"}},"
        "{\"key\":{\"user\":\"user:b\",\"relation\":\"select\",\"object\":\"t:1\"}}],"
        "\"continuation_token\":\"\"}",
        /* 3. changes since k1: one already in the Read, one new delete */
        "{\"changes\":[" CHANGE("user:b", "WRITE") "," CHANGE("user:a", "DELETE")
        "],\"continuation_token\":\"k2\"}",
        "{\"changes\":[],\"continuation_token\":\"k2\"}",
        /* second sync: from k2 */
        "{\"changes\":[" CHANGE("user:c", "WRITE") "],\"continuation_token\":\"k3\"}",
        "{\"changes\":[],\"continuation_token\":\"k3\"}",
        NULL};
    script = answers;
    nasked = 0;
    http_client_exchange = fake_exchange;
    struct fga_client_opts co = {.url = "http://fga", .store_id = "01STORE0123456789"};
    struct lw_err err;
    struct fga_client *c = fga_client_new(&co, &err);
    struct fga_mirror_opts o = {0};
    struct fga_mirror *m = fga_mirror_new(&o);
    assert_int_equal(fga_mirror_sync(m, c, 0, &err), LW_OK);
    assert_int_equal(nasked, 5);
    assert_string_equal(asked[0], "/changes?page_size=100");
    assert_string_equal(asked[2], "/read");
    assert_string_equal(asked[3], "/changes?page_size=100&continuation_token=k1");
    assert_false(fga_mirror_has(m, "user:old", "select", "t:1"));  /* not in the store */
    assert_false(fga_mirror_has(m, "user:a", "select", "t:1"));
    assert_true(fga_mirror_has(m, "user:b", "select", "t:1"));
    struct fga_mirror_stats st;
    fga_mirror_stats(m, &st);
    assert_true(st.loaded && st.last_sync_ms > 0);
    assert_int_equal(st.tuples, 1);
    assert_int_equal(fga_mirror_sync(m, c, 0, &err), LW_OK);
    assert_int_equal(nasked, 7);
    assert_string_equal(asked[5], "/changes?page_size=100&continuation_token=k2");
    assert_true(fga_mirror_has(m, "user:c", "select", "t:1"));
    fga_mirror_free(m);
    fga_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_and_apply),
        cmocka_unit_test(test_bounds_refuse),
        cmocka_unit_test(test_churn_against_reference),
        cmocka_unit_test(test_sync_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
