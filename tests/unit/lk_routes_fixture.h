/* lk_routes_fixture.h -- a scripted Lakekeeper (and OpenFGA) for the unit tests of the code
 * that reads them through http_client_exchange: answers by path after the base URL
 * ("http://lk.test", or any other base of the same length such as "http://fg.test") and
 * x-project-id, 404 for anything unscripted, a token for the IdP, and a record of what was
 * sent. A test binary `#include`s it once (after cmocka.h), takes a client of the scripted
 * instance from lk_routes_client() (which also installs the fake and clears the script) and
 * scripts answers with route(). */
#ifndef LK_ROUTES_FIXTURE_H
#define LK_ROUTES_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "../../catalog/http_client.h"
#include "../../catalog/lk_client.h"

#define MAX_SENT 64

/* An answer for a URL that ends with path (after the instance URL); project "" matches any
 * x-project-id. */
struct route {
    const char *path;
    const char *project;
    long status;
    const char *body;
};

static struct route routes[16];
static int nroutes, nsent;
static char sent_url[MAX_SENT][512], sent_project[MAX_SENT][128];

static const char *header_of(const struct http_client_req *r, const char *name)
{
    for (int h = 0; h < HTTP_CLIENT_MAX_HEADERS && r->headers[h]; h++)
        if (strncmp(r->headers[h], name, strlen(name)) == 0)
            return r->headers[h] + strlen(name);
    return "";
}

static void fake_exchange(const struct http_client_req *reqs, struct http_client_resp *resps,
                          int n, size_t max_body)
{
    for (int i = 0; i < n; i++) {
        struct http_client_resp *r = &resps[i];
        memset(r, 0, sizeof *r);
        lw_buf_init(&r->body, max_body);
        const char *url = reqs[i].url;
        if (!url) {     /* a caller short of memory may send a request it could not build */
            r->error = LW_EIO;
            snprintf(r->error_msg, sizeof r->error_msg, "no URL");
            continue;
        }
        if (strstr(url, "/token")) {
            r->status = 200;
            strcpy(r->content_type, "application/json");
            lw_buf_puts(&r->body, "{\"access_token\":\"tok\",\"expires_in\":300}");
            continue;
        }
        const char *path = url + strlen("http://lk.test");
        const char *project = header_of(&reqs[i], "x-project-id: ");
        if (nsent < MAX_SENT) {
            snprintf(sent_url[nsent], sizeof sent_url[nsent], "%s", path);
            snprintf(sent_project[nsent], sizeof sent_project[nsent], "%s", project);
        }
        nsent++;
        const struct route *rt = NULL;
        for (int k = 0; k < nroutes && !rt; k++)
            if (strcmp(path, routes[k].path) == 0 &&
                (!*routes[k].project || strcmp(project, routes[k].project) == 0))
                rt = &routes[k];
        if (!rt) {
            r->status = 404;
            strcpy(r->content_type, "application/json");
            lw_buf_puts(&r->body, "{\"error\":{\"code\":404}}");
            continue;
        }
        r->status = rt->status;
        strcpy(r->content_type, "application/json");
        lw_buf_puts(&r->body, rt->body);
    }
}

static inline void route(const char *path, const char *project, long status,
                         const char *body)
{
    routes[nroutes++] = (struct route){path, project, status, body};
}

static inline bool sent(const char *path)
{
    for (int i = 0; i < nsent && i < MAX_SENT; i++)
        if (strcmp(sent_url[i], path) == 0)
            return true;
    return false;
}

/* A client of the scripted instance "default" at http://lk.test, with the fake installed
 * and no answer scripted yet. */
static inline struct lk_client *lk_routes_client(void)
{
    struct lw_err err = {0};
    struct lk_client_opts o = {"default", "http://lk.test", "http://idp.test/token", "lakeward",
                               "s3cret", NULL, 100, 1000, 1000, 1000, 1 << 20};
    http_client_exchange = fake_exchange;
    nroutes = nsent = 0;
    struct lk_client *c = lk_client_new(&o, NULL, &err);
    assert_non_null(c);
    return c;
}

#endif
