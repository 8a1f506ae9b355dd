/* config.c -- loading lw_config from the environment and a libconfig file (config.h).
 *
 * Environment first, exactly as the bridge reads it (opa-bridge-spec.md §2): one instance
 * "default" when LAKEKEEPER_TOKEN_ENDPOINT, _CLIENT_ID and _CLIENT_SECRET are all set, and
 * the four predefined catalog mappings. A file's `lakekeeper` / `catalogs` / `rules` lists
 * replace the env-derived lists of the same name when present. */
#include "config.h"

#include "core/lw_log.h"

#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_str(char **dst, const char *v)
{
    char *n = lw_strdup(v);
    lw_free(*dst);
    *dst = n;
}

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v ? v : def;
}

static int env_i64(const char *name, int64_t min, int64_t max, int64_t *out, struct lw_err *err)
{
    const char *v = getenv(name);
    if (!v)
        return 0;
    if (lw_parse_i64(v, min, max, out) != 0)
        return lw_err_set(err, LW_ECONFIG, "environment variable %s='%s' is not an integer in [%lld, %lld]",
                          name, v, (long long)min, (long long)max);
    return 0;
}

static void free_instance(struct lw_lk_instance_cfg *i)
{
    lw_free(i->id);
    lw_free(i->url);
    lw_free(i->token_endpoint);
    lw_free(i->client_id);
    lw_free(i->client_secret);
    lw_free(i->scope);
}

static void free_catalog(struct lw_catalog_cfg *c)
{
    lw_free(c->name);
    lw_free(c->lakekeeper_id);
    lw_free(c->warehouse);
}

static void free_rule(struct lw_rule_cfg *r)
{
    lw_free(r->operation);
    lw_free(r->catalog);
    lw_free(r->schema);
    lw_free(r->table);
    lw_free(r->user);
    lw_free(r->group);
}

static void free_lists(struct lw_config *cfg, bool inst, bool cats, bool rules, bool admins)
{
    if (inst) {
        for (int i = 0; i < cfg->ninstances; i++)
            free_instance(&cfg->instances[i]);
        lw_free(cfg->instances);
        cfg->instances = NULL;
        cfg->ninstances = 0;
    }
    if (cats) {
        for (int i = 0; i < cfg->ncatalogs; i++)
            free_catalog(&cfg->catalogs[i]);
        lw_free(cfg->catalogs);
        cfg->catalogs = NULL;
        cfg->ncatalogs = 0;
    }
    if (rules) {
        for (int i = 0; i < cfg->nrules; i++)
            free_rule(&cfg->rules[i]);
        lw_free(cfg->rules);
        cfg->rules = NULL;
        cfg->nrules = 0;
    }
    if (admins) {
        for (int i = 0; i < cfg->nadmins; i++)
            lw_free(cfg->admins[i]);
        lw_free(cfg->admins);
        cfg->admins = NULL;
        cfg->nadmins = 0;
    }
}

static void str_list_free(struct lw_str_list *l)
{
    for (int i = 0; i < l->n; i++)
        lw_free(l->v[i]);
    lw_free(l->v);
    l->v = NULL;
    l->n = 0;
}

static int str_list_add(struct lw_str_list *l, const char *s, size_t len)
{
    char **n = lw_realloc(l->v, sizeof *n * (size_t)(l->n + 1));
    if (!n)
        return LW_ENOMEM;
    l->v = n;
    if (!(l->v[l->n] = lw_strndup(s, len)))
        return LW_ENOMEM;
    l->n++;
    return 0;
}

/* Splits v on sep, trims blanks, drops empty items. */
static int str_list_split(struct lw_str_list *l, const char *v, char sep)
{
    str_list_free(l);
    for (const char *p = v; p && *p;) {
        const char *cut = strchr(p, sep), *end = cut ? cut : p + strlen(p), *b = p, *e = end;
        while (b < e && strchr(" \t\r\n", *b))
            b++;
        while (e > b && strchr(" \t\r\n", e[-1]))
            e--;
        if (e > b && str_list_add(l, b, (size_t)(e - b)) != 0)
            return LW_ENOMEM;
        p = cut ? cut + 1 : NULL;
    }
    return 0;
}

void lw_config_free(struct lw_config *cfg)
{
    free_lists(cfg, true, true, true, true);
    str_list_free(&cfg->pg_hba);
    str_list_free(&cfg->pg_users);
    str_list_free(&cfg->pg_admins);
    lw_free(cfg->pg_tls_cert);
    lw_free(cfg->pg_tls_key);
    lw_free(cfg->pg_token_endpoint);
    lw_free(cfg->pg_oidc_issuer);
    lw_free(cfg->pg_oidc_audience);
    lw_free(cfg->openfga_url);
    lw_free(cfg->openfga_store_id);
    lw_free(cfg->openfga_model_id);
    lw_free(cfg->openfga_api_token);
    lw_free(cfg->http_listen);
    lw_free(cfg->pg_listen);
    lw_free(cfg->log_level);
    lw_free(cfg->log_file);
    lw_free(cfg->tls_cert_file);
    lw_free(cfg->tls_key_file);
    lw_free(cfg->decision_log_file);
    lw_free(cfg->decision_store_dsn);
    memset(cfg, 0, sizeof *cfg);
}

