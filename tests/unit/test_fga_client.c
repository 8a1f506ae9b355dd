/* test_fga_client.c -- catalog/fga_client.c against scripted OpenFGA answers: what goes on
 * the wire (paths, bodies, pagination tokens, model id, bearer header), Read's pages and its
 * bound, ReadChanges' token handling, BatchCheck's chunking and its omitted-false answers,
 * ListObjects/ListUsers result shapes, ListObjects batches in bounded rounds, errors as
 * values, deadlines, and time parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../catalog/fga_client.h"
#include "../../catalog/http_client.h"

#define MAX_REQS 16

struct canned {
    long status;
    int error;              /* transport error instead of a response */
    const char *body;
};

static struct canned script[MAX_REQS];
static int nscript, nexchanged;
static int round_size[MAX_REQS], nrounds;  /* requests of each http_client_exchange call */
static char *sent_url[MAX_REQS], *sent_body[MAX_REQS], *sent_auth[MAX_REQS];

static char *dup_or_null(const char *s, size_t n)
{
    return s ? strndup(s, n) : NULL;
}

/* Batch-check bodies are answered from the request itself when the script says "ECHO":
 * every correlation id whose number is even is allowed, odd ones are omitted (false). */
static void echo_batch(const char *req, struct http_client_resp *resp)
{
    json_t *doc = json_loads(req, 0, NULL), *checks = json_object_get(doc, "checks"), *c;
    json_t *result = json_object();
    size_t i;
    json_array_foreach(checks, i, c) {
        const char *cid = json_string_value(json_object_get(c, "correlation_id"));
        int id = atoi(cid);
        json_object_set_new(result, cid, id % 2 == 0 ? json_pack("{s:b}", "allowed", 1)
                                                     : json_object());
    }
    json_t *answer = json_pack("{s:o}", "result", result);
    char *s = json_dumps(answer, JSON_COMPACT);
    lw_buf_puts(&resp->body, s);
    free(s);
    json_decref(answer);
    json_decref(doc);
}

static void fake_exchange(const struct http_client_req *reqs, struct http_client_resp *resps,
                          int n, size_t max_body)
{
    if (nrounds < MAX_REQS)
        round_size[nrounds++] = n;
    for (int i = 0; i < n; i++) {
        struct http_client_resp *r = &resps[i];
        memset(r, 0, sizeof(*r));
        lw_buf_init(&r->body, max_body);
        int k = nexchanged++;
        assert_true(k < nscript);
        sent_url[k] = strdup(reqs[i].url);
        sent_body[k] = dup_or_null(reqs[i].body, reqs[i].body_len);
        for (int h = 0; h < HTTP_CLIENT_MAX_HEADERS && reqs[i].headers[h]; h++)
            if (strncmp(reqs[i].headers[h], "Authorization:", 14) == 0)
                sent_auth[k] = strdup(reqs[i].headers[h]);
        if (script[k].error) {
            r->error = script[k].error;
            snprintf(r->error_msg, sizeof(r->error_msg), "scripted failure");
            continue;
        }
        r->status = script[k].status;
        strcpy(r->content_type, "application/json");
        if (strcmp(script[k].body, "ECHO") == 0)
            echo_batch(sent_body[k], r);
        else
            lw_buf_puts(&r->body, script[k].body);
    }
}

static void play(const struct canned *c, int n)
{
    for (int i = 0; i < nexchanged; i++) {
        free(sent_url[i]);
        free(sent_body[i]);
        free(sent_auth[i]);
        sent_url[i] = sent_body[i] = sent_auth[i] = NULL;
    }
    if (n > 0)
        memcpy(script, c, (size_t)n * sizeof(*c));
    nscript = n;
    nexchanged = 0;
    nrounds = 0;
}

static struct fga_client *client(const char *model, const char *token)
{
    struct fga_client_opts o = {.url = "http://fga:8080//", .store_id = "01STORE",
                                .model_id = model, .api_token = token, .timeout_ms = 1000,
                                .page_size = 2};
    struct lw_err err;
    struct fga_client *c = fga_client_new(&o, &err);
    assert_non_null(c);
    return c;
}

static int setup(void **state)
{
    (void)state;
    http_client_exchange = fake_exchange;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    play(NULL, 0);
    return 0;
}

