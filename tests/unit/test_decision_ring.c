/* test_decision_ring.c -- authz/authz_decision_log.c, the decision ring in shared memory:
 * a read-only view in another process (attach through the memfd) sees what the writer adds;
 * records copied while writer threads overwrite the ring at full speed are never torn (each
 * JSON line matches its summary), come oldest first and are bounded by the byte area; a view
 * cannot write; a record larger than the area keeps its summary; a descriptor that is not a
 * ring is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../authz/authz_decision_log.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* Adds record n: user "u<n>", JSON {"n":<n>,"pad":"<n % 97 x's>"} so lines vary in size. */
static void add_record(struct authz_decision_log *l, long n)
{
    struct authz_decision_summary r;
    char json[256];
    int pad = (int)(n % 97);
    memset(&r, 0, sizeof r);
    snprintf(r.user, sizeof r.user, "u%ld", n);
    snprintf(json, sizeof json, "{\"n\":%ld,\"pad\":\"%.*s\"}", n, pad,
             "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
             "xxxxxxxxxxxxxxxx");
    r.nitems = (int)(n % 1000);
    r.json = strdup(json);
    assert_non_null(r.json);
    authz_decision_log_add(l, &r);
    assert_null(r.json);
}

/* Every copied record is whole (its JSON names its user's number, its nitems agrees) and,
 * when one thread wrote them in number order, the numbers ascend. Returns the row count. */
static int check_copy(struct authz_decision_log *l, size_t max_bytes, bool ordered)
{
    struct authz_decision_summary *rows = NULL;
    long last = -1;
    size_t bytes = 0;
    int n = 0;
    assert_int_equal(authz_decision_log_copy(l, -1, true, &rows, &n), 0);
    for (int i = 0; i < n; i++) {
        long un, jn;
        assert_int_equal(sscanf(rows[i].user, "u%ld", &un), 1);
        assert_non_null(rows[i].json);
        assert_int_equal(sscanf(rows[i].json, "{\"n\":%ld,", &jn), 1);
        assert_int_equal(un, jn);
        assert_int_equal(rows[i].nitems, (int)(un % 1000));
        assert_int_equal((int)strlen(strstr(rows[i].json, "\"pad\":\"") + 7), (int)(un % 97) + 2);
        assert_true(!ordered || un > last);
        last = un;
        bytes += strlen(rows[i].json);
    }
    assert_true(bytes <= max_bytes);
    authz_decision_log_rows_free(rows, n);
    return n;
}

static void view_in_other_process_sees_records(void **state)
{
    struct lw_err err = {0};
    struct authz_decision_log *l = authz_decision_log_new(100, 1u << 20, NULL, &err);
    pid_t pid;
    int st;
    (void)state;
    assert_non_null(l);
    for (long i = 0; i < 150; i++)
        add_record(l, i);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* A fresh read-only view, as the SQL process makes after exec. */
        struct authz_decision_log *v = authz_decision_log_attach(authz_decision_log_fd(l), &err);
        struct authz_decision_summary *rows = NULL;
        struct authz_decision_summary r;
        int n = 0, ok;
        if (!v)
            _exit(2);
        memset(&r, 0, sizeof r);
        r.json = strdup("{\"n\":999}");
        authz_decision_log_add(v, &r);      /* a view cannot write: a no-op */
        ok = authz_decision_log_copy(v, -1, true, &rows, &n) == 0 && n == 100 &&
             strcmp(rows[0].user, "u50") == 0 && strcmp(rows[99].user, "u149") == 0 &&
             strstr(rows[99].json, "\"n\":149") != NULL;
        authz_decision_log_rows_free(rows, n);
        authz_decision_log_free(v);
        _exit(ok ? 0 : 1);
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(check_copy(l, 1u << 20, true), 100);     /* the view's add did nothing */
    authz_decision_log_free(l);
}

struct writer_arg {
    struct authz_decision_log *l;
    long first, count;
};

static _Atomic long next_n;

static void *writer(void *arg)
{
    struct writer_arg *w = arg;
    for (long i = 0; i < w->count; i++)
        add_record(w->l, atomic_fetch_add(&next_n, 1));
    return NULL;
}

/* Two writer threads (their numbers are taken before the ring's lock, so records need not
 * land in number order) overwrite a small ring (many wraps of the byte area) while a reader in another
 * process copies it again and again: no copy may be torn. */