/* TRINO_ADMIN_USERS: split on ',', trim, drop empties (§2.4). */
static int parse_admins(struct lw_config *cfg, const char *v)
{
    const char *p = v;
    free_lists(cfg, false, false, false, true);
    while (p && *p) {
        const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
        const char *b = p, *e = end;
        while (b < e && (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r'))
            b++;
        while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
            e--;
        if (e > b) {
            char **n = lw_realloc(cfg->admins, sizeof *n * (size_t)(cfg->nadmins + 1));
            if (!n)
                return LW_ENOMEM;
            cfg->admins = n;
            if (!(cfg->admins[cfg->nadmins] = lw_strndup(b, (size_t)(e - b))))
                return LW_ENOMEM;
            cfg->nadmins++;
        }
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

static int add_catalog(struct lw_config *cfg, const char *name, const char *lk, const char *wh,
                       const char *where)
{
    struct lw_catalog_cfg *n = lw_realloc(cfg->catalogs, sizeof *n * (size_t)(cfg->ncatalogs + 1));
    if (!n)
        return LW_ENOMEM;
    cfg->catalogs = n;
    n = &cfg->catalogs[cfg->ncatalogs++];
    memset(n, 0, sizeof *n);
    n->name = lw_strdup(name);
    n->lakekeeper_id = lw_strdup(lk);
    n->warehouse = lw_strdup(wh);
    snprintf(n->where, sizeof n->where, "%s", where);
    return n->name && n->lakekeeper_id && n->warehouse ? 0 : LW_ENOMEM;
}

/* The decision engine's and the HTTP layer's numeric bounds: one row per setting, read the
 * same way from the environment and the config file. */
static const struct engine_bound {
    const char *env, *file;
    size_t offset;
    int64_t def, min, max;
} engine_bounds[] = {
    {"LAKEWARD_DECISION_DEADLINE_MS", "decision_deadline_ms",
     offsetof(struct lw_config, decision_deadline_ms), 8000, 1, 600000},
    {"LAKEWARD_DECISION_CACHE_MAX_BYTES", "decision_cache_max_bytes",
     offsetof(struct lw_config, decision_cache_max_bytes), 64 << 20, 1 << 20, 1LL << 40},
    {"LAKEWARD_CACHE_REFRESH_AHEAD_PCT", "cache_refresh_ahead_pct",
     offsetof(struct lw_config, cache_refresh_ahead_pct), 20, 0, 90},
    {"LAKEWARD_CHECK_CACHE_MAX_BYTES", "check_cache_max_bytes",
     offsetof(struct lw_config, check_cache_max_bytes), 64 << 20, 1 << 20, 1LL << 40},
    {"LAKEWARD_DECISION_LOG_MAX_BYTES", "decision_log_max_bytes",
     offsetof(struct lw_config, decision_log_max_bytes), 64 << 20, 1 << 20, 1LL << 40},
    /* HTTP layer (server/http_server.h, docs/http.md). */
    {"LAKEWARD_HTTP_MAX_CONNECTIONS", "http_max_connections",
     offsetof(struct lw_config, http_max_connections), 10000, 1, 1000000},
    {"LAKEWARD_HTTP_MAX_CONNECTIONS_PER_IP", "http_max_connections_per_ip",
     offsetof(struct lw_config, http_max_connections_per_ip), 1024, 0, 1000000},
    {"LAKEWARD_HTTP_HEAD_TIMEOUT_MS", "http_head_timeout_ms",
     offsetof(struct lw_config, http_head_timeout_ms), 10000, 100, 600000},
    {"LAKEWARD_HTTP_BODY_TIMEOUT_MS", "http_body_timeout_ms",
     offsetof(struct lw_config, http_body_timeout_ms), 30000, 100, 3600000},
    {"LAKEWARD_HTTP_IDLE_TIMEOUT_MS", "http_idle_timeout_ms",
     offsetof(struct lw_config, http_idle_timeout_ms), 120000, 1000, 86400000},
    {"LAKEWARD_HTTP_THREADS", "http_threads", offsetof(struct lw_config, http_threads), 0, 0, 64},
    {"LAKEWARD_HTTP_WORKERS", "http_workers", offsetof(struct lw_config, http_workers), 64, 1,
     4096},
    {"LAKEWARD_HTTP_QUEUE", "http_queue", offsetof(struct lw_config, http_queue), 1024, 1,
     1000000},
    /* Postgres-wire face (server/pg_listener.h, docs/sql.md). */
    {"LAKEWARD_PG_STARTUP_TIMEOUT_MS", "pg_startup_timeout_ms",
     offsetof(struct lw_config, pg_startup_timeout_ms), 10000, 100, 600000},
    {"LAKEWARD_PG_IDLE_TIMEOUT_MS", "pg_idle_timeout_ms",
     offsetof(struct lw_config, pg_idle_timeout_ms), 600000, 1000, 86400000},
    {"LAKEWARD_PG_STATEMENT_TIMEOUT_MS", "pg_statement_timeout_ms",
     offsetof(struct lw_config, pg_statement_timeout_ms), 300000, 0, 86400000},
    {"LAKEWARD_PG_MAX_CONNECTIONS_PER_IP", "pg_max_connections_per_ip",
     offsetof(struct lw_config, pg_max_connections_per_ip), 32, 0, 100000},
    {"LAKEWARD_PG_BACKEND_MAX_MEMORY", "pg_backend_max_memory",
     offsetof(struct lw_config, pg_backend_max_memory), 512LL << 20, 64LL << 20, 1LL << 40},
    {"LAKEWARD_PG_MEMORY_BUDGET", "pg_memory_budget",
     offsetof(struct lw_config, pg_memory_budget), 32LL << 30, 64LL << 20, 1LL << 50},
    /* Decision store (authz/decision_store.h). */
    {"LAKEWARD_DECISION_STORE_QUEUE", "decision_store_queue",
     offsetof(struct lw_config, decision_store_queue), 100000, 1, 10000000},
    {"LAKEWARD_DECISION_STORE_BATCH", "decision_store_batch",
     offsetof(struct lw_config, decision_store_batch), 1000, 1, 100000},
    {"LAKEWARD_DECISION_STORE_RETENTION_DAYS", "decision_store_retention_days",
     offsetof(struct lw_config, decision_store_retention_days), 7, 0, 36500},
    {"LAKEWARD_DECISION_STORE_TIMEOUT_MS", "decision_store_timeout_ms",
     offsetof(struct lw_config, decision_store_timeout_ms), 30000, 100, 3600000},
    /* The OpenFGA mirror of the SQL side (server/pg_fga_mirror.h, docs/sql-tables.md). */
    {"LAKEWARD_FGA_MIRROR_INTERVAL_MS", "fga_mirror_interval_ms",
     offsetof(struct lw_config, fga_mirror_interval_ms), 1000, 100, 3600000},
    {"LAKEWARD_FGA_MIRROR_MAX_TUPLES", "fga_mirror_max_tuples",
     offsetof(struct lw_config, fga_mirror_max_tuples), 1000000, 1, 100000000},
    {"LAKEWARD_FGA_MIRROR_MAX_BYTES", "fga_mirror_max_bytes",
     offsetof(struct lw_config, fga_mirror_max_bytes), 128LL << 20, 1024, 1LL << 36},
    {"LAKEWARD_FGA_MIRROR_MAX_CHANGES", "fga_mirror_max_changes",
     offsetof(struct lw_config, fga_mirror_max_changes), 100000, 1, 10000000},
};
#define N_ENGINE_BOUNDS (sizeof engine_bounds / sizeof engine_bounds[0])

static int64_t *bound_field(struct lw_config *cfg, const struct engine_bound *b)
{
    return (int64_t *)((char *)cfg + b->offset);
}

static int load_engine_bounds_env(struct lw_config *cfg, struct lw_err *err)
{
    for (size_t k = 0; k < N_ENGINE_BOUNDS; k++) {
        int64_t *v = bound_field(cfg, &engine_bounds[k]);
        *v = engine_bounds[k].def;
        if (env_i64(engine_bounds[k].env, engine_bounds[k].min, engine_bounds[k].max, v, err))
            return LW_ECONFIG;
    }
    return 0;
}

static int load_env(struct lw_config *cfg, struct lw_err *err)
{
    static const char *const pairs[][4] = {
        {"TRINO_DEV_CATALOG_NAME", "dev", "LAKEKEEPER_DEV_WAREHOUSE", "development"},
        {"TRINO_PROD_CATALOG_NAME", "prod", "LAKEKEEPER_PROD_WAREHOUSE", "production"},
        {"TRINO_DEMO_CATALOG_NAME", "demo", "LAKEKEEPER_DEMO_WAREHOUSE", "demo"},
        {"TRINO_LAKEKEEPER_CATALOG_NAME", "lakekeeper", "LAKEKEEPER_LAKEKEEPER_WAREHOUSE", "lakekeeper"},
    };
    const char *te = getenv("LAKEKEEPER_TOKEN_ENDPOINT"), *ci = getenv("LAKEKEEPER_CLIENT_ID"),
               *cs = getenv("LAKEKEEPER_CLIENT_SECRET");
    int64_t v;

    set_str(&cfg->http_listen, env_or("LAKEWARD_HTTP_LISTEN", "0.0.0.0:8181"));
    set_str(&cfg->pg_listen, env_or("LAKEWARD_PG_LISTEN", "127.0.0.1:5433"));
    set_str(&cfg->log_level, env_or("LAKEWARD_LOG_LEVEL", "info"));
    set_str(&cfg->log_file, getenv("LAKEWARD_LOG_FILE"));
    set_str(&cfg->decision_log_file, getenv("LAKEWARD_DECISION_LOG"));
    set_str(&cfg->decision_store_dsn, getenv("LAKEWARD_DECISION_STORE_DSN"));
    set_str(&cfg->tls_cert_file, getenv("LAKEWARD_TLS_CERT"));
    set_str(&cfg->tls_key_file, getenv("LAKEWARD_TLS_KEY"));
    set_str(&cfg->pg_tls_cert, getenv("LAKEWARD_PG_TLS_CERT"));
    set_str(&cfg->pg_tls_key, getenv("LAKEWARD_PG_TLS_KEY"));
    set_str(&cfg->pg_token_endpoint, getenv("LAKEWARD_PG_TOKEN_ENDPOINT"));
    set_str(&cfg->pg_oidc_issuer, getenv("LAKEWARD_PG_OIDC_ISSUER"));
    set_str(&cfg->pg_oidc_audience, getenv("LAKEWARD_PG_OIDC_AUDIENCE"));
    set_str(&cfg->openfga_url, getenv("LAKEWARD_OPENFGA_URL"));
    set_str(&cfg->openfga_store_id, getenv("LAKEWARD_OPENFGA_STORE_ID"));
    set_str(&cfg->openfga_model_id, getenv("LAKEWARD_OPENFGA_MODEL_ID"));
    set_str(&cfg->openfga_api_token, getenv("LAKEWARD_OPENFGA_API_TOKEN"));
    if (str_list_split(&cfg->pg_hba, getenv("LAKEWARD_PG_HBA"), ';') != 0 ||
        str_list_split(&cfg->pg_admins, getenv("LAKEWARD_PG_ADMINS"), ',') != 0)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    cfg->upstream_timeout_ms = 5000;
    cfg->decision_cache_ttl_ms = 5000;
    cfg->probe_cache_ttl_ms = 30000;
    cfg->warehouse_cache_ttl_ms = 300000;
    cfg->warehouse_negative_ttl_ms = 10000;
    cfg->catalog_cache_ttl_ms = 30000;
    cfg->catalog_concurrency = 8;
    cfg->catalog_max_objects = 100000;
    cfg->catalog_max_bytes = 64L << 20;
    cfg->check_cache_max_entries = 200000;
    cfg->max_body_bytes = 16 << 20;
    cfg->max_filter_items = 100000;
    cfg->max_connections = 256;
    cfg->decision_log_ring = 10000;

    if (te && ci && cs) {
        struct lw_lk_instance_cfg *i = lw_calloc(1, sizeof *i);
        int64_t batch = 1000;
        const char *bs = getenv("LAKEKEEPER_MAX_BATCH_CHECK_SIZE");
        if (!i)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        cfg->instances = i;
        cfg->ninstances = 1;
        i->id = lw_strdup("default");
        i->url = lw_strdup(env_or("LAKEKEEPER_URL", "http://localhost:8181"));
        i->token_endpoint = lw_strdup(te);
        i->client_id = lw_strdup(ci);
        i->client_secret = lw_strdup(cs);
        i->scope = lw_strdup(env_or("LAKEKEEPER_SCOPE", "lakekeeper"));
        snprintf(i->where, sizeof i->where, "environment");
        if (bs && lw_parse_i64(bs, INT64_MIN, INT64_MAX, &batch) != 0)
            return lw_err_set(err, LW_ECONFIG,
                              "LAKEKEEPER_MAX_BATCH_CHECK_SIZE='%s' is not an integer", bs);
        i->max_batch = batch < 1 ? 1 : batch > 1000 ? 1000 : (int)batch;
    }
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++)
        if (add_catalog(cfg, env_or(pairs[k][0], pairs[k][1]), "default",
                        env_or(pairs[k][2], pairs[k][3]), "environment") != 0)
            return lw_err_set(err, LW_ENOMEM, "out of memory");
    cfg->allow_unmanaged = getenv("TRINO_ALLOW_UNMANAGED_CATALOGS") &&
                           strcmp(getenv("TRINO_ALLOW_UNMANAGED_CATALOGS"), "true") == 0;
    if (parse_admins(cfg, env_or("TRINO_ADMIN_USERS", "")) != 0)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    v = cfg->decision_cache_ttl_ms;
    if (env_i64("LAKEWARD_DECISION_CACHE_TTL_MS", 0, 86400000, &v, err))
        return LW_ECONFIG;
    cfg->decision_cache_ttl_ms = v;
    v = cfg->upstream_timeout_ms;
    if (env_i64("LAKEWARD_UPSTREAM_TIMEOUT_MS", 1, 600000, &v, err))
        return LW_ECONFIG;
    cfg->upstream_timeout_ms = (long)v;
    return load_engine_bounds_env(cfg, err);
}

/* ---- the config file ---------------------------------------------------------------- */

struct file_ctx {
    const char *path;
    struct lw_err *err;
};

static int file_err(struct file_ctx *f, const config_setting_t *s, const char *fmt, const char *a)
{
    char msg[200];
    snprintf(msg, sizeof msg, fmt, a);
    return lw_err_set(f->err, LW_ECONFIG, "%s:%d: %s", f->path, s ? config_setting_source_line(s) : 0, msg);
}

/* Reads an optional string member; a member of another type is an error. */
static int member_str(struct file_ctx *f, const config_setting_t *grp, const char *name,
                      char **out)
{
    const config_setting_t *m = config_setting_get_member(grp, name);
    if (!m)
        return 0;
    if (config_setting_type(m) != CONFIG_TYPE_STRING)
        return file_err(f, m, "'%s' must be a string", name);
    set_str(out, config_setting_get_string(m));
    return *out ? 0 : LW_ENOMEM;
}

static int member_int(struct file_ctx *f, const config_setting_t *grp, const char *name,
                      int64_t min, int64_t max, int64_t *out)
{
    const config_setting_t *m = config_setting_get_member(grp, name);
    long long v;
    char range[80];
    if (!m)
        return 0;
    if (config_setting_type(m) != CONFIG_TYPE_INT && config_setting_type(m) != CONFIG_TYPE_INT64)
        return file_err(f, m, "'%s' must be an integer", name);
    v = config_setting_get_int64(m);
    if (v < min || v > max) {
        snprintf(range, sizeof range, "'%s' must be in [%lld, %lld]", name, (long long)min, (long long)max);
        return file_err(f, m, "%s", range);
    }
    *out = v;
    return 0;
}

/* Rejects members the group does not know, so typos do not pass silently. */
static int known_members(struct file_ctx *f, const config_setting_t *grp, const char *const *names)
{
    int n = config_setting_length(grp);
    for (int i = 0; i < n; i++) {
        const config_setting_t *m = config_setting_get_elem(grp, (unsigned)i);
        const char *const *k = names;
        while (*k && strcmp(*k, config_setting_name(m)) != 0)
            k++;
        if (!*k)
            return file_err(f, m, "unknown setting '%s'", config_setting_name(m));
    }
    return 0;
}

static int read_secret_file(struct file_ctx *f, const config_setting_t *s, const char *path,
                            char **out)
{
    char buf[4096];
    size_t n;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return file_err(f, s, "cannot read client_secret_file '%s'", path);
    n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    if (n == sizeof buf)
        return file_err(f, s, "client_secret_file '%s' is larger than 4 KiB", path);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    lw_free(*out);
    *out = lw_strndup(buf, n);
    return *out ? 0 : LW_ENOMEM;
}

/* Reads an optional array of strings, replacing what the environment gave. */
static int member_str_list(struct file_ctx *f, const config_setting_t *grp, const char *name,
                           struct lw_str_list *out)
{
    const config_setting_t *m = config_setting_get_member(grp, name);
    if (!m)
        return 0;
    if (!config_setting_is_array(m) && !config_setting_is_list(m))
        return file_err(f, m, "'%s' must be an array of strings", name);
    str_list_free(out);
    for (int k = 0; k < config_setting_length(m); k++) {
        const config_setting_t *e = config_setting_get_elem(m, (unsigned)k);
        if (config_setting_type(e) != CONFIG_TYPE_STRING)
            return file_err(f, e, "'%s' must be an array of strings", name);
        if (str_list_add(out, config_setting_get_string(e), strlen(config_setting_get_string(e))))
            return LW_ENOMEM;
    }
    return 0;
}

static int load_instances(struct file_ctx *f, struct lw_config *cfg, const config_setting_t *list)
{
    static const char *const names[] = {"id", "url", "token_endpoint", "client_id", "client_secret",
                                        "client_secret_file", "scope", "max_batch_check_size", NULL};
    int n = config_setting_length(list);
    if (!config_setting_is_list(list) && !config_setting_is_array(list))
        return file_err(f, list, "'%s' must be a list of groups: ( { ... }, ... )", "lakekeeper");
    free_lists(cfg, true, false, false, false);
    cfg->instances = lw_calloc((size_t)(n ? n : 1), sizeof *cfg->instances);
    if (!cfg->instances)
        return LW_ENOMEM;
    for (int k = 0; k < n; k++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)k);
        struct lw_lk_instance_cfg *i = &cfg->instances[cfg->ninstances++];
        char *secret_file = NULL;
        int64_t batch = 1000;
        int rc;
        if (!config_setting_is_group(g))
            return file_err(f, g, "each %s entry must be a group { ... }", "lakekeeper");
        snprintf(i->where, sizeof i->where, "%s:%d", f->path, config_setting_source_line(g));
        if ((rc = known_members(f, g, names)) || (rc = member_str(f, g, "id", &i->id)) ||
            (rc = member_str(f, g, "url", &i->url)) ||
            (rc = member_str(f, g, "token_endpoint", &i->token_endpoint)) ||
            (rc = member_str(f, g, "client_id", &i->client_id)) ||
            (rc = member_str(f, g, "client_secret", &i->client_secret)) ||
            (rc = member_str(f, g, "client_secret_file", &secret_file)) ||
            (rc = member_str(f, g, "scope", &i->scope)) ||
            (rc = member_int(f, g, "max_batch_check_size", 1, 1000, &batch)))
            return rc;
        if (secret_file) {
            rc = read_secret_file(f, g, secret_file, &i->client_secret);
            lw_free(secret_file);
            if (rc)
                return rc;
        }
        i->max_batch = (int)batch;
        if (!i->scope)
            set_str(&i->scope, "lakekeeper");
        if (!i->id || !i->url || !i->token_endpoint || !i->client_id || !i->client_secret)
            return file_err(f, g, "a %s entry needs id, url, token_endpoint, client_id and "
                                  "client_secret (or client_secret_file)", "lakekeeper");
    }
    return 0;
}

static int load_catalogs(struct file_ctx *f, struct lw_config *cfg, const config_setting_t *list)
{
    static const char *const names[] = {"name", "lakekeeper_id", "warehouse", NULL};
    int n = config_setting_length(list);
    if (!config_setting_is_list(list) && !config_setting_is_array(list))
        return file_err(f, list, "'%s' must be a list of groups", "catalogs");
    free_lists(cfg, false, true, false, false);
    for (int k = 0; k < n; k++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)k);
        char *name = NULL, *lk = NULL, *wh = NULL, where[300];
        int rc;
        if (!config_setting_is_group(g))
            return file_err(f, g, "each %s entry must be a group { ... }", "catalogs");
        if (!(rc = known_members(f, g, names)) && !(rc = member_str(f, g, "name", &name)) &&
            !(rc = member_str(f, g, "lakekeeper_id", &lk)) && !(rc = member_str(f, g, "warehouse", &wh))) {
            if (!name || !wh)
                rc = file_err(f, g, "a %s entry needs name and warehouse", "catalogs");
            snprintf(where, sizeof where, "%s:%d", f->path, config_setting_source_line(g));
            if (!rc)
                rc = add_catalog(cfg, name, lk ? lk : "default", wh, where);
        }
        lw_free(name);
        lw_free(lk);
        lw_free(wh);
        if (rc)
            return rc;
    }
    return 0;
}

