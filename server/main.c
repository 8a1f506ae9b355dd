/* main.c -- the lakeward process: flags, configuration, wiring the modules together, the
 * listeners, and an orderly stop on SIGINT/SIGTERM. The same executable also runs as the SQL
 * process (the internal --pg-sql-process option, set by pg_supervisor.c): the Postgres face
 * is a separate, supervised process tree (docs/architecture-process.md). */
#include "../authz/authz_access_sql.h"
#include "../authz/authz_decision_log.h"
#include "../authz/authz_decision_sql.h"
#include "../catalog/perm_tables.h"
#include "../authz/authz_decision_store_sql.h"
#include "../authz/decision_store.h"
#include "../authz/authz_engine.h"
#include "../catalog/check_cache.h"
#include "../catalog/http_client.h"
#include "../catalog/lk_client.h"
#include "../sql/sql_catalog.h"
#include "config.h"
#include "core/lw_log.h"
#include "http_routes.h"
#include "http_server.h"
#include "http_workers.h"
#include "pg_auth.h"
#include "pg_catalog_cache.h"
#include "pg_debug_sql.h"
#include "pg_fga_mirror.h"
#include "pg_listener.h"
#include "pg_scram.h"
#include "pg_supervisor.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define LAKEWARD_VERSION "0.1.0"
#define SQL_PROCESS_NICE 10   /* see sql_process_main */

static void usage(FILE *out)
{
    fputs("usage: lakeward [options]\n"
          "\n"
          "Trino's authorizer for Lakekeeper (an OPA-compatible HTTP endpoint) and a\n"
          "Postgres-wire view of Lakekeeper's permissions.\n"
          "\n"
          "  --http-listen HOST:PORT  HTTP listener (default 0.0.0.0:8181, env LAKEWARD_HTTP_LISTEN)\n"
          "  --pg-listen HOST:PORT    Postgres-wire listener (default 127.0.0.1:5433, \"\" off;\n"
          "                           see docs/sql.md)\n"
          "  --config FILE            configuration file (libconfig syntax; see docs/authz.md)\n"
          "  --log-level LEVEL        error, warn, info or debug (default info)\n"
          "  --check-config           load and validate the configuration, then exit\n"
          "  --scram-verifier         read a password on stdin, print its SCRAM-SHA-256\n"
          "                           verifier for pg_users (docs/sql-clients.md, Logins)\n"
          "  --version                print the version and exit\n"
          "  --help                   this text\n"
          "\n"
          "Lakekeeper is configured with the OPA bridge's environment variables:\n"
          "LAKEKEEPER_URL, LAKEKEEPER_TOKEN_ENDPOINT, LAKEKEEPER_CLIENT_ID,\n"
          "LAKEKEEPER_CLIENT_SECRET, LAKEKEEPER_SCOPE, LAKEKEEPER_MAX_BATCH_CHECK_SIZE,\n"
          "TRINO_*_CATALOG_NAME / LAKEKEEPER_*_WAREHOUSE, TRINO_ALLOW_UNMANAGED_CATALOGS,\n"
          "TRINO_ADMIN_USERS.\n",
          out);
}

/* --scram-verifier: the password is read from stdin (one line) so it stays out of the
 * process list and the shell history. */