static void test_bad_options(void **state)
{
    (void)state;
    struct lw_err err;
    struct fga_client_opts o = {.url = "http://x", .store_id = "../admin"};
    assert_null(fga_client_new(&o, &err));
    assert_int_equal(err.code, LW_ECONFIG);
    o.store_id = "01S";
    o.model_id = "a b";
    assert_null(fga_client_new(&o, &err));
    o.model_id = NULL;
    o.url = "";
    assert_null(fga_client_new(&o, &err));
}

static void test_read_pages(void **state)
{
    (void)state;
    const struct canned c[] = {
        {200, 0, "{\"tuples\":[{\"key\":{\"user\":\"user:a\",\"relation\":\"ownership\","
                 "\"object\":\"project:p\"},\"timestamp\":\"2026-01-02T03:04:05.678Z\"},"
                 "{\"key\":{\"user\":\"role:r#assignee\",\"relation\":\"select\","
                 "\"object\":\"lakekeeper_table:w/t\"},\"timestamp\":\"2026-01-02T03:04:05Z\"}],"
                 "\"continuation_token\":\"tok1\"}"},
        {200, 0, "{\"tuples\":[{\"key\":{\"user\":\"user:b\",\"relation\":\"describe\","
                 "\"object\":\"warehouse:w\"},\"timestamp\":\"2026-01-02T03:04:06Z\"}],"
                 "\"continuation_token\":\"\"}"},
    };
    play(c, 2);
    struct fga_client *fc = client("01MODEL", "s3cret");
    struct fga_tuples t = {0};
    struct lw_err err;
    assert_int_equal(fga_read(fc, NULL, 0, &t, 0, &err), LW_OK);
    assert_int_equal(nexchanged, 2);
    assert_string_equal(sent_url[0], "http://fga:8080/stores/01STORE/read");
    assert_string_equal(sent_auth[0], "Authorization: Bearer s3cret");
    assert_null(strstr(sent_body[0], "continuation_token"));
    assert_null(strstr(sent_body[0], "tuple_key"));
    assert_non_null(strstr(sent_body[0], "\"page_size\":2"));
    assert_non_null(strstr(sent_body[1], "\"continuation_token\":\"tok1\""));
    assert_int_equal(t.n, 3);
    assert_string_equal(t.v[1].user, "role:r#assignee");
    assert_string_equal(t.v[1].object, "lakekeeper_table:w/t");
    assert_string_equal(t.v[2].relation, "describe");
    assert_int_equal(t.v[0].ts_ms, fga_parse_time("2026-01-02T03:04:05Z") + 678);
    assert_int_equal(t.bytes, strlen("user:aownershipproject:p") +
                                  strlen("role:r#assigneeselectlakekeeper_table:w/t") +
                                  strlen("user:bdescribewarehouse:w"));
    fga_tuples_free(&t);

    /* A filter is sent as tuple_key with only the fields given. */
    const struct canned one[] = {{200, 0, "{\"tuples\":[],\"continuation_token\":\"\"}"}};
    play(one, 1);
    struct fga_key k = {.user = "user:a", .object = "role:"};
    assert_int_equal(fga_read(fc, &k, 0, &t, 0, &err), LW_OK);
    assert_non_null(strstr(sent_body[0], "\"tuple_key\":{\"user\":\"user:a\",\"object\":\"role:\"}"));
    assert_int_equal(t.n, 0);
    fga_client_free(fc);
}