static int load_rules(struct file_ctx *f, struct lw_config *cfg, const config_setting_t *list)
{
    static const char *const names[] = {"operation", "catalog", "schema", "table", "user", "group",
                                        "allow", NULL};
    int n = config_setting_length(list);
    if (!config_setting_is_list(list) && !config_setting_is_array(list))
        return file_err(f, list, "'%s' must be a list of groups", "rules");
    free_lists(cfg, false, false, true, false);
    cfg->rules = lw_calloc((size_t)(n ? n : 1), sizeof *cfg->rules);
    if (!cfg->rules)
        return LW_ENOMEM;
    for (int k = 0; k < n; k++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)k), *allow;
        struct lw_rule_cfg *r = &cfg->rules[cfg->nrules++];
        int rc;
        if (!config_setting_is_group(g))
            return file_err(f, g, "each %s entry must be a group { ... }", "rules");
        snprintf(r->where, sizeof r->where, "rule %s:%d", f->path, config_setting_source_line(g));
        if ((rc = known_members(f, g, names)) || (rc = member_str(f, g, "operation", &r->operation)) ||
            (rc = member_str(f, g, "catalog", &r->catalog)) || (rc = member_str(f, g, "schema", &r->schema)) ||
            (rc = member_str(f, g, "table", &r->table)) || (rc = member_str(f, g, "user", &r->user)) ||
            (rc = member_str(f, g, "group", &r->group)))
            return rc;
        allow = config_setting_get_member(g, "allow");
        if (!allow || config_setting_type(allow) != CONFIG_TYPE_BOOL || !config_setting_get_bool(allow))
            return file_err(f, allow ? allow : g, "%s", "a rule needs 'allow = true;' (rules only allow; everything else is denied by default)");
        if (!r->operation && !r->catalog && !r->schema && !r->table && !r->user && !r->group)
            return file_err(f, g, "%s", "a rule must match on at least one of operation, catalog, schema, table, user, group");
    }
    return 0;
}