static int print_scram_verifier(void)
{
    char pw[1024], out[256];
    size_t n;
    if (!fgets(pw, sizeof pw, stdin)) {
        fprintf(stderr, "lakeward: --scram-verifier reads the password from stdin\n");
        return 2;
    }
    n = strlen(pw);
    while (n > 0 && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
        pw[--n] = '\0';
    if (n == 0 || pg_scram_make_verifier(pw, 4096, out, sizeof out) != 0) {
        fprintf(stderr, "lakeward: no verifier made (empty password?)\n");
        return 2;
    }
    memset(pw, 0, sizeof pw);
    printf("%s\n", out);
    return 0;
}

/* Everything the process builds from the configuration, freed in reverse order. */
struct app {
    struct lw_config cfg;
    struct check_cache *cache;
    struct lk_client **lk;
    int nlk;
    struct authz_catalog *catalogs;
    struct authz_rule *rules;
    struct authz_decision_log *log;
    struct decision_store *store;       /* NULL: no decision store configured */
    struct authz_engine *engine;
    struct http_workers *refresh;       /* the caches' refresh-ahead jobs */
    struct http_routes_ctx routes_ctx;
    struct http_route routes[HTTP_ROUTES_COUNT];
    struct http_server *http;
    struct pg_supervisor *pg;
    char **argv;                        /* repeated to the SQL process */
};

/* Every HTTP connection holds a descriptor: raise the soft limit as far as the hard one
 * allows, and say what we got, since the connection bounds cannot be held without it. */
static void raise_fd_limit(const struct lw_config *c)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)(c->http_max_connections + c->max_connections + 256);
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < want)
        LW_WARN("main", "fd_limit", "nofile=%llu wanted=%llu reason=\"hard limit below "
                "http_max_connections + max_connections + 256; excess connections fail\"",
                (unsigned long long)rl.rlim_cur, (unsigned long long)want);
    else
        LW_INFO("main", "fd_limit", "nofile=%llu wanted=%llu", (unsigned long long)rl.rlim_cur,
                (unsigned long long)want);
}

/* Refresh-ahead jobs run on their own small pool, so a refresh never takes a worker from a
 * Trino request that has to wait for Lakekeeper, and a burst of refreshes beyond its queue
 * is skipped rather than queued without bound. */
#define REFRESH_THREADS 4
#define REFRESH_QUEUE 1024

static int submit_refresh(void *ctx, void (*fn)(void *), void *arg)
{
    return http_workers_submit(ctx, fn, arg);
}

/* A Lakekeeper client's options for configured instance i (the authorizer's clients and the
 * SQL process's own are made alike). */
static struct lk_client_opts lk_opts_of(const struct lw_config *c, int i)
{
    const struct lw_lk_instance_cfg *ic = &c->instances[i];
    return (struct lk_client_opts){ic->id, ic->url, ic->token_endpoint, ic->client_id,
                                   ic->client_secret, ic->scope, ic->max_batch,
                                   c->upstream_timeout_ms, c->warehouse_cache_ttl_ms,
                                   c->warehouse_negative_ttl_ms, 64u << 20};
}

