/* loadgen.c -- the soak's load generator: Trino-shaped authorization requests at a fixed
 * rate (open loop), over a bounded pool of kept-alive connections, checking every answer.
 *
 * Why not wrk: wrk sends as fast as the server answers (closed loop), so it cannot hold a
 * steady 2,000 requests/s, and its rate-limited fork wrk2 is not packaged in Debian. Python
 * asyncio would need most of a core for 2,000 requests/s plus JSON checks on a machine whose
 * two cores also run lakeward, the stand-in, OpenFGA, Keycloak and PostgreSQL. libcurl's multi
 * interface (one thread, poll-driven) with jansson for the answer check costs a few percent of a
 * core at this rate; both are libraries lakeward already links.
 *
 *   loadgen -u BASE_URL -f TEMPLATES -r RATE -d SECONDS [-c CONNECTIONS] [-m MISS_PERCENT]
 *           [-q QUERY_SIZE] [-i INTERVAL_S] [-t TIMEOUT_MS]
 *
 * TEMPLATES holds one request per line: "PATH<TAB>JSON-BODY". Requests take the templates in
 * turn. A body may contain the query id placeholder QID_PLACEHOLDER (below); MISS_PERCENT of
 * the requests get it replaced by a fresh query id (so lakeward's decision cache, keyed by the
 * body, misses), the others send the body unchanged (a cache hit once warm). As in Trino, where
 * one query asks many questions, a query id serves QUERY_SIZE (default 100) such requests
 * before the next one starts: lakeward's per-query probe cache then works as it does for Trino
 * instead of sending a probe to Lakekeeper for every request.
 *
 * Latency is measured from the moment a request was due by the schedule, not from when it
 * was sent, so a stalled server shows in the numbers instead of silently lowering the rate.
 * An answer counts as ok only when it is HTTP 200 with a JSON object holding "result";
 * anything else is a failure of one of three kinds: transport (no HTTP answer: refused, reset,
 * timed out), status (not 200), body (not JSON, or no "result").
 *
 * Output on stdout: one "INTERVAL" line per interval and one final "LOADGEN" line, key=value.
 * The first few failures are described on stderr. Exit status 0 unless usage or setup failed;
 * judging the numbers is the caller's job. SIGINT/SIGTERM end the run early (and still report). */
#include <curl/curl.h>
#include <jansson.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QID_PLACEHOLDER "soak_qqqqqqqqqqqq"
#define QID_DIGITS 12              /* the q's above: replaced by a hex counter */
#define MAX_TEMPLATES 4096
#define MAX_INFLIGHT 512           /* requests due but unanswered; beyond it the schedule slips */
#define MAX_RESPONSE (1u << 20)    /* bodies above this are failures (no Trino answer is near it) */
#define FAILURES_SHOWN 10
#define DRAIN_S 30                 /* after the run, wait this long for answers still due */

struct tmpl {
    char *path;
    char *body;
    size_t body_len;
    size_t qid_at;                 /* offset of the q's, or SIZE_MAX */
};

struct slot {                      /* one request in flight; slots are reused */
    CURL *h;
    struct slot *next_free;
    char *body;
    size_t body_cap;
    char *resp;
    size_t resp_len, resp_cap;
    bool resp_too_big;
    double due;                    /* schedule time, seconds since start */
    int tmpl;
};

/* Latencies in microseconds; the whole run's are kept (a 30-minute run at 2,000/s is 3.6 M
 * values, 14 MB) so that percentiles are exact. */
struct lat {
    uint32_t *v;
    size_t n, cap;
};

struct counts {
    uint64_t sent, ok, f_transport, f_status, f_body, allowed, denied, other_result;
};

static uint64_t failures(const struct counts *c) { return c->f_transport + c->f_status + c->f_body; }

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) { (void)sig; stop_requested = 1; }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "loadgen: out of memory\n");
        exit(1);
    }
    return q;
}

