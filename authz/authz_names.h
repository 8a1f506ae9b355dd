/* authz_names.h -- translation of Trino names into Lakekeeper terms (opa-bridge-spec.md
 * §3.6): schema -> namespace path, Iceberg metadata tables, property flattening. */
#ifndef AUTHZ_NAMES_H
#define AUTHZ_NAMES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* "a.b" -> ["a","b"]; "" -> [""]. New reference, NULL on allocation failure. */
json_t *authz_ns_split(const char *schema);
/* The parent path of a nested schema ("a.b.c" -> ["a","b"]) and its last segment. */
json_t *authz_ns_parent(const char *schema);
const char *authz_ns_last(const char *schema);
bool authz_ns_is_nested(const char *schema);

/* True when t ends in one of Iceberg's metadata-table suffixes ($snapshots, ...); then
 * *base_len is the length of the base table name. */
bool authz_is_metadata_table(const char *t, size_t *base_len);

/* {"a":1,"extra_properties":{"b":2}} -> {"a":1,"b":2}, merged recursively, extra wins.
 * NULL props means {}. Returns a new reference, or NULL when the reference is undefined
 * (props or extra_properties not an object): the rule needing it denies. */
json_t *authz_flatten_properties(json_t *props);

/* LK system schemas: information_schema, schema_discovery, system. */
bool authz_is_lk_system_schema(const char *s);

#endif