static int app_start(struct app *a, struct lw_err *err)
{
    const struct lw_config *c = &a->cfg;
    struct authz_engine_opts eo = {0};
    struct http_server_opts ho = {0};

    raise_fd_limit(c);
    if (http_client_global_init(err) != 0)
        return err->code;
    a->cache = check_cache_new((size_t)c->check_cache_max_entries,
                               (size_t)c->check_cache_max_bytes, "check");
    a->lk = lw_calloc((size_t)(c->ninstances ? c->ninstances : 1), sizeof *a->lk);
    a->catalogs = lw_calloc((size_t)(c->ncatalogs ? c->ncatalogs : 1), sizeof *a->catalogs);
    a->rules = lw_calloc((size_t)(c->nrules ? c->nrules : 1), sizeof *a->rules);
    if (!a->cache || !a->lk || !a->catalogs || !a->rules)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    if (c->cache_refresh_ahead_pct > 0) {
        if (!(a->refresh = http_workers_start(REFRESH_THREADS, REFRESH_QUEUE, "refresh", err)))
            return err->code;
        check_cache_set_refresh_ahead(a->cache, (int)c->cache_refresh_ahead_pct);
    }
    for (int i = 0; i < c->ninstances; i++) {
        const struct lw_lk_instance_cfg *ic = &c->instances[i];
        struct lk_client_opts o = lk_opts_of(c, i);
        if (!(a->lk[i] = lk_client_new(&o, a->cache, err)))
            return err->code;
        a->nlk++;
        LW_INFO("main", "lakekeeper_instance", "id=%s url=%s batch_size=%d", ic->id, ic->url,
                ic->max_batch);
    }
    if (c->ninstances == 0)
        LW_WARN("main", "no_lakekeeper", "reason=\"LAKEKEEPER_TOKEN_ENDPOINT, LAKEKEEPER_CLIENT_ID "
                "or LAKEKEEPER_CLIENT_SECRET unset and no instance in the config file; everything "
                "that needs Lakekeeper is denied\"");
    for (int i = 0; i < c->ncatalogs; i++) {
        a->catalogs[i].name = c->catalogs[i].name;
        a->catalogs[i].warehouse = c->catalogs[i].warehouse;
        for (int k = 0; k < a->nlk; k++)
            if (strcmp(c->instances[k].id, c->catalogs[i].lakekeeper_id) == 0)
                a->catalogs[i].lk = a->lk[k];
        if (!a->catalogs[i].lk && a->nlk > 0)
            LW_WARN("main", "catalog_without_instance", "catalog=%s lakekeeper_id=%s",
                    c->catalogs[i].name, c->catalogs[i].lakekeeper_id);
    }
    for (int i = 0; i < c->nrules; i++) {
        const struct lw_rule_cfg *r = &c->rules[i];
        a->rules[i] = (struct authz_rule){r->operation, r->catalog, r->schema, r->table,
                                          r->user, r->group, r->where};
    }
    if (!(a->log = authz_decision_log_new((int)c->decision_log_ring,
                                          (size_t)c->decision_log_max_bytes,
                                          c->decision_log_file, err)))
        return err->code;
    if (c->decision_store_dsn && *c->decision_store_dsn) {
        struct decision_store_opts so = {c->decision_store_dsn, NULL,
                                         (int)c->decision_store_queue,
                                         (int)c->decision_store_batch,
                                         (int)c->decision_store_retention_days};
        if (!(a->store = decision_store_start(&so, err)))
            return err->code;
        authz_decision_log_set_store(a->log, a->store);
    }
    eo.catalogs = a->catalogs;
    eo.ncatalogs = c->ncatalogs;
    eo.allow_unmanaged = c->allow_unmanaged;
    eo.admins = (const char *const *)c->admins;
    eo.nadmins = c->nadmins;
    eo.rules = a->rules;
    eo.nrules = c->nrules;
    eo.decision_ttl_ms = c->decision_cache_ttl_ms;
    eo.probe_ttl_ms = c->probe_cache_ttl_ms;
    eo.max_items = (int)c->max_filter_items;
    eo.deadline_ms = c->decision_deadline_ms;
    eo.decision_cache_max_bytes = (size_t)c->decision_cache_max_bytes;
    eo.log = a->log;
    eo.refresh_ahead_pct = a->refresh ? (int)c->cache_refresh_ahead_pct : 0;
    eo.submit = submit_refresh;
    eo.submit_ctx = a->refresh;
    if (!(a->engine = authz_engine_new(&eo, err)))
        return err->code;

    /* The Postgres-wire face runs in its own process tree (pg_supervisor.h), reading the
     * decision ring through shared memory. Started before HTTP so that once the process
     * answers HTTP, it answers Postgres clients too. */
    if (c->pg_listen && *c->pg_listen) {
        struct pg_supervisor_opts po = {c->pg_listen, a->argv, authz_decision_log_fd(a->log),
                                        SQL_PROCESS_NICE};
        if (!(a->pg = pg_supervisor_start(&po, err)))
            return err->code;
    }

    a->routes_ctx = (struct http_routes_ctx){a->engine, a->log, a->lk, a->nlk};
    ho.listen = c->http_listen;
    ho.routes = a->routes;
    ho.nroutes = http_routes_fill(a->routes, &a->routes_ctx);
    ho.max_body = (size_t)c->max_body_bytes;
    ho.max_response = 64u << 20;
    ho.max_connections = (unsigned)c->http_max_connections;
    ho.max_connections_per_ip = (unsigned)c->http_max_connections_per_ip;
    ho.idle_timeout_s = (unsigned)((c->http_idle_timeout_ms + 999) / 1000);
    ho.head_timeout_ms = (unsigned)c->http_head_timeout_ms;
    ho.body_timeout_ms = (unsigned)c->http_body_timeout_ms;
    ho.loop_threads = (unsigned)c->http_threads;
    ho.workers = (unsigned)c->http_workers;
    ho.worker_queue = (unsigned)c->http_queue;
    ho.tls_cert_file = c->tls_cert_file;
    ho.tls_key_file = c->tls_key_file;
    ho.name = "http";
    if (!(a->http = http_server_start(&ho, err)))
        return err->code;
    return 0;
}