static int load_file(struct lw_config *cfg, const char *path, struct lw_err *err)
{
    static const char *const top[] = {"http_listen", "pg_listen", "log_level", "log_file",
                                      "tls_cert_file", "tls_key_file", "lakekeeper", "catalogs",
                                      "rules", "allow_unmanaged_catalogs", "admin_users",
                                      "upstream_timeout_ms", "decision_cache_ttl_ms",
                                      "probe_cache_ttl_ms", "warehouse_cache_ttl_ms",
                                      "warehouse_negative_ttl_ms", "catalog_cache_ttl_ms",
                                      "catalog_concurrency", "catalog_max_objects",
                                      "catalog_max_bytes",
                                      "check_cache_max_entries",
                                      "max_body_bytes", "max_filter_items", "max_connections",
                                      "decision_log_ring", "decision_log_file",
                                      "decision_deadline_ms", "decision_cache_max_bytes",
                                      "check_cache_max_bytes", "decision_log_max_bytes",
                                      "cache_refresh_ahead_pct",
                                      "http_max_connections", "http_max_connections_per_ip",
                                      "http_head_timeout_ms", "http_body_timeout_ms",
                                      "http_idle_timeout_ms", "http_threads", "http_workers",
                                      "http_queue", "pg_startup_timeout_ms",
                                      "pg_idle_timeout_ms", "pg_statement_timeout_ms",
                                      "pg_max_connections_per_ip",
                                      "pg_backend_max_memory", "pg_memory_budget",
                                      "pg_tls_cert", "pg_tls_key", "pg_hba", "pg_users",
                                      "pg_admins", "pg_token_endpoint", "pg_oidc_issuer",
                                      "pg_oidc_audience", "decision_store_dsn",
                                      "openfga_url", "openfga_store_id", "openfga_model_id",
                                      "openfga_api_token",
                                      "decision_store_queue", "decision_store_batch",
                                      "decision_store_retention_days",
                                      "decision_store_timeout_ms",
                                      "fga_mirror_interval_ms", "fga_mirror_max_tuples",
                                      "fga_mirror_max_bytes", "fga_mirror_max_changes", NULL};
    struct file_ctx f = {path, err};
    config_t c;
    const config_setting_t *root, *s;
    int rc = 0;
    int64_t v;
    FILE *fp = fopen(path, "r");

    if (!fp)
        return lw_err_set(err, LW_ECONFIG, "%s: cannot open config file", path);
    config_init(&c);
    if (config_read(&c, fp) != CONFIG_TRUE) {
        rc = lw_err_set(err, LW_ECONFIG, "%s:%d: %s", path, config_error_line(&c), config_error_text(&c));
        goto done;
    }
    root = config_root_setting(&c);
    if ((rc = known_members(&f, root, top)))
        goto done;
    if ((rc = member_str(&f, root, "http_listen", &cfg->http_listen)) ||
        (rc = member_str(&f, root, "pg_listen", &cfg->pg_listen)) ||
        (rc = member_str(&f, root, "log_level", &cfg->log_level)) ||
        (rc = member_str(&f, root, "log_file", &cfg->log_file)) ||
        (rc = member_str(&f, root, "tls_cert_file", &cfg->tls_cert_file)) ||
        (rc = member_str(&f, root, "tls_key_file", &cfg->tls_key_file)) ||
        (rc = member_str(&f, root, "decision_log_file", &cfg->decision_log_file)) ||
        (rc = member_str(&f, root, "decision_store_dsn", &cfg->decision_store_dsn)) ||
        (rc = member_str(&f, root, "pg_tls_cert", &cfg->pg_tls_cert)) ||
        (rc = member_str(&f, root, "pg_tls_key", &cfg->pg_tls_key)) ||
        (rc = member_str(&f, root, "pg_token_endpoint", &cfg->pg_token_endpoint)) ||
        (rc = member_str(&f, root, "pg_oidc_issuer", &cfg->pg_oidc_issuer)) ||
        (rc = member_str(&f, root, "pg_oidc_audience", &cfg->pg_oidc_audience)) ||
        (rc = member_str(&f, root, "openfga_url", &cfg->openfga_url)) ||
        (rc = member_str(&f, root, "openfga_store_id", &cfg->openfga_store_id)) ||
        (rc = member_str(&f, root, "openfga_model_id", &cfg->openfga_model_id)) ||
        (rc = member_str(&f, root, "openfga_api_token", &cfg->openfga_api_token)) ||
        (rc = member_str_list(&f, root, "pg_hba", &cfg->pg_hba)) ||
        (rc = member_str_list(&f, root, "pg_users", &cfg->pg_users)) ||
        (rc = member_str_list(&f, root, "pg_admins", &cfg->pg_admins)))
        goto done;
    if ((s = config_setting_get_member(root, "lakekeeper")) && (rc = load_instances(&f, cfg, s)))
        goto done;
    if ((s = config_setting_get_member(root, "catalogs")) && (rc = load_catalogs(&f, cfg, s)))
        goto done;
    if ((s = config_setting_get_member(root, "rules")) && (rc = load_rules(&f, cfg, s)))
        goto done;
    if ((s = config_setting_get_member(root, "allow_unmanaged_catalogs"))) {
        if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
            rc = file_err(&f, s, "'%s' must be true or false", "allow_unmanaged_catalogs");
            goto done;
        }
        cfg->allow_unmanaged = config_setting_get_bool(s);
    }
    if ((s = config_setting_get_member(root, "admin_users"))) {
        int n = config_setting_length(s);
        if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
            rc = file_err(&f, s, "'%s' must be an array of strings", "admin_users");
            goto done;
        }
        free_lists(cfg, false, false, false, true);
        cfg->admins = lw_calloc((size_t)(n ? n : 1), sizeof *cfg->admins);
        for (int k = 0; cfg->admins && k < n; k++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)k);
            if (config_setting_type(e) != CONFIG_TYPE_STRING) {
                rc = file_err(&f, s, "'%s' must be an array of strings", "admin_users");
                goto done;
            }
            cfg->admins[cfg->nadmins++] = lw_strdup(config_setting_get_string(e));
        }
    }