static void test_read_bound_and_errors(void **state)
{
    (void)state;
    const struct canned c[] = {
        {200, 0, "{\"tuples\":[{\"key\":{\"user\":\"u:1\",\"relation\":\"r\",\"object\":\"o:1\"}},"
                 "{\"key\":{\"user\":\"u:2\",\"relation\":\"r\",\"object\":\"o:1\"}}],"
                 "\"continuation_token\":\"t\"}"},
        {200, 0, "{\"tuples\":[{\"key\":{\"user\":\"u:3\",\"relation\":\"r\",\"object\":\"o:1\"}}],"
                 "\"continuation_token\":\"\"}"},
    };
    play(c, 2);
    struct fga_client *fc = client(NULL, NULL);
    struct fga_tuples t = {0};
    struct lw_err err;
    /* Three tuples against a bound of two: refused, not truncated. */
    assert_int_equal(fga_read(fc, NULL, 2, &t, 0, &err), LW_ENOMEM);
    assert_non_null(strstr(err.msg, "more than 2 tuples"));
    assert_null(sent_auth[0]);
    fga_tuples_free(&t);

    const struct canned e404[] = {{404, 0, "{\"code\":\"store_id_not_found\",\"message\":\"x\"}"}};
    play(e404, 1);
    assert_int_equal(fga_read(fc, NULL, 0, &t, 0, &err), LW_ENOTFOUND);
    assert_non_null(strstr(err.msg, "store_id_not_found"));
    const struct canned e401[] = {{401, 0, "{}"}};
    play(e401, 1);
    assert_int_equal(fga_read(fc, NULL, 0, &t, 0, &err), LW_EAUTH);
    const struct canned eio[] = {{0, LW_ETIMEOUT, NULL}};
    play(eio, 1);
    assert_int_equal(fga_read(fc, NULL, 0, &t, 0, &err), LW_ETIMEOUT);
    const struct canned bad[] = {{200, 0, "[1]"}};
    play(bad, 1);
    assert_int_equal(fga_read(fc, NULL, 0, &t, 0, &err), LW_EINVAL);
    const struct canned badt[] = {{200, 0, "{\"tuples\":[{\"key\":{\"user\":7}}]}"}};
    play(badt, 1);
    assert_int_equal(fga_read(fc, NULL, 0, &t, 0, &err), LW_EINVAL);
    fga_tuples_free(&t);

    /* A deadline already passed: nothing is sent. */
    play(NULL, 0);
    assert_int_equal(fga_read(fc, NULL, 0, &t, lw_mono_us() - 1, &err), LW_ETIMEOUT);
    assert_int_equal(nexchanged, 0);
    fga_client_free(fc);
}

static void test_read_changes(void **state)
{
    (void)state;
    const struct canned c[] = {
        {200, 0, "{\"changes\":[{\"tuple_key\":{\"user\":\"user:a\",\"relation\":\"select\","
                 "\"object\":\"lakekeeper_table:w/t\"},\"operation\":\"TUPLE_OPERATION_WRITE\","
                 "\"timestamp\":\"2026-03-01T00:00:00Z\"},"
                 "{\"tuple_key\":{\"user\":\"user:a\",\"relation\":\"select\","
                 "\"object\":\"lakekeeper_table:w/t\"},\"operation\":\"TUPLE_OPERATION_DELETE\","
                 "\"timestamp\":\"2026-03-01T00:00:01+01:00\"}],\"continuation_token\":\"c1\"}"},
        {200, 0, "{\"changes\":[],\"continuation_token\":\"c1\"}"},
    };
    play(c, 2);
    struct fga_client *fc = client(NULL, NULL);
    struct fga_tuples t = {0};
    struct lw_err err;
    char *tok = NULL;
    assert_int_equal(fga_read_changes(fc, &tok, 0, &t, 0, &err), LW_OK);
    assert_string_equal(sent_url[0], "http://fga:8080/stores/01STORE/changes?page_size=2");
    assert_string_equal(sent_url[1],
                        "http://fga:8080/stores/01STORE/changes?page_size=2&continuation_token=c1");
    assert_string_equal(tok, "c1");
    assert_int_equal(t.n, 2);
    assert_false(t.v[0].deleted);
    assert_true(t.v[1].deleted);
    assert_int_equal(t.v[1].ts_ms - t.v[0].ts_ms, 1000 - 3600 * 1000);
    fga_tuples_free(&t);

    /* A malformed change fails the call and leaves the token where it was. */
    const struct canned bad[] = {
        {200, 0, "{\"changes\":[{\"tuple_key\":{\"user\":\"user:a\",\"relation\":\"r\","
                 "\"object\":\"o:1\"},\"operation\":\"TUPLE_OPERATION_WRITE\"},"
                 "{\"tuple_key\":{\"user\":\"user:a\",\"relation\":\"r\",\"object\":\"o:1\"},"
                 "\"operation\":\"SOMETHING\"}],\"continuation_token\":\"c2\"}"}};
    play(bad, 1);
    assert_int_equal(fga_read_changes(fc, &tok, 0, &t, 0, &err), LW_EINVAL);
    assert_string_equal(tok, "c1");
    assert_int_equal(t.n, 0);
    assert_int_equal(t.bytes, 0);
    fga_tuples_free(&t);
    lw_free(tok);
    fga_client_free(fc);
}