static void app_stop(struct app *a)
{
    pg_supervisor_stop(a->pg);
    http_server_stop(a->http);
    if (a->engine)
        authz_engine_stop_refreshes(a->engine);
    http_workers_free(a->refresh);      /* drains the queue (dropped jobs): they use the engine */
    authz_engine_free(a->engine);
    if (a->log)
        authz_decision_log_set_store(a->log, NULL);
    decision_store_stop(a->store);      /* after every decision thread: a last flush */
    authz_decision_log_free(a->log);
    for (int i = 0; i < a->nlk; i++)
        lk_client_free(a->lk[i]);
    lw_free(a->lk);
    lw_free(a->catalogs);
    lw_free(a->rules);
    check_cache_free(a->cache);
    http_client_global_cleanup();
    lw_config_free(&a->cfg);
}

/* The SQL process's own clients of the configured Lakekeeper instances, for the tables that
 * read Lakekeeper: same instances and credentials as the authorizer's, but their own token,
 * warehouse cache and a small check cache, so nothing is shared with the main process. */
static int perm_world_open_lakekeeper(struct perm_world *w, const struct lw_config *c,
                                      struct lw_err *err)
{
    if (c->ninstances == 0)
        return 0;
    if (!(w->lk_cache = check_cache_new(4096, 4u << 20, "sql_check")) ||
        !(w->lk = lw_calloc((size_t)c->ninstances, sizeof *w->lk)))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    for (int i = 0; i < c->ninstances; i++) {
        struct lk_client_opts o = lk_opts_of(c, i);
        if (!(w->lk[i] = lk_client_new(&o, w->lk_cache, err)))
            return err->code;
        w->nlk++;
    }
    struct perm_catalog_opts co = {.ttl_ms = c->catalog_cache_ttl_ms,
                                   .max_objects = (size_t)c->catalog_max_objects,
                                   .concurrency = (int)c->catalog_concurrency,
                                   .fga_store_id = c->openfga_store_id,
                                   .fga_model_id = c->openfga_model_id};
    if (!(w->catalog = perm_catalog_new(w->lk, w->nlk, &co)) ||
        !(w->principal_names = perm_principal_names_new(w->lk, w->nlk,
                                                        c->catalog_cache_ttl_ms)))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    return 0;
}

static void perm_world_close_lakekeeper(struct perm_world *w)
{
    perm_catalog_free(w->catalog);
    perm_principal_names_free(w->principal_names);
    for (int i = 0; i < w->nlk; i++)
        lk_client_free(w->lk[i]);
    lw_free(w->lk);
    check_cache_free(w->lk_cache);
}

/* The OpenFGA mirror process (server/pg_fga_mirror.h), forked before any backend so every
 * backend inherits the snapshot, and the configuration without secrets for
 * lakeward.lakeward_state. No OpenFGA configured: no mirror, and the grants tables are not
 * registered. */
static void collect_setting(void *arg, const char *name, const char *value)
{
    struct perm_world *w = arg;
    char **v = lw_realloc(w->settings, (w->nsettings + 1) * 2 * sizeof *v);
    if (!v)
        return;
    w->settings = v;
    v[2 * w->nsettings] = lw_strdup(name);
    v[2 * w->nsettings + 1] = lw_strdup(value);
    if (!v[2 * w->nsettings] || !v[2 * w->nsettings + 1]) {
        lw_free(v[2 * w->nsettings]);
        lw_free(v[2 * w->nsettings + 1]);
        return;
    }
    w->nsettings++;
}

static int perm_world_start_mirror(struct perm_world *w, const struct lw_config *c,
                                   struct pg_shared_stats *stats, int listen_fd,
                                   struct pg_fga_mirror **mirror, struct lw_err *err)
{
    lw_config_each(c, collect_setting, w);
    if (!w->with_fga)
        return 0;
    struct pg_fga_mirror_opts o = {
        .fga = w->fga.fga,
        .bounds = {(size_t)c->fga_mirror_max_tuples, (size_t)c->fga_mirror_max_bytes,
                   (size_t)c->fga_mirror_max_changes},
        .interval_ms = c->fga_mirror_interval_ms,
        .close_fd = listen_fd,
        .stats = stats,
    };
    /* Each request of a sync is bounded like the authorizer's upstream calls, so an OpenFGA
     * that stops answering shows as the mirror's error within that time. */
    o.fga.timeout_ms = c->upstream_timeout_ms;
    if (!(*mirror = pg_fga_mirror_start(&o, err)))
        return err->code;
    w->fga_snap = pg_fga_mirror_snapshot(*mirror);
    return 0;
}