#define INT_SETTING(name, field, min, max)                                                     \
    v = cfg->field;                                                                            \
    if ((rc = member_int(&f, root, name, min, max, &v)))                                       \
        goto done;                                                                             \
    cfg->field = v;
    INT_SETTING("upstream_timeout_ms", upstream_timeout_ms, 1, 600000)
    INT_SETTING("decision_cache_ttl_ms", decision_cache_ttl_ms, 0, 86400000)
    INT_SETTING("probe_cache_ttl_ms", probe_cache_ttl_ms, 0, 86400000)
    INT_SETTING("warehouse_cache_ttl_ms", warehouse_cache_ttl_ms, 0, 86400000)
    INT_SETTING("warehouse_negative_ttl_ms", warehouse_negative_ttl_ms, 0, 86400000)
    INT_SETTING("catalog_cache_ttl_ms", catalog_cache_ttl_ms, 0, 86400000)
    INT_SETTING("catalog_concurrency", catalog_concurrency, 1, 64)
    INT_SETTING("catalog_max_objects", catalog_max_objects, 1, 10000000)
    INT_SETTING("catalog_max_bytes", catalog_max_bytes, 4096, 1L << 32)
    INT_SETTING("check_cache_max_entries", check_cache_max_entries, 1, 100000000)
    INT_SETTING("max_body_bytes", max_body_bytes, 1024, 1L << 30)
    INT_SETTING("max_filter_items", max_filter_items, 1, 10000000)
    INT_SETTING("max_connections", max_connections, 1, 100000)
    INT_SETTING("decision_log_ring", decision_log_ring, 1, 10000000)