static void concurrent_reader_never_sees_torn_records(void **state)
{
    const size_t area = 64u << 10;
    struct lw_err err = {0};
    struct authz_decision_log *l = authz_decision_log_new(500, area, NULL, &err);
    _Atomic int *done = mmap(NULL, sizeof *done, PROT_READ | PROT_WRITE,
                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct writer_arg wa = {0};
    pthread_t t[2];
    pid_t pid;
    int st;
    (void)state;
    assert_non_null(l);
    assert_true(done != MAP_FAILED);
    atomic_store(done, 0);
    atomic_store(&next_n, 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct authz_decision_log *v = authz_decision_log_attach(authz_decision_log_fd(l), &err);
        long copies = 0;
        if (!v)
            _exit(2);
        while (!atomic_load(done) || copies < 10) {
            check_copy(v, area, false);        /* a failed assertion ends this child abnormally */
            copies++;
        }
        authz_decision_log_free(v);
        _exit(0);
    }
    wa.l = l;
    wa.count = 100000;
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, writer, &wa), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    atomic_store(done, 1);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_true(check_copy(l, area, false) > 1);
    assert_true(authz_decision_log_bytes(l) <= area);
    munmap(done, sizeof *done);
    authz_decision_log_free(l);
}

static void record_larger_than_area_keeps_summary(void **state)
{
    struct lw_err err = {0};
    struct authz_decision_log *l = authz_decision_log_new(10, 1u << 20, NULL, &err);
    struct authz_decision_summary r, *rows = NULL;
    size_t big = (1u << 20) + 10;
    int n = 0;
    (void)state;
    assert_non_null(l);
    add_record(l, 1);
    memset(&r, 0, sizeof r);
    snprintf(r.user, sizeof r.user, "huge");
    r.json = malloc(big + 1);
    assert_non_null(r.json);
    memset(r.json, 'x', big);
    r.json[big] = '\0';
    authz_decision_log_add(l, &r);
    assert_int_equal(authz_decision_log_copy(l, -1, true, &rows, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[1].user, "huge");
    assert_null(rows[1].json);
    assert_non_null(rows[0].json);
    authz_decision_log_rows_free(rows, n);
    authz_decision_log_free(l);
}

/* Reading in pieces (the SQL scan's way): chunks of 7 over a ring that wrapped give the
 * live records once each, oldest first, the same as one copy; records added after the span
 * was taken are not read, and records dropped meanwhile are skipped, not torn. */
static void read_in_chunks_matches_copy(void **state)
{
    struct lw_err err = {0};
    struct authz_decision_log *l = authz_decision_log_new(50, 0, NULL, &err);
    struct authz_decision_summary chunk[7];
    uint64_t from, to;
    long expect = 70;       /* 120 added, the newest 50 kept */
    int k;
    (void)state;
    assert_non_null(l);
    for (long i = 0; i < 120; i++)
        add_record(l, i);
    authz_decision_log_span(l, &from, &to);
    assert_int_equal((int)(to - from), 50);
    while ((k = authz_decision_log_read(l, &from, to, true, chunk, 7)) > 0) {
        assert_true(k <= 7);
        for (int i = 0; i < k; i++) {
            long un;
            assert_int_equal(sscanf(chunk[i].user, "u%ld", &un), 1);
            assert_int_equal(un, expect++);
            assert_non_null(chunk[i].json);
        }
        authz_decision_log_rows_clear(chunk, k);
        assert_null(chunk[0].json);
        if (expect == 84)
            for (long i = 120; i < 140; i++)    /* drops 70..89: 84..89 were not read yet */
                add_record(l, i);
        if (expect == 84)
            expect = 90;
    }
    assert_int_equal(k, 0);
    assert_int_equal(expect, 120);              /* 120..139 came after the span */
    assert_true(from == to);
    authz_decision_log_free(l);
}

static void attach_refuses_other_descriptors(void **state)
{
    struct lw_err err = {0};
    int fd = memfd_create("not-a-ring", MFD_CLOEXEC);
    (void)state;
    assert_true(fd >= 0);
    assert_null(authz_decision_log_attach(fd, &err));           /* empty */
    assert_int_equal(ftruncate(fd, 1 << 16), 0);
    assert_null(authz_decision_log_attach(fd, &err));           /* zeros: no magic */
    assert_int_equal(err.code, LW_EINVAL);
    close(fd);
    assert_null(authz_decision_log_attach(-1, &err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(view_in_other_process_sees_records),
        cmocka_unit_test(concurrent_reader_never_sees_torn_records),
        cmocka_unit_test(record_larger_than_area_keeps_summary),
        cmocka_unit_test(read_in_chunks_matches_copy),
        cmocka_unit_test(attach_refuses_other_descriptors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