/* The catalog process (server/pg_catalog_cache.h), forked like the mirror before any
 * backend: every backend's catalog then reads its shared snapshot instead of Lakekeeper. */
static int perm_world_start_catalog(struct perm_world *w, const struct lw_config *c,
                                    struct pg_shared_stats *stats, int listen_fd,
                                    struct pg_catalog_cache **cache, struct lw_err *err)
{
    if (!w->catalog)
        return 0;
    struct pg_catalog_cache_opts o = {
        .lk = w->lk,
        .nlk = w->nlk,
        .catalog = *perm_catalog_options(w->catalog),
        .max_bytes = (size_t)c->catalog_max_bytes,
        /* No deadline for a whole load: a 10,000-table catalog takes minutes against a busy
         * Lakekeeper; each call is bounded by upstream_timeout_ms, their number by the
         * object bound, and the last catalog is served meanwhile. */
        .load_timeout_ms = 0,
        .close_fd = listen_fd,
        .stats = stats,
        /* At most a minute: a mirror that neither loads nor fails by then (a huge store, a
         * slow OpenFGA) does not hold the catalog back longer. */
        .mirror = w->fga_snap,
        .mirror_wait_ms = 60000,
    };
    if (!(*cache = pg_catalog_cache_start(&o, err)))
        return err->code;
    perm_catalog_attach_snapshot(w->catalog, pg_catalog_cache_snapshot(*cache));
    return 0;
}

static void perm_world_free_settings(struct perm_world *w)
{
    for (size_t i = 0; i < 2 * w->nsettings; i++)
        lw_free(w->settings[i]);
    lw_free(w->settings);
}

/* The SQL process: the tables over the shared decision ring (and the catalogs), then the
 * postmaster loop until main goes away or stops it. Returns the exit status. */
