/* standin_http.h -- the stand-in's route table for http_server: /health, the /_control/ endpoints,
 * and the authenticated Lakekeeper APIs under /management/v1/ and /catalog/v1/. */
#ifndef STANDIN_HTTP_H
#define STANDIN_HTTP_H

#include "standin.h"

/* Points *out at the routes (static storage, ctx = si) and returns their count. */
int standin_http_routes(struct standin *si, const struct http_route **out);

#endif