static void lat_add(struct lat *l, uint32_t us)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 65536;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = us;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The pct-th percentile of the sorted v[0..n); 0 when empty. */
static uint32_t percentile(uint32_t *v, size_t n, double pct)
{
    if (n == 0)
        return 0;
    size_t k = (size_t)(pct / 100.0 * (double)(n - 1) + 0.5);
    return v[k];
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    struct slot *s = ud;
    size_t n = size * nmemb;
    if (s->resp_len + n > MAX_RESPONSE) {
        s->resp_too_big = true;
        return n;                  /* keep reading (the connection stays usable), drop it */
    }
    if (s->resp_len + n + 1 > s->resp_cap) {
        s->resp_cap = (s->resp_len + n + 1) * 2;
        s->resp = xrealloc(s->resp, s->resp_cap);
    }
    memcpy(s->resp + s->resp_len, data, n);
    s->resp_len += n;
    s->resp[s->resp_len] = '\0';
    return n;
}

/* Reads TEMPLATES ("PATH\tBODY" lines); returns how many, or -1 with a message. */
static int load_templates(const char *file, struct tmpl *t, int max)
{
    FILE *f = fopen(file, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int n = 0;
    if (!f) {
        perror(file);
        return -1;
    }
    while ((len = getline(&line, &cap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        char *tab = strchr(line, '\t');
        if (!tab || tab == line || n == max) {
            fprintf(stderr, "%s: line %d: expected PATH<TAB>BODY (at most %d lines)\n", file, n + 1, max);
            free(line);
            fclose(f);
            return -1;
        }
        *tab = '\0';
        t[n].path = strdup(line);
        t[n].body = strdup(tab + 1);
        t[n].body_len = strlen(t[n].body);
        char *q = strstr(t[n].body, QID_PLACEHOLDER);
        t[n].qid_at = q ? (size_t)(q - t[n].body) + sizeof QID_PLACEHOLDER - 1 - QID_DIGITS : SIZE_MAX;
        n++;
    }
    free(line);
    fclose(f);
    return n;
}

/* Judges one finished request; counts it and, for a failure, describes the first few. */
static void judge(struct slot *s, CURLcode rc, const struct tmpl *t, struct counts *c)
{
    long status = 0;
    const char *why = NULL;
    char detail[160] = "";
    json_t *root = NULL, *result;

    curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK) {
        c->f_transport++;
        why = "transport";
        snprintf(detail, sizeof detail, "%s", curl_easy_strerror(rc));
    } else if (status != 200) {
        c->f_status++;
        why = "status";
        snprintf(detail, sizeof detail, "HTTP %ld: %.100s", status, s->resp ? s->resp : "");
    } else if (s->resp_too_big || !(root = json_loadb(s->resp ? s->resp : "", s->resp_len, 0, NULL)) ||
               !json_is_object(root) || !(result = json_object_get(root, "result"))) {
        c->f_body++;
        why = "body";
        snprintf(detail, sizeof detail, "%.120s", s->resp_too_big ? "(over 1 MiB)" : s->resp ? s->resp : "");
    } else {
        c->ok++;
        if (json_is_true(result) || (json_is_array(result) && json_array_size(result) > 0))
            c->allowed++;
        else if (json_is_false(result) || json_is_array(result))
            c->denied++;
        else
            c->other_result++;
    }
    json_decref(root);
    if (why && failures(c) <= FAILURES_SHOWN)
        fprintf(stderr, "loadgen: failure %" PRIu64 " (%s) at t=%.1fs on %s: %s\n", failures(c), why,
                s->due, t->path, detail);
}

/* A whole option value as a number, or exit through usage (no silent 0 for "abc"). */
static double num_arg(const char *s, const char *me);

static void usage(const char *me)
{
    fprintf(stderr, "usage: %s -u BASE_URL -f TEMPLATES -r RATE -d SECONDS [-c CONNECTIONS] "
                    "[-m MISS_PERCENT] [-q QUERY_SIZE] [-i INTERVAL_S] [-t TIMEOUT_MS]\n", me);
    exit(2);
}

static double num_arg(const char *s, const char *me)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end)
        usage(me);
    return v;
}

