/* http_routes.h -- lakeward's HTTP face: the OPA-compatible decision endpoints Trino calls,
 * /health, /metrics and the decision-log tail. */
#ifndef HTTP_ROUTES_H
#define HTTP_ROUTES_H

#include "../authz/authz_decision_log.h"
#include "../authz/authz_engine.h"
#include "http_server.h"

struct http_routes_ctx {
    struct authz_engine *engine;
    struct authz_decision_log *log;
    struct lk_client **lk;          /* for /health's upstream report */
    int nlk;
};

/* Fills routes (capacity >= HTTP_ROUTES_COUNT) pointing at ctx; returns the count. */
#define HTTP_ROUTES_COUNT 8
int http_routes_fill(struct http_route *routes, struct http_routes_ctx *ctx);

#endif