static int sql_process_main(const struct lw_config *c, const struct pg_auth *auth,
                            const char *fdspec)
{
    struct pg_listener_opts po = {0};
    struct authz_decision_log *ring = NULL;
    struct pg_shared_stats *stats = NULL;
    struct sql_tables *tables = NULL;
    struct sql_catalog *catalog = NULL;
    struct pg_fga_mirror *mirror = NULL;
    struct pg_catalog_cache *cat_cache = NULL;
    struct pg_helper_set helpers = {0};
    struct lw_err err = {0};
    int fds[4], rc = 1;
    /* With a decision store, lakeward.decisions is every replica's, read from PostgreSQL;
     * without one, this replica's in-memory ring. */
    struct authz_decision_store_sql store_sql = {c->decision_store_dsn,
                                                 c->decision_store_timeout_ms};
    bool from_store = c->decision_store_dsn && *c->decision_store_dsn;
    /* lakeward.access_history reads the same source (its ring is set once attached). */
    struct authz_access_sql access = {NULL, from_store ? &store_sql : NULL};
    /* The permission world's tables read these peers (catalog/perm_tables.h). */
    struct perm_world perm = {
        .fga = {.fga = {.url = c->openfga_url, .store_id = c->openfga_store_id,
                        .model_id = c->openfga_model_id, .api_token = c->openfga_api_token,
                        /* at least 10 s: a whole-store Read page or a BatchCheck of 50
                         * can take seconds on a busy OpenFGA */
                        .timeout_ms = c->upstream_timeout_ms > 10000 ? c->upstream_timeout_ms
                                                                     : 10000,
                        .page_size = 100}},
        .with_fga = c->openfga_url && *c->openfga_url && c->openfga_store_id &&
                    *c->openfga_store_id,
        .concurrency = (int)c->catalog_concurrency};

    if (pg_supervisor_child_fds(fdspec, fds) != 0) {
        fprintf(stderr, "lakeward: --" PG_SUPERVISOR_OPTION " is internal\n");
        return 2;
    }
    if (perm_world_open_lakekeeper(&perm, c, &err) != 0) {
        LW_ERROR("pg", "sql_process_start_failed", "reason=\"%s\"", err.msg);
        goto out;
    }
    /* The SQL side yields the CPU to the authorizer: its processes (and the backends they
     * fork, which inherit the value) run at a lower priority, so statements that burn CPU
     * can slow other SQL sessions but take only a small share of a core Trino's decisions
     * also need (nice 10 weighs about a tenth of nice 0 in Linux's scheduler). The
     * supervisor already lowered it between fork and exec; this says so if that failed. */
    if (getpriority(PRIO_PROCESS, 0) < SQL_PROCESS_NICE &&
        setpriority(PRIO_PROCESS, 0, SQL_PROCESS_NICE) != 0)
        LW_WARN("pg", "sql_process_nice_failed", "errno=%d", errno);
    if (!(ring = authz_decision_log_attach(fds[1], &err)) ||
        !(stats = pg_supervisor_attach_stats(fds[2])) ||
        perm_world_start_mirror(&perm, c, stats, fds[0], &mirror, &err) != 0 ||
        perm_world_start_catalog(&perm, c, stats, fds[0], &cat_cache, &err) != 0 ||
        !(tables = sql_tables_new()) ||
        sql_tables_add(tables, "lakeward", "decisions",
                       from_store ? &authz_decision_store_sql_module : &authz_decision_sql_module,
                       from_store ? (void *)&store_sql : (void *)ring, &err) != 0 ||
        !(access.ring = ring) ||
        sql_tables_add(tables, "lakeward", "access_history", &authz_access_sql_module, &access,
                       &err) != 0 ||
        perm_tables_register(tables, &perm, &err) != 0 ||
#ifdef LW_DEBUG_BUILD
        /* Only on request, so that the catalogs of other debug-build runs are the product's. */
        (getenv("LAKEWARD_DEBUG_CRASH") &&
         sql_tables_add(tables, "lakeward", "debug_crash", &pg_debug_crash_module, NULL,
                        &err) != 0) ||
#endif
        !(catalog = sql_catalog_register(tables, &err))) {
        LW_ERROR("pg", "sql_process_start_failed", "reason=\"%s\"",
                 err.msg[0] ? err.msg : "out of memory");
        goto out;
    }
    po.listen_fd = fds[0];
    po.alive_fd = fds[3];
    po.max_connections = (unsigned)c->max_connections;
    po.max_per_address = (unsigned)c->pg_max_connections_per_ip;
    po.startup_timeout_ms = (int)c->pg_startup_timeout_ms;
    po.idle_timeout_ms = (int)c->pg_idle_timeout_ms;
    po.statement_timeout_ms = c->pg_statement_timeout_ms;
    po.backend_max_memory = c->pg_backend_max_memory;
    po.memory_budget = c->pg_memory_budget;
    po.tables = tables;
    po.auth = auth;
    po.stats = stats;
    po.lakeward_version = LAKEWARD_VERSION;
    /* The helper processes, restarted by one hook when they die (pg_helper.h). */
    helpers = (struct pg_helper_set){{pg_fga_mirror_helper(mirror),
                                      pg_catalog_cache_helper(cat_cache)}, 2};
    po.child_exited = pg_helper_child_exited;
    po.child_arg = &helpers;
    rc = pg_listener_run(&po);
out:
    pg_fga_mirror_stop(mirror);
    pg_catalog_cache_stop(cat_cache);
    perm_world_free_settings(&perm);
    sql_tables_free(tables);
    sql_catalog_free(catalog);
    perm_world_close_lakekeeper(&perm);
    pg_supervisor_detach_stats(stats);
    authz_decision_log_free(ring);
    for (int i = 0; i < 4; i++)
        close(fds[i]);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"http-listen", required_argument, NULL, 'h'}, {"pg-listen", required_argument, NULL, 'p'},
        {"config", required_argument, NULL, 'c'},      {"log-level", required_argument, NULL, 'l'},
        {"check-config", no_argument, NULL, 'C'},      {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, '?' + 256},
        {PG_SUPERVISOR_OPTION, required_argument, NULL, 'S'},
        {"scram-verifier", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    const char *sql_process = NULL, *config_path = NULL, *http_listen = NULL, *pg_listen = NULL, *log_level = NULL;
    bool check_only = false;
    struct pg_auth *auth = NULL;
    struct app a;
    struct lw_err err = {0};
    char host[256];
    int port, opt, lvl, sig;
    sigset_t stop;

    memset(&a, 0, sizeof a);
    lw_alloc_install_json();
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'h': http_listen = optarg; break;
        case 'p': pg_listen = optarg; break;
        case 'c': config_path = optarg; break;
        case 'l': log_level = optarg; break;
        case 'C': check_only = true; break;
        case 'S': sql_process = optarg; break;
        case 'v': return print_scram_verifier();
        case 'V': printf("lakeward %s\n", LAKEWARD_VERSION); return 0;
        case '?' + 256: usage(stdout); return 0;
        default:
            fprintf(stderr, "lakeward: unknown or incomplete option '%s' (see --help)\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "lakeward: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }
    if (http_listen && lw_parse_hostport(http_listen, host, sizeof host, &port) != 0) {
        fprintf(stderr, "lakeward: --http-listen '%s' is not HOST:PORT\n", http_listen);
        return 2;
    }
    if (pg_listen && *pg_listen && lw_parse_hostport(pg_listen, host, sizeof host, &port) != 0) {
        fprintf(stderr, "lakeward: --pg-listen '%s' is not HOST:PORT\n", pg_listen);
        return 2;
    }
    if (lw_config_load(&a.cfg, config_path, &err) != 0) {
        fprintf(stderr, "lakeward: %s\n", err.msg);
        lw_config_free(&a.cfg);
        return 2;
    }
    if (http_listen) {
        lw_free(a.cfg.http_listen);
        a.cfg.http_listen = lw_strdup(http_listen);
    }
    if (pg_listen) {
        lw_free(a.cfg.pg_listen);
        a.cfg.pg_listen = lw_strdup(pg_listen);
    }
    if (log_level) {
        lw_free(a.cfg.log_level);
        a.cfg.log_level = lw_strdup(log_level);
    }
    if (lw_config_validate(&a.cfg, &err) != 0 || lw_log_parse_level(a.cfg.log_level, &lvl) != 0 ||
        lw_log_open(a.cfg.log_file, &err) != 0) {
        fprintf(stderr, "lakeward: %s\n", err.msg[0] ? err.msg : "invalid log level");
        lw_config_free(&a.cfg);
        return 2;
    }
    lw_log_level = lvl;
    /* The Postgres face's TLS files and login rules are checked here, so a wrong one stops
     * the start (and --check-config) instead of every login; the SQL process keeps them. */
    /* The SQL process calls out for logins (auth->needs_http) and for the permission tables
     * (OpenFGA, Lakekeeper). */
    bool sql_http = (a.cfg.openfga_url && *a.cfg.openfga_url) || a.cfg.ninstances > 0;
    if (!(auth = pg_auth_new(&a.cfg, &err)) ||
        (sql_process && (sql_http = sql_http || auth->needs_http) &&
         http_client_global_init(&err) != 0)) {
        fprintf(stderr, "lakeward: %s\n", err.msg);
        pg_auth_free(auth);
        lw_config_free(&a.cfg);
        return 2;
    }
    if (sql_process) {
        int rc = sql_process_main(&a.cfg, auth, sql_process);
        if (sql_http)
            http_client_global_cleanup();
        pg_auth_free(auth);
        lw_config_free(&a.cfg);
        return rc;
    }
    pg_auth_free(auth);
    if (check_only) {
        printf("lakeward: configuration OK (%d Lakekeeper instance(s), %d catalog(s), %d rule(s))\n",
               a.cfg.ninstances, a.cfg.ncatalogs, a.cfg.nrules);
        lw_config_free(&a.cfg);
        return 0;
    }

    /* Block the stop signals before any thread starts so only sigwait below sees them. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    a.argv = argv;
    if (app_start(&a, &err) != 0) {
        fprintf(stderr, "lakeward: %s\n", err.msg);
        LW_ERROR("main", "start_failed", "reason=\"%s\"", err.msg);
        app_stop(&a);
        return 1;
    }
    LW_INFO("main", "started", "version=%s http=%s port=%d pg_port=%d", LAKEWARD_VERSION,
            a.cfg.http_listen, http_server_port(a.http), a.pg ? pg_supervisor_port(a.pg) : 0);
    sigwait(&stop, &sig);
    LW_INFO("main", "stopping", "signal=%d", sig);
    app_stop(&a);
    return 0;
}
