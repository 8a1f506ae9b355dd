/* authz_batch.h -- the bridge's /batch decision (opa-bridge-spec.md §5): routes each
 * filterResources item to default access, per-item allow rules, or the Lakekeeper fast
 * path (broad-access probes) and slow path (per-item table+view / namespace checks). */
#ifndef AUTHZ_BATCH_H
#define AUTHZ_BATCH_H

#include "authz_plan.h"

/* Fills p->allowed for every index the answer must contain (item indices, or column
 * indices for FilterColumns' one-table form; p must have been initialised with
 * max(nitems, ncolumns) items). */
void authz_batch_decide(struct authz_plan *p, int64_t probe_ttl_ms, int64_t decision_ttl_ms);

/* Index space of the answer: filterResources count, or the columns of FilterColumns'
 * one-table form when larger. */
int authz_batch_answer_size(const struct authz_input *in);

/* The query id if it is safe to send as a header value, else "" (never NULL). */
const char *authz_safe_query_id(const char *qid);

#endif
