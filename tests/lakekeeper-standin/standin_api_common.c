/* standin_api_common.c -- pieces several endpoint files share: one OpenFGA question with a 503 on
 * failure, the principalUser/principalRole query, caller registration, the User JSON shape. */
#include "standin_api.h"
#include "standin_fga.h"
#include "standin_flight.h"
#include "standin_vocab.h"

#include "../../server/core/lw_log.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Counts the checks by their object's OpenFGA type for /_control/stats. */
static void count_checks(struct standin *si, const struct standin_tuple *t, int n)
{
    for (int i = 0; i < n; i++) {
        const char *colon = strchr(t[i].object, ':');
        size_t len = colon ? (size_t)(colon - t[i].object) : 0;
        int k = 0;
        while (k < SI_KIND_COUNT && !(strlen(standin_kind_fga_type(k)) == len &&
                                      strncmp(standin_kind_fga_type(k), t[i].object, len) == 0))
            k++;
        atomic_fetch_add(&si->stats.fga_checks[k], 1);
    }
}

int standin_ask(struct standin_call *c, const char *subject, const char *relation,
                const char *object)
{
    struct standin_tuple t;
    struct lw_err err = {0};
    bool allowed = false;
    if (!standin_tuple_set(&t, subject, relation, object)) {
        standin_error(c->resp, 400, "BadRequest", "identifier too long");
        return -1;
    }
    count_checks(c->si, &t, 1);
    if (standin_flight_check(c->si->fga.flights, &c->si->fga, &t, 1, &allowed, &err) != 0) {
        standin_error(c->resp, 503, "AuthorizationBackendUnavailable", "%s", err.msg);
        return -1;
    }
    return allowed ? 1 : 0;
}

int standin_ask_many(struct standin_call *c, const struct standin_tuple *t, int n, bool *allowed)
{
    struct lw_err err = {0};
    count_checks(c->si, t, n);
    if (standin_flight_check(c->si->fga.flights, &c->si->fga, t, n, allowed, &err) != 0) {
        standin_error(c->resp, 503, "AuthorizationBackendUnavailable", "%s", err.msg);
        return -1;
    }
    return 0;
}

bool standin_principal_param(struct standin_call *c, char *subject, size_t n, bool *other)
{
    const char *user = http_request_query(c->req, "principalUser");
    const char *role = http_request_query(c->req, "principalRole");
    struct si_role r;
    *other = false;
    if (user && role) {
        standin_error(c->resp, 400, "InvalidGetAccessQuery",
                      "Cannot specify both user and role in GetAccessQuery");
        return false;
    }
    if (user) {
        if (!standin_is_user_id(user) || !standin_fga_user(user, subject, n)) {
            standin_error(c->resp, 400, "InvalidUserId",
                          "Invalid user id: `%s`. Expected format: `<idp_id>~<user-id>`", user);
            return false;
        }
        *other = true;
        return true;
    }
    if (role) {
        if (!standin_is_uuid(role)) {
            standin_error(c->resp, 400, "BadRequest", "principalRole must be a UUID");
            return false;
        }
        if (!standin_state_role(c->si->state, NULL, role, &r)) {
            standin_error(c->resp, 404, "RoleIdNotFound", "A role with id '%s' does not exist",
                          role);
            return false;
        }
        snprintf(subject, n, "role:%s#assignee", r.id);
        *other = true;
        return true;
    }
    snprintf(subject, n, "%s", c->actor);
    return true;
}

void standin_register_caller(struct standin_call *c, const char *last_updated_with)
{
    struct si_user u;
    struct lw_err err = {0};
    int64_t now = lw_wall_ms();
    if (standin_state_user(c->si->state, c->who.user_id, &u))
        return; /* already known: Lakekeeper registers on first touch only */
    memset(&u, 0, sizeof u);
    snprintf(u.id, sizeof u.id, "%s", c->who.user_id);
    snprintf(u.name, sizeof u.name, "%s", c->who.name);
    snprintf(u.email, sizeof u.email, "%s", c->who.email);
    u.application = c->who.application;
    u.last_updated_with = last_updated_with;
    u.created_ms = now;
    u.updated_ms = now;
    if (standin_state_upsert_user(c->si->state, &u, &err) != 0)
        LW_WARN("standin", "register_user_failed", "user=%s err=\"%s\"", u.id, err.msg);
}

json_t *standin_user_json(const struct si_user *u)
{
    char created[32], updated[32];
    standin_rfc3339(u->created_ms, created);
    standin_rfc3339(u->updated_ms, updated);
    return json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s}", "id", u->id, "name", u->name, "email",
                     u->email[0] ? json_string(u->email) : json_null(), "user-type",
                     u->application ? "application" : "human", "last-updated-with",
                     u->last_updated_with ? u->last_updated_with : "create-endpoint", "created-at",
                     created, "updated-at", updated);
}

json_t *standin_body_json(struct standin_call *c)
{
    const char *ct = http_request_header(c->req, "Content-Type");
    json_error_t jerr;
    json_t *root;
    /* axum's Json extractor: JSON media type required (415), then syntax (400). */
    bool json_ct = ct && ((strncasecmp(ct, "application/json", 16) == 0 &&
                           (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ')) ||
                          (strncasecmp(ct, "application/", 12) == 0 && strstr(ct, "+json")));
    if (!json_ct) {
        standin_text_error(c->resp, 415, "Expected request with `Content-Type: application/json`");
        return NULL;
    }
    root = json_loadb(c->req->body, c->req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root && strstr(jerr.text, "duplicate")) {
        /* serde reports a repeated field as a data error, not a syntax error. */
        standin_text_error(c->resp, 422,
                           "Failed to deserialize the JSON body into the target type: %s",
                           jerr.text);
        return NULL;
    }
    if (!root) {
        standin_text_error(c->resp, 400,
                           "Failed to parse the request body as JSON: %s at line %d column %d",
                           jerr.text, jerr.line, jerr.column);
        return NULL;
    }
    return root;
}