int main(int argc, char **argv)
{
    const char *base = NULL, *file = NULL;
    double rate = 0, duration = 0, interval = 10;
    long conns = 20, miss_pct = 20, query_size = 100, timeout_ms = 10000;
    int opt;
    while ((opt = getopt(argc, argv, "u:f:r:d:c:m:q:i:t:")) != -1) {
        switch (opt) {
        case 'u': base = optarg; break;
        case 'f': file = optarg; break;
        case 'r': rate = num_arg(optarg, argv[0]); break;
        case 'd': duration = num_arg(optarg, argv[0]); break;
        case 'c': conns = (long)num_arg(optarg, argv[0]); break;
        case 'm': miss_pct = (long)num_arg(optarg, argv[0]); break;
        case 'q': query_size = (long)num_arg(optarg, argv[0]); break;
        case 'i': interval = num_arg(optarg, argv[0]); break;
        case 't': timeout_ms = (long)num_arg(optarg, argv[0]); break;
        default: usage(argv[0]);
        }
    }
    if (!base || !file || rate <= 0 || duration <= 0 || conns < 1 || miss_pct < 0 || miss_pct > 100 || query_size < 1 ||
        interval <= 0 || timeout_ms < 1)
        usage(argv[0]);

    static struct tmpl tmpls[MAX_TEMPLATES];
    int ntmpl = load_templates(file, tmpls, MAX_TEMPLATES);
    if (ntmpl <= 0) {
        fprintf(stderr, "loadgen: no templates in %s\n", file);
        return 2;
    }
    /* The full URL of each template, built once. */
    char **urls = xrealloc(NULL, (size_t)ntmpl * sizeof *urls);
    for (int i = 0; i < ntmpl; i++) {
        size_t n = strlen(base) + strlen(tmpls[i].path) + 1;
        urls[i] = xrealloc(NULL, n);
        snprintf(urls[i], n, "%s%s", base, tmpls[i].path);
    }

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, conns);
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, conns);
    struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, "Expect:");     /* no 100-continue round trip for big bodies */

    static struct slot slots[MAX_INFLIGHT];
    struct slot *free_list = NULL;
    for (int i = MAX_INFLIGHT - 1; i >= 0; i--) {
        struct slot *s = &slots[i];
        s->h = curl_easy_init();
        curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(s->h, CURLOPT_WRITEDATA, s);
        curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
        curl_easy_setopt(s->h, CURLOPT_TIMEOUT_MS, timeout_ms);
        curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(s->h, CURLOPT_TCP_NODELAY, 1L);
        s->next_free = free_list;
        free_list = s;
    }

    struct counts total = {0}, mark = {0};   /* mark: the totals at the last interval report */
    struct lat all = {0};
    size_t iv_from = 0;            /* first latency of the current interval in all.v */
    uint64_t next = 0, misses = 0;
    int inflight = 0;
    double behind_max = 0, t0 = now_s(), next_report = interval;

    for (;;) {
        double t = now_s() - t0;
        bool sending = t < duration && !stop_requested;
        if (!sending && (inflight == 0 || t > duration + DRAIN_S || stop_requested > 1))
            break;
        if (stop_requested == 1 && !sending)
            stop_requested = 2;    /* the drain still runs once after a signal */
        /* Start every request that is due, as far as free slots allow. */
        while (sending && (double)next < t * rate && free_list) {
            struct slot *s = free_list;
            free_list = s->next_free;
            const struct tmpl *tp = &tmpls[next % (uint64_t)ntmpl];
            s->tmpl = (int)(next % (uint64_t)ntmpl);
            s->due = (double)next / rate;
            if (s->body_cap < tp->body_len + 1) {
                s->body_cap = tp->body_len + 1;
                s->body = xrealloc(s->body, s->body_cap);
            }
            memcpy(s->body, tp->body, tp->body_len + 1);
            /* Spread the misses evenly: request k is a miss when k*pct crosses a multiple of 100. */
            if (tp->qid_at != SIZE_MAX && (next * (uint64_t)miss_pct) % 100 < (uint64_t)miss_pct) {
                char digits[QID_DIGITS + 1];
                snprintf(digits, sizeof digits, "%0*" PRIx64, QID_DIGITS, misses++ / (uint64_t)query_size + 1);
                memcpy(s->body + tp->qid_at, digits, QID_DIGITS);
            }
            s->resp_len = 0;
            if (s->resp)
                s->resp[0] = '\0';
            s->resp_too_big = false;
            curl_easy_setopt(s->h, CURLOPT_URL, urls[s->tmpl]);
            curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, s->body);
            curl_easy_setopt(s->h, CURLOPT_POSTFIELDSIZE, (long)tp->body_len);
            curl_multi_add_handle(multi, s->h);
            inflight++;
            next++;
            total.sent++;
        }
        if (sending && (double)next < t * rate && t - (double)next / rate > behind_max)
            behind_max = t - (double)next / rate;

        int running;
        curl_multi_perform(multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(multi, &left))) {
            if (m->msg != CURLMSG_DONE)
                continue;
            struct slot *s;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            CURLcode rc = m->data.result;
            double done = now_s() - t0;
            judge(s, rc, &tmpls[s->tmpl], &total);
            double us = (done - s->due) * 1e6;
            lat_add(&all, us < 0 ? 0 : us > 4e9 ? 4000000000u : (uint32_t)us);
            curl_multi_remove_handle(multi, s->h);
            s->next_free = free_list;
            free_list = s;
            inflight--;
        }

        t = now_s() - t0;
        if (t >= next_report) {
            /* Interval figures: counters since the last report, latencies of answers since then. */
            size_t n = all.n - iv_from;
            qsort(all.v + iv_from, n, sizeof *all.v, cmp_u32);
            printf("INTERVAL t=%.0f sent=%" PRIu64 " ok=%" PRIu64 " failed=%" PRIu64 " denied=%" PRIu64
                   " p50_us=%u p99_us=%u max_us=%u inflight=%d\n",
                   next_report, total.sent - mark.sent, total.ok - mark.ok,
                   failures(&total) - failures(&mark), total.denied - mark.denied,
                   percentile(all.v + iv_from, n, 50), percentile(all.v + iv_from, n, 99),
                   n ? all.v[all.n - 1] : 0, inflight);
            fflush(stdout);
            iv_from = all.n;
            mark = total;
            next_report += interval;
        }

        /* Sleep until the next request is due (or an answer arrives). */
        int wait_ms = 100;
        if (sending) {
            double due_in = ((double)next / rate - t) * 1000.0;
            wait_ms = due_in <= 0 ? 0 : due_in < 100 ? (int)due_in + 1 : 100;
            if (!free_list)
                wait_ms = 1;
        }
        curl_multi_poll(multi, NULL, 0, wait_ms, NULL);
    }

    double elapsed = now_s() - t0;
    qsort(all.v, all.n, sizeof *all.v, cmp_u32);
    uint64_t failed = failures(&total);
    printf("LOADGEN requests=%" PRIu64 " answered=%zu ok=%" PRIu64 " failed=%" PRIu64
           " fail_transport=%" PRIu64 " fail_status=%" PRIu64 " fail_body=%" PRIu64
           " unanswered=%d allowed=%" PRIu64 " denied=%" PRIu64 " other_result=%" PRIu64
           " misses=%" PRIu64 " seconds=%.1f rate=%.1f p50_us=%u p90_us=%u p99_us=%u p999_us=%u"
           " max_us=%u behind_max_ms=%.0f templates=%d connections=%ld\n",
           total.sent, all.n, total.ok, failed, total.f_transport, total.f_status, total.f_body, inflight,
           total.allowed, total.denied, total.other_result, misses, elapsed,
           (double)total.sent / (duration < elapsed ? duration : elapsed), percentile(all.v, all.n, 50),
           percentile(all.v, all.n, 90), percentile(all.v, all.n, 99), percentile(all.v, all.n, 99.9),
           all.n ? all.v[all.n - 1] : 0, behind_max * 1000.0, ntmpl, conns);

    for (int i = 0; i < MAX_INFLIGHT; i++) {
        curl_multi_remove_handle(multi, slots[i].h);
        curl_easy_cleanup(slots[i].h);
        free(slots[i].body);
        free(slots[i].resp);
    }
    curl_multi_cleanup(multi);
    curl_slist_free_all(hdrs);
    curl_global_cleanup();
    for (int i = 0; i < ntmpl; i++) {
        free(tmpls[i].path);
        free(tmpls[i].body);
        free(urls[i]);
    }
    free(urls);
    free(all.v);
    return 0;
}
