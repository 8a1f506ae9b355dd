/* standin_main.c -- entry point of build/lakekeeper-standin, the Lakekeeper test double: parses the
 * flags, loads the seed, writes the scenario's tuples into OpenFGA the way Lakekeeper would, then
 * serves Lakekeeper's management and Iceberg REST APIs until SIGINT/SIGTERM. */
#include "standin.h"
#include "standin_flight.h"
#include "standin_http.h"
#include "standin_jwt.h"
#include "standin_objects.h"
#include "standin_seed.h"

#include "../../catalog/http_client.h"
#include "../../server/core/lw_log.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_BODY (8u << 20) /* request bodies (a 1000-check batch is ~250 KB) */
#define MAX_RESPONSE (32u << 20)
#define FGA_WAIT_S 60 /* how long start-up waits for OpenFGA to accept the seed */

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: lakekeeper-standin --listen HOST:PORT --seed FILE --openfga-url URL --store-id ID\n"
        "         --model-id ID --issuer ISSUER --jwks-url URL --audience AUD --control-token "
        "TOKEN\n"
        "         [--log-level error|warn|info|debug] [--log-file PATH]\n");
}

static int die(const char *fmt, const char *arg)
{
    fprintf(stderr, "lakekeeper-standin: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    return 2;
}

static int parse_flags(int argc, char **argv, struct standin_opts *o, const char **level,
                       const char **logfile)
{
    static const struct option longopts[] = {{"listen", required_argument, NULL, 'l'},
                                             {"seed", required_argument, NULL, 's'},
                                             {"openfga-url", required_argument, NULL, 'f'},
                                             {"store-id", required_argument, NULL, 'S'},
                                             {"model-id", required_argument, NULL, 'm'},
                                             {"issuer", required_argument, NULL, 'i'},
                                             {"jwks-url", required_argument, NULL, 'j'},
                                             {"audience", required_argument, NULL, 'a'},
                                             {"control-token", required_argument, NULL, 'c'},
                                             {"iceberg-rest-url", required_argument, NULL, 'I'},
                                             {"log-level", required_argument, NULL, 'L'},
                                             {"log-file", required_argument, NULL, 'F'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int ch;
    memset(o, 0, sizeof *o);
    opterr = 0;
    for (;;) {
        ch = getopt_long(argc, argv, "", longopts, NULL);
        if (ch == -1)
            break;
        switch (ch) {
        case 'l':
            o->listen = optarg;
            break;
        case 's':
            o->seed = optarg;
            break;
        case 'I':
            o->iceberg_rest_url = optarg;
            break;
        case 'f':
            o->openfga_url = optarg;
            break;
        case 'S':
            o->store_id = optarg;
            break;
        case 'm':
            o->model_id = optarg;
            break;
        case 'i':
            o->issuer = optarg;
            break;
        case 'j':
            o->jwks_url = optarg;
            break;
        case 'a':
            o->audience = optarg;
            break;
        case 'c':
            o->control_token = optarg;
            break;
        case 'L':
            *level = optarg;
            break;
        case 'F':
            *logfile = optarg;
            break;
        case 'h':
            usage(stdout);
            return 1;
        default:
            usage(stderr);
            return die("unknown flag or missing value: %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return die("unexpected argument '%s'", argv[optind]);
    if (!o->listen || !o->seed || !o->openfga_url || !o->store_id || !o->model_id || !o->issuer ||
        !o->jwks_url || !o->audience || !o->control_token) {
        usage(stderr);
        return die("missing required flag%s (all but --log-level and --log-file are required)", "");
    }
    if (strlen(o->control_token) < 8)
        return die("--control-token must be at least 8 characters%s", "");
    if (strncmp(o->openfga_url, "http://", 7) != 0 && strncmp(o->openfga_url, "https://", 8) != 0)
        return die("--openfga-url must be an http(s) URL, got '%s'", o->openfga_url);
    return 0;
}

/* Writes the seed tuples, retrying while OpenFGA is still starting. */
static int write_seed(struct standin *si, const struct standin_tuples *tuples, struct lw_err *err)
{
    int64_t deadline = lw_now_ms() + FGA_WAIT_S * 1000;
    for (;;) {
        int rc = standin_fga_write(&si->fga, tuples->v, tuples->n, NULL, 0, err);
        if (rc == 0 || lw_now_ms() > deadline || (rc != LW_EIO && rc != LW_ETIMEOUT) ||
            strstr(err->msg, "HTTP 4"))
            return rc;
        LW_WARN("standin", "openfga_not_ready", "err=\"%s\"", err->msg);
        nanosleep(&(struct timespec){1, 0}, NULL);
    }
}

int main(int argc, char **argv)
{
    static struct standin si;
    static struct standin_flights flights;
    struct standin_tuples tuples = {0};
    struct http_server_opts hopts;
    struct http_server *srv = NULL;
    struct lw_err err = {0};
    const char *level = "info", *logfile = NULL;
    sigset_t sigs;
    int rc, sig;

    rc = parse_flags(argc, argv, &si.opts, &level, &logfile);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (lw_log_parse_level(level, &lw_log_level) != 0)
        return die("bad --log-level '%s' (error|warn|info|debug)", level);
    if (lw_log_open(logfile, &err) != 0)
        return die("%s", err.msg);
    lw_alloc_install_json();
    if (http_client_global_init(&err) != 0)
        return die("%s", err.msg);
    pthread_mutex_init(&si.fault.mu, NULL);
    si.fault.remaining = -1;
    standin_flights_init(&flights);

    si.state = standin_state_new();
    if (!si.state)
        return die("out of memory%s", "");
    if (standin_fga_init(&si.fga, si.opts.openfga_url, si.opts.store_id, si.opts.model_id, &err) !=
            0 ||
        standin_seed_load(&si, si.opts.seed, &tuples, &err) != 0) {
        rc = die("%s", err.msg);
        goto out;
    }
    si.fga.flights = &flights;
    standin_objects_model_tuples(&tuples, si.opts.model_id);
    if (tuples.failed) {
        rc = die("seed produces too many tuples%s", "");
        goto out;
    }
    si.jwt = standin_jwt_new(si.opts.jwks_url, si.opts.issuer, si.opts.audience, &err);
    if (!si.jwt) {
        rc = die("%s", err.msg);
        goto out;
    }
    if (write_seed(&si, &tuples, &err) != 0) {
        rc = die("cannot write the seed tuples to OpenFGA: %s", err.msg);
        goto out;
    }
    LW_INFO("standin", "seeded", "tuples=%d store=%s model=%s", tuples.n, si.opts.store_id,
            si.opts.model_id);

    /* Block the stop signals before the server threads start, so only sigwait sees them. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    memset(&hopts, 0, sizeof hopts);
    hopts.listen = si.opts.listen;
    hopts.nroutes = standin_http_routes(&si, &hopts.routes);
    hopts.max_body = MAX_BODY;
    hopts.max_response = MAX_RESPONSE;
    hopts.max_connections = 256;
    hopts.idle_timeout_s = 120;
    hopts.name = "standin";
    srv = http_server_start(&hopts, &err);
    if (!srv) {
        rc = die("%s", err.msg);
        goto out;
    }
    LW_INFO("standin", "ready", "port=%d", http_server_port(srv));
    while (sigwait(&sigs, &sig) != 0)
        ;
    LW_INFO("standin", "stopping", "signal=%d", sig);
    rc = 0;
out:
    http_server_stop(srv);
    standin_tuples_free(&tuples);
    standin_jwt_free(si.jwt);
    standin_state_free(si.state);
    standin_flights_destroy(&flights);
    http_client_global_cleanup();
    return rc;
}
