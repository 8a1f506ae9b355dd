/* standin_vocab.h -- Lakekeeper's vocabulary per object kind: the catalog action enums accepted by
 * batch-check and listed by the /actions endpoints, their OpenFGA relations, the assignable
 * relations of /permissions, and the OpenFGA object and type names. */
#ifndef STANDIN_VOCAB_H
#define STANDIN_VOCAB_H

#include "standin.h"

/* Kind of a batch-check operation key, or -1. */
int standin_kind_of_key(const char *key);
/* OpenFGA type of a kind ("lakekeeper_table", ...). */
const char *standin_kind_fga_type(int kind);

/* The catalog actions of a kind, in Lakekeeper's declaration order. */
int standin_actions(int kind, const char *const **out);
/* OpenFGA relation checked for action on kind: "can_<action>" with Lakekeeper's exceptions.
 * Returns false when the action is not in the kind's enum. *always is set for actions that
 * Lakekeeper allows without asking (role read_metadata). */
bool standin_action_relation(int kind, const char *action, char *rel, size_t n, bool *always);

/* Assignable relations (the `type` of an Assignment) of a kind. */
int standin_assignables(int kind, const char *const **out);
bool standin_is_assignable(int kind, const char *relation);
/* Relation the actor needs to write or delete an assignment of relation. */
void standin_grant_relation(const char *relation, char *out, size_t n);

/* OpenFGA object strings. false when they do not fit. */
bool standin_fga_object(int kind, const char *warehouse_id, const char *id, char *out, size_t n);

#endif