#undef INT_SETTING
    for (size_t k = 0; k < N_ENGINE_BOUNDS; k++) {
        const struct engine_bound *b = &engine_bounds[k];
        if ((rc = member_int(&f, root, b->file, b->min, b->max, bound_field(cfg, b))))
            goto done;
    }
done:
    config_destroy(&c);
    fclose(fp);
    if (rc == LW_ENOMEM)
        lw_err_set(err, LW_ENOMEM, "%s: out of memory", path);
    return rc;
}

/* String settings shown by lw_config_each; secret ones only say whether they are set. */
static const struct shown_str {
    const char *name;
    size_t offset;
    bool secret;
} shown_strs[] = {
    {"http_listen", offsetof(struct lw_config, http_listen), false},
    {"pg_listen", offsetof(struct lw_config, pg_listen), false},
    {"log_level", offsetof(struct lw_config, log_level), false},
    {"log_file", offsetof(struct lw_config, log_file), false},
    {"tls_cert_file", offsetof(struct lw_config, tls_cert_file), false},
    {"tls_key_file", offsetof(struct lw_config, tls_key_file), false},
    {"decision_log_file", offsetof(struct lw_config, decision_log_file), false},
    {"pg_tls_cert", offsetof(struct lw_config, pg_tls_cert), false},
    {"pg_tls_key", offsetof(struct lw_config, pg_tls_key), false},
    {"pg_token_endpoint", offsetof(struct lw_config, pg_token_endpoint), false},
    {"pg_oidc_issuer", offsetof(struct lw_config, pg_oidc_issuer), false},
    {"pg_oidc_audience", offsetof(struct lw_config, pg_oidc_audience), false},
    {"openfga_url", offsetof(struct lw_config, openfga_url), false},
    {"openfga_store_id", offsetof(struct lw_config, openfga_store_id), false},
    {"openfga_model_id", offsetof(struct lw_config, openfga_model_id), false},
    {"openfga_api_token", offsetof(struct lw_config, openfga_api_token), true},
    {"decision_store_dsn", offsetof(struct lw_config, decision_store_dsn), true},
};

