/* standin_api.h -- the stand-in's endpoint handlers. Each gets an authenticated call (caller,
 * request, response, path segments after the API prefix) and fills the response with
 * Lakekeeper's JSON shapes. Routing, stats, faults and authentication are in standin_http.c. */
#ifndef STANDIN_API_H
#define STANDIN_API_H

#include "standin.h"
#include "standin_state.h"

/* standin_api_mgmt.c: server, projects, warehouses, roles, users */
void standin_api_info(struct standin_call *c);
void standin_api_whoami(struct standin_call *c);
void standin_api_project_list(struct standin_call *c);
void standin_api_project(struct standin_call *c);
void standin_api_warehouse_list(struct standin_call *c);
void standin_api_warehouse(struct standin_call *c);
void standin_api_role_list(struct standin_call *c);
void standin_api_role(struct standin_call *c);
void standin_api_role_members(struct standin_call *c);
void standin_api_user_list(struct standin_call *c);
void standin_api_user(struct standin_call *c);

/* standin_api_perm.c: /permissions/.../assignments and /.../actions */
void standin_api_assignments_get(struct standin_call *c);
void standin_api_assignments_post(struct standin_call *c);
void standin_api_actions(struct standin_call *c);

/* standin_batch_check.c */
void standin_api_batch_check(struct standin_call *c);

/* standin_api_catalog.c: Iceberg REST */
void standin_api_config(struct standin_call *c);
void standin_api_namespaces(struct standin_call *c);
void standin_api_namespace(struct standin_call *c);
void standin_api_tabulars(struct standin_call *c);
/* standin_iceberg.c: create/load/commit/drop/rename, forwarded to the real Iceberg server */
void standin_api_iceberg(struct standin_call *c);
/* The namespace's properties (location...) as the Iceberg server has them, for
 * GET .../namespaces/{ns}; NULL without a server or when it does not know the namespace. */
json_t *standin_iceberg_namespace_properties(struct standin_call *c);

/* standin_control.c: the /_control/ endpoints (control token, not OIDC) */
void standin_control(void *ctx, const struct http_request *req, struct http_response *resp);
/* Applies a pending fault to a request of endpoint ep; returns true when the fault answered
 * (or dropped) the request and the handler must not run. */
bool standin_fault_apply(struct standin *si, int ep, struct http_response *resp);

/* --- shared by the handlers --- */

/* Asks OpenFGA whether subject has relation on object; on an OpenFGA failure answers 503 and
 * returns -1, else 0/1. */
int standin_ask(struct standin_call *c, const char *subject, const char *relation,
                const char *object);
/* Answers n checks at once (allowed[i] for t[i]); on an OpenFGA failure answers 503 and
 * returns -1. */
struct standin_tuple;
int standin_ask_many(struct standin_call *c, const struct standin_tuple *t, int n, bool *allowed);
/* Resolves ?principalUser= / ?principalRole= to an OpenFGA subject (the caller when both are
 * absent; *other says whether it is someone else). Answers 400/404 and returns false when bad. */
bool standin_principal_param(struct standin_call *c, char *subject, size_t n, bool *other);
/* Registers (or refreshes) the caller as a Lakekeeper user. */
void standin_register_caller(struct standin_call *c, const char *last_updated_with);
/* The request body as JSON, checked like axum's Json extractor: 415 without a JSON content
 * type, 400 on a syntax error (answered, NULL returned). The caller owns the result. */
json_t *standin_body_json(struct standin_call *c);
/* A User object of the API. */
json_t *standin_user_json(const struct si_user *u);

#endif
