/* lw_sample.c -- sequential latency sampler for the benchmarks (not a load generator).
 * Sends POST requests one at a time, each target over its own kept-alive libcurl
 * connection, alternating between targets request by request so that drift in the
 * machine's state affects every target alike, and prints per-target latency statistics.
 *
 *   lw_sample [-n SAMPLES] [-w WARMUP] [-b LASTBODY_FILE]
 *             -t NAME URL BODY_FILE [-H 'Header: value']...  [-t ...]
 *
 * Output, one line per target:
 *   NAME n=500 ok=500 min_us=.. p50_us=.. p90_us=.. p99_us=.. max_us=.. mean_us=.. resp_bytes=..
 * With two targets a line "diff n=.. p10_us=.. p50_us=.. p90_us=.. mean_us=.." comes first: the
 * paired differences first target minus second (may be negative).
 * "ok" counts HTTP 200 answers; nothing here judges speed. -b writes the last response body
 * of the first target (for checking what was measured). */
#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TARGETS 8
#define MAX_HEADERS 8

struct target {
    const char *name, *url;
    char *body;
    long body_len;
    struct curl_slist *headers;
    CURL *h;
    double *lat_us;
    int ok;
    char *resp;
    size_t resp_len, resp_cap;
};

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
    struct target *t = ud;
    size_t len = sz * n;
    if (t->resp_len + len + 1 > t->resp_cap) {
        size_t cap = (t->resp_len + len + 1) * 2;
        char *r = realloc(t->resp, cap);
        if (!r)
            return 0;
        t->resp = r;
        t->resp_cap = cap;
    }
    memcpy(t->resp + t->resp_len, p, len);
    t->resp_len += len;
    t->resp[t->resp_len] = 0;
    return len;
}

static char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    char *b;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc((size_t)*len + 1);
    if (!b || fread(b, 1, (size_t)*len, f) != (size_t)*len) {
        fclose(f);
        free(b);
        return NULL;
    }
    b[*len] = 0;
    fclose(f);
    return b;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static double pct(const double *v, int n, double p)
{
    int k = (int)((p / 100.0) * n + 0.999999) - 1;
    if (k < 0)
        k = 0;
    if (k >= n)
        k = n - 1;
    return v[k];
}

static int one(struct target *t, double *us)
{
    long status = 0;
    double t0;
    t->resp_len = 0;
    t0 = now_us();
    CURLcode rc = curl_easy_perform(t->h);
    *us = now_us() - t0;
    if (rc != CURLE_OK) {
        fprintf(stderr, "lw_sample: %s: %s\n", t->name, curl_easy_strerror(rc));
        return 0;
    }
    curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &status);
    return status == 200;
}

int main(int argc, char **argv)
{
    struct target tg[MAX_TARGETS];
    int nt = 0, n = 500, warm = 20;
    const char *last_body = NULL;

    memset(tg, 0, sizeof tg);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) {
            n = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "-w") && i + 1 < argc) {
            warm = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "-b") && i + 1 < argc) {
            last_body = argv[++i];
        } else if (!strcmp(argv[i], "-t") && i + 3 < argc && nt < MAX_TARGETS) {
            struct target *t = &tg[nt++];
            t->name = argv[++i];
            t->url = argv[++i];
            if (!(t->body = slurp(argv[++i], &t->body_len))) {
                fprintf(stderr, "lw_sample: cannot read %s\n", argv[i]);
                return 2;
            }
            t->headers = curl_slist_append(NULL, "Content-Type: application/json");
        } else if (!strcmp(argv[i], "-H") && i + 1 < argc && nt > 0) {
            tg[nt - 1].headers = curl_slist_append(tg[nt - 1].headers, argv[++i]);
        } else {
            fprintf(stderr, "usage: lw_sample [-n N] [-w W] [-b FILE] -t NAME URL BODY [-H H]... [-t ...]\n");
            return 2;
        }
    }
    if (nt == 0 || n < 1 || warm < 0) {
        fprintf(stderr, "lw_sample: need at least one -t target and -n >= 1\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    for (int k = 0; k < nt; k++) {
        struct target *t = &tg[k];
        t->lat_us = calloc((size_t)n, sizeof *t->lat_us);
        t->h = curl_easy_init();
        if (!t->lat_us || !t->h)
            return 1;
        curl_easy_setopt(t->h, CURLOPT_URL, t->url);
        curl_easy_setopt(t->h, CURLOPT_POST, 1L);
        curl_easy_setopt(t->h, CURLOPT_POSTFIELDS, t->body);
        curl_easy_setopt(t->h, CURLOPT_POSTFIELDSIZE, t->body_len);
        curl_easy_setopt(t->h, CURLOPT_HTTPHEADER, t->headers);
        curl_easy_setopt(t->h, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(t->h, CURLOPT_WRITEDATA, t);
        curl_easy_setopt(t->h, CURLOPT_TIMEOUT_MS, 120000L);
        curl_easy_setopt(t->h, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(t->h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
        curl_easy_setopt(t->h, CURLOPT_NOSIGNAL, 1L);
        /* Large bodies: no "Expect: 100-continue" round trip. */
        t->headers = curl_slist_append(t->headers, "Expect:");
        curl_easy_setopt(t->h, CURLOPT_HTTPHEADER, t->headers);
    }
    for (int i = 0; i < warm; i++)
        for (int k = 0; k < nt; k++) {
            double us;
            (void)one(&tg[k], &us);
        }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < nt; k++) {
            struct target *t = &tg[k];
            t->ok += one(t, &t->lat_us[i]);
        }
    /* Two targets: the paired differences (first minus second, request i of each were sent
     * back to back), whose median is less sensitive to slow drifts than a difference of
     * medians. */
    if (nt == 2) {
        double *d = calloc((size_t)n, sizeof *d), sum = 0;
        if (!d)
            return 1;
        for (int i = 0; i < n; i++) {
            d[i] = tg[0].lat_us[i] - tg[1].lat_us[i];
            sum += d[i];
        }
        qsort(d, (size_t)n, sizeof *d, cmp_d);
        printf("diff n=%d p10_us=%.0f p50_us=%.0f p90_us=%.0f mean_us=%.0f\n", n, pct(d, n, 10),
               pct(d, n, 50), pct(d, n, 90), sum / n);
        free(d);
    }
    for (int k = 0; k < nt; k++) {
        struct target *t = &tg[k];
        double sum = 0;
        qsort(t->lat_us, (size_t)n, sizeof *t->lat_us, cmp_d);
        for (int i = 0; i < n; i++)
            sum += t->lat_us[i];
        printf("%s n=%d ok=%d min_us=%.0f p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f "
               "mean_us=%.0f resp_bytes=%zu\n",
               t->name, n, t->ok, t->lat_us[0], pct(t->lat_us, n, 50), pct(t->lat_us, n, 90),
               pct(t->lat_us, n, 99), t->lat_us[n - 1], sum / n, t->resp_len);
    }
    if (last_body && tg[0].resp) {
        FILE *f = fopen(last_body, "wb");
        if (f) {
            fwrite(tg[0].resp, 1, tg[0].resp_len, f);
            fclose(f);
        }
    }
    for (int k = 0; k < nt; k++) {
        curl_easy_cleanup(tg[k].h);
        curl_slist_free_all(tg[k].headers);
        free(tg[k].body);
        free(tg[k].lat_us);
        free(tg[k].resp);
    }
    curl_global_cleanup();
    return 0;
}