static const char *shown(const char *v, bool secret)
{
    if (secret)
        return v && *v ? "(set)" : "(not set)";
    return v ? v : "";
}

void lw_config_each(const struct lw_config *cfg,
                    void (*fn)(void *arg, const char *name, const char *value), void *arg)
{
    char name[96], value[64];
    for (size_t k = 0; k < sizeof shown_strs / sizeof *shown_strs; k++) {
        const struct shown_str *s = &shown_strs[k];
        fn(arg, s->name, shown(*(char *const *)((const char *)cfg + s->offset), s->secret));
    }
    for (int k = 0; k < cfg->ninstances; k++) {
        const struct lw_lk_instance_cfg *i = &cfg->instances[k];
        const struct {
            const char *field, *v;
            bool secret;
        } f[] = {{"id", i->id, false}, {"url", i->url, false},
                 {"token_endpoint", i->token_endpoint, false},
                 {"client_id", i->client_id, false}, {"client_secret", i->client_secret, true},
                 {"scope", i->scope, false}};
        for (size_t j = 0; j < sizeof f / sizeof *f; j++) {
            snprintf(name, sizeof name, "lakekeeper[%d].%s", k, f[j].field);
            fn(arg, name, shown(f[j].v, f[j].secret));
        }
    }
    snprintf(value, sizeof value, "%d", cfg->pg_users.n);
    fn(arg, "pg_users (count; verifiers not shown)", value);
    for (int k = 0; k < cfg->pg_admins.n; k++) {
        snprintf(name, sizeof name, "pg_admins[%d]", k);
        fn(arg, name, cfg->pg_admins.v[k]);
    }
    for (int k = 0; k < cfg->nadmins; k++) {
        snprintf(name, sizeof name, "admin_users[%d]", k);
        fn(arg, name, cfg->admins[k]);
    }
    for (size_t k = 0; k < N_ENGINE_BOUNDS; k++) {
        snprintf(value, sizeof value, "%lld",
                 (long long)*(const int64_t *)((const char *)cfg + engine_bounds[k].offset));
        fn(arg, engine_bounds[k].file, value);
    }
}