static void test_batch_check(void **state)
{
    (void)state;
    const struct canned c[] = {{200, 0, "ECHO"}, {200, 0, "ECHO"}, {200, 0, "ECHO"}};
    play(c, 3);
    struct fga_client *fc = client("01MODEL", NULL);
    enum { N = 120 };
    struct fga_key keys[N];
    bool allowed[N];
    for (int i = 0; i < N; i++)
        keys[i] = (struct fga_key){"user:a", "select", "lakekeeper_table:w/t"};
    struct lw_err err;
    assert_int_equal(fga_check(fc, keys, allowed, N, 0, &err), LW_OK);
    assert_int_equal(nexchanged, 3);   /* 50 + 50 + 20 */
    assert_string_equal(sent_url[0], "http://fga:8080/stores/01STORE/batch-check");
    assert_non_null(strstr(sent_body[0], "\"authorization_model_id\":\"01MODEL\""));
    assert_non_null(strstr(sent_body[2], "\"correlation_id\":\"119\""));
    for (int i = 0; i < N; i++)
        assert_int_equal(allowed[i], i % 2 == 0);

    /* One check answered with an error: the call fails and nothing is allowed. */
    const struct canned e[] = {
        {200, 0, "{\"result\":{\"0\":{\"allowed\":true},\"1\":{\"error\":{\"message\":\"x\"}}}}"}};
    play(e, 1);
    assert_int_equal(fga_check(fc, keys, allowed, 2, 0, &err), LW_EIO);
    assert_false(allowed[0]);
    /* A check missing from the answer is an error, not a denial passed off as an answer. */
    const struct canned m[] = {{200, 0, "{\"result\":{\"0\":{\"allowed\":true}}}"}};
    play(m, 1);
    assert_int_equal(fga_check(fc, keys, allowed, 2, 0, &err), LW_EIO);
    fga_client_free(fc);
}

static void test_list_objects_users(void **state)
{
    (void)state;
    const struct canned c[] = {
        {200, 0, "{\"objects\":[\"lakekeeper_table:w/t1\",\"lakekeeper_table:w/t2\"]}"},
        {200, 0, "{\"users\":[{\"object\":{\"type\":\"user\",\"id\":\"oidc~1\"}},"
                 "{\"userset\":{\"type\":\"role\",\"id\":\"r1\",\"relation\":\"assignee\"}},"
                 "{\"wildcard\":{\"type\":\"user\"}}]}"},
        {200, 0, "{\"users\":[{\"userset\":{\"type\":\"role\",\"id\":\"r1\"}}]}"},
    };
    play(c, 3);
    struct fga_client *fc = client(NULL, NULL);
    struct fga_strs s = {0};
    struct lw_err err;
    assert_int_equal(fga_list_objects(fc, "lakekeeper_table", "select", "user:oidc~1", &s, 0,
                                      &err), LW_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.v[1], "lakekeeper_table:w/t2");
    assert_non_null(strstr(sent_body[0], "\"user\":\"user:oidc~1\""));
    fga_strs_free(&s);
    assert_int_equal(fga_list_users(fc, "lakekeeper_table:w/t1", "select", "role", "assignee",
                                     &s, 0, &err), LW_OK);
    assert_non_null(strstr(sent_body[1], "\"object\":{\"type\":\"lakekeeper_table\",\"id\":\"w/t1\"}"));
    assert_non_null(strstr(sent_body[1], "\"user_filters\":[{\"type\":\"role\",\"relation\":\"assignee\"}]"));
    assert_int_equal(s.n, 3);
    assert_string_equal(s.v[0], "user:oidc~1");
    assert_string_equal(s.v[1], "role:r1#assignee");
    assert_string_equal(s.v[2], "user:*");
    fga_strs_free(&s);
    assert_int_equal(fga_list_users(fc, "lakekeeper_table:w/t1", "select", "role", NULL, &s, 0,
                                     &err), LW_EINVAL);
    fga_strs_free(&s);
    assert_int_equal(fga_list_users(fc, "no-type", "select", "user", NULL, &s, 0, &err),
                     LW_EINVAL);
    fga_client_free(fc);
}

