/* config.h -- lakeward's configuration: the Lakekeeper OPA bridge's environment variables
 * (same names and defaults), lakeward's own LAKEWARD_* variables, an optional config file
 * (libconfig syntax) for what variables cannot say well, then command-line flags. Later
 * sources override earlier ones. docs/authz.md is the reference. */
#ifndef CONFIG_H
#define CONFIG_H

#include "core/lw.h"

struct lw_lk_instance_cfg {
    char *id, *url, *token_endpoint, *client_id, *client_secret, *scope;
    int max_batch;
    char where[300];                /* "env" or "file:line" */
};

struct lw_catalog_cfg {
    char *name, *lakekeeper_id, *warehouse;
    char where[300];
};

struct lw_rule_cfg {
    char *operation, *catalog, *schema, *table, *user, *group;
    char where[300];
};

/* A list of strings read from a file array or a separated environment variable. */
struct lw_str_list {
    char **v;
    int n;
};

struct lw_config {
    char *http_listen;              /* default 0.0.0.0:8181 (OPA's port) */
    char *pg_listen;                /* default 127.0.0.1:5433; "" disables */
    char *log_level, *log_file;
    char *tls_cert_file, *tls_key_file;

    struct lw_lk_instance_cfg *instances;
    int ninstances;
    struct lw_catalog_cfg *catalogs;
    int ncatalogs;
    bool allow_unmanaged;
    char **admins;
    int nadmins;
    struct lw_rule_cfg *rules;
    int nrules;

    long upstream_timeout_ms;       /* default 5000 (OPA's http.send default) */
    int64_t decision_cache_ttl_ms;  /* default 5000; 0 disables */
    int64_t probe_cache_ttl_ms;     /* default 30000 (the bridge's) */
    int64_t warehouse_cache_ttl_ms; /* default 300000 */
    int64_t warehouse_negative_ttl_ms; /* default 10000 */
    int64_t catalog_cache_ttl_ms;   /* default 30000: the SQL tables' Lakekeeper catalog cache */
    long catalog_concurrency;       /* default 8: its listings in flight at once */
    long catalog_max_objects;       /* default 100000: objects per instance in the shared catalog */
    long catalog_max_bytes;         /* default 64 MiB: the shared catalog's encoded size */
    long check_cache_max_entries;   /* default 200000 */
    long max_body_bytes;            /* default 16 MiB (Trino's max-content-length) */
    long max_filter_items;          /* default 100000 */
    long max_connections;           /* default 256: Postgres-wire sessions */
    long decision_log_ring;         /* default 10000 */
    /* Decision-engine bounds (docs/authz.md, configuration); see engine_bounds in config.c. */
    int64_t decision_deadline_ms;   /* default 8000: one decision, all its upstream calls */
    int64_t decision_cache_max_bytes;  /* default 64 MiB */
    int64_t cache_refresh_ahead_pct; /* default 20: last part of a cache TTL in which a hit
                                      * refreshes the answer in the background; 0 disables */
    int64_t check_cache_max_bytes;  /* default 64 MiB */
    int64_t decision_log_max_bytes; /* default 64 MiB: JSON records held by the ring */
    /* HTTP layer bounds (docs/http.md); rows of the same table in config.c. */
    int64_t http_max_connections;   /* default 10000; more are refused with 503 */
    int64_t http_max_connections_per_ip; /* default 1024; 0: no per-address limit */
    int64_t http_head_timeout_ms;   /* default 10000: whole request head */
    int64_t http_body_timeout_ms;   /* default 30000: whole request body */
    int64_t http_idle_timeout_ms;   /* default 120000: keep-alive silence (whole seconds) */
    int64_t http_threads;           /* default 0: one event-loop thread per usable CPU */
    int64_t http_workers;           /* default 64: threads for decisions that call upstream */
    int64_t http_queue;             /* default 1024: decisions waiting for a worker */
    /* Postgres-wire bounds (docs/sql.md, "Connecting"); rows of the same table in config.c. */
    int64_t pg_startup_timeout_ms;  /* default 10000: connect to ReadyForQuery */
    int64_t pg_idle_timeout_ms;     /* default 600000: silence inside a session */
    int64_t pg_statement_timeout_ms; /* default 300000: a session's statement_timeout default */
    int64_t pg_max_connections_per_ip; /* default 32; 0: no per-address limit */
    int64_t pg_backend_max_memory;  /* default 512 MiB: data segment of one SQL backend */
    int64_t pg_memory_budget;       /* default 32 GiB: all SQL backends together */
    char *decision_log_file;        /* NULL: ring only; "-": stdout */
    /* Postgres-wire TLS and logins (server/pg_auth.h; docs/sql-clients.md, "TLS", "Logins"). */
    char *pg_tls_cert, *pg_tls_key; /* PEM chain and key; none: SSLRequest answered 'N' */
    struct lw_str_list pg_hba;      /* rule lines (server/pg_hba.h); none: trust loopback */
    struct lw_str_list pg_users;    /* "name SCRAM-SHA-256$... [principal]" */
    struct lw_str_list pg_admins;   /* principals whose sessions are admin */
    char *pg_token_endpoint;        /* `client` logins; default: first Lakekeeper instance's */
    char *pg_oidc_issuer, *pg_oidc_audience; /* `oidc` logins */
    /* OpenFGA behind Lakekeeper, read by the permission tables (catalog/perm_*.h;
     * docs/sql-tables.md). No URL or store: those tables are not registered. */
    char *openfga_url, *openfga_store_id, *openfga_model_id;
    char *openfga_api_token;        /* pre-shared key; secret: never logged */
    /* Decision store (authz/decision_store.h; docs/deployment.md, "Decision store"). */
    char *decision_store_dsn;       /* libpq DSN; NULL: decisions only in the in-memory ring */
    int64_t decision_store_queue;   /* default 100000 records waiting for the store */
    int64_t decision_store_batch;   /* default 1000 records per COPY */
    int64_t decision_store_retention_days; /* default 7; 0: keep everything */
    int64_t decision_store_timeout_ms; /* default 30000: silence a SQL scan of the store waits */
    int64_t fga_mirror_interval_ms; /* default 1000: between the OpenFGA mirror's syncs */
    int64_t fga_mirror_max_tuples;  /* default 1,000,000: a bigger store is refused */
    int64_t fga_mirror_max_bytes;   /* default 128 MiB of tuple strings: likewise */
    int64_t fga_mirror_max_changes; /* default 100,000: the change history kept */
};

/* Builds the configuration from the environment (envp-style getenv), then the file (if
 * path != NULL). On failure returns LW_ECONFIG with a message naming the variable, or the
 * file, line and problem. */
int lw_config_load(struct lw_config *cfg, const char *path, struct lw_err *err) LW_MUSTCHECK;
/* Calls fn for every setting with its effective value as text, for lakeward.lakeward_state.
 * Secrets (client secrets, the OpenFGA token, the decision store DSN, which may hold a
 * password, and pg_users' verifiers) are shown only as "(set)" or "(not set)". */
void lw_config_each(const struct lw_config *cfg,
                    void (*fn)(void *arg, const char *name, const char *value), void *arg);
/* Checks cross-field rules (duplicate catalogs, unknown instance ids). */
int lw_config_validate(const struct lw_config *cfg, struct lw_err *err) LW_MUSTCHECK;
void lw_config_free(struct lw_config *cfg);

#endif