int lw_config_load(struct lw_config *cfg, const char *path, struct lw_err *err)
{
    int rc;
    memset(cfg, 0, sizeof *cfg);
    if ((rc = load_env(cfg, err)))
        return rc;
    if (path && (rc = load_file(cfg, path, err)))
        return rc;
    return lw_config_validate(cfg, err);
}

int lw_config_validate(const struct lw_config *cfg, struct lw_err *err)
{
    int lvl;
    if (lw_log_parse_level(cfg->log_level, &lvl) != 0)
        return lw_err_set(err, LW_ECONFIG, "log level '%s' is not one of error, warn, info, debug",
                          cfg->log_level);
    for (int i = 0; i < cfg->ncatalogs; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(cfg->catalogs[i].name, cfg->catalogs[j].name) == 0)
                return lw_err_set(err, LW_ECONFIG, "%s: catalog '%s' is mapped twice (first at %s)",
                                  cfg->catalogs[i].where, cfg->catalogs[i].name, cfg->catalogs[j].where);
    for (int i = 0; i < cfg->ninstances; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(cfg->instances[i].id, cfg->instances[j].id) == 0)
                return lw_err_set(err, LW_ECONFIG, "%s: Lakekeeper instance id '%s' is defined twice",
                                  cfg->instances[i].where, cfg->instances[i].id);
    if ((cfg->tls_cert_file == NULL) != (cfg->tls_key_file == NULL))
        return lw_err_set(err, LW_ECONFIG, "TLS needs both a certificate and a key file");
    if ((cfg->pg_tls_cert == NULL) != (cfg->pg_tls_key == NULL))
        return lw_err_set(err, LW_ECONFIG, "Postgres TLS needs both pg_tls_cert and pg_tls_key");
    return 0;
}