static void test_list_objects_many(void **state)
{
    (void)state;
    const struct canned c[] = {
        {200, 0, "{\"objects\":[\"namespace:n0\"]}"},
        {200, 0, "{\"objects\":[]}"},
        {200, 0, "{\"objects\":[\"namespace:n2a\",\"namespace:n2b\"]}"},
        {503, 0, "{\"code\":\"unavailable\"}"},
        {200, 0, "{\"objects\":[\"namespace:n4\"]}"},
    };
    struct fga_list_objects_req q[5];
    static const char *rel[5] = {"select", "describe", "modify", "drop", "create"};
    for (int i = 0; i < 5; i++)
        q[i] = (struct fga_list_objects_req){"namespace", rel[i], "user:oidc~1", {0}};
    struct fga_client *fc = client(NULL, NULL);
    struct lw_err err;
    /* every one answered: rounds of two, answers matched to their requests */
    play(c, 3);
    assert_int_equal(fga_list_objects_many(fc, q, 3, 2, 0, &err), LW_OK);
    assert_int_equal(nrounds, 2);
    assert_int_equal(round_size[0], 2);
    assert_int_equal(round_size[1], 1);
    assert_non_null(strstr(sent_body[1], "\"relation\":\"describe\""));
    assert_int_equal(q[0].objects.n, 1);
    assert_string_equal(q[0].objects.v[0], "namespace:n0");
    assert_int_equal(q[1].objects.n, 0);
    assert_int_equal(q[2].objects.n, 2);
    assert_string_equal(q[2].objects.v[1], "namespace:n2b");
    for (int i = 0; i < 5; i++)
        fga_strs_free(&q[i].objects);
    /* a failure ends the batch with its reason; no later round goes out */
    play(c, 5);
    assert_int_equal(fga_list_objects_many(fc, q, 5, 2, 0, &err), LW_EIO);
    assert_non_null(strstr(err.msg, "HTTP 503"));
    assert_int_equal(nexchanged, 4);
    assert_int_equal(q[0].objects.n, 1);
    for (int i = 0; i < 5; i++)
        fga_strs_free(&q[i].objects);
    /* concurrency is clamped to at least one; a passed deadline sends nothing */
    play(c, 1);
    assert_int_equal(fga_list_objects_many(fc, q, 1, 0, 0, &err), LW_OK);
    assert_int_equal(round_size[0], 1);
    fga_strs_free(&q[0].objects);
    play(c, 0);
    assert_int_equal(fga_list_objects_many(fc, q, 2, 8, lw_mono_us() - 1, &err), LW_ETIMEOUT);
    assert_int_equal(nexchanged, 0);
    assert_int_equal(fga_list_objects_many(fc, q, 0, 8, 0, &err), LW_OK);
    fga_client_free(fc);
}

static void test_read_model(void **state)
{
    (void)state;
    const struct canned c[] = {
        {200, 0, "{\"authorization_model\":{\"id\":\"01M\",\"schema_version\":\"1.1\","
                 "\"type_definitions\":[{\"type\":\"user\"}]}}"},
        {200, 0, "{\"authorization_model\":{}}"},
    };
    play(c, 2);
    struct fga_client *fc = client("01M", NULL);
    json_t *m;
    struct lw_err err;
    assert_int_equal(fga_read_model(fc, NULL, &m, 0, &err), LW_OK);
    assert_string_equal(sent_url[0], "http://fga:8080/stores/01STORE/authorization-models/01M");
    assert_string_equal(json_string_value(json_object_get(m, "schema_version")), "1.1");
    json_decref(m);
    assert_int_equal(fga_read_model(fc, NULL, &m, 0, &err), LW_EINVAL);
    assert_null(m);
    assert_int_equal(fga_read_model(fc, "x/y", &m, 0, &err), LW_EINVAL);
    fga_client_free(fc);
}

static void test_parse_time(void **state)
{
    (void)state;
    assert_int_equal(fga_parse_time("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(fga_parse_time("1970-01-01T00:00:01.5Z"), 1500);
    assert_int_equal(fga_parse_time("1970-01-01T00:00:01.123456789Z"), 1123);
    assert_int_equal(fga_parse_time("1970-01-01T01:00:00+01:00"), 0);
    assert_int_equal(fga_parse_time("2026-11-28T06:44:34Z"), 1795848274000LL);
    const char *bad[] = {NULL, "", "1970-01-01", "1970-01-01T00:00:00", "1970-13-01T00:00:00Z",
                         "1970-01-01T00:00:00.Z", "1970-01-01T00:00:00Zjunk",
                         "1970-01-01T00:00:00+1:00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(fga_parse_time(bad[i]), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_bound_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_objects_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_objects_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_model, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_time, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
