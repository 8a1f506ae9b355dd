/* authz_names.c -- Trino -> Lakekeeper name translation (authz_names.h). */
#include "authz_names.h"

#include <string.h>

static const char *const metadata_suffixes[] = {
    "$properties", "$history", "$metadata_log_entries", "$snapshots", "$manifests",
    "$all_manifests", "$partitions", "$files", "$entries", "$all_entries", "$refs",
};

static json_t *split_n(const char *s, size_t n)
{
    json_t *arr = json_array();
    size_t start = 0;
    if (!arr)
        return NULL;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            /* A part lost to a failed allocation would name another namespace: all or none. */
            if (json_array_append_new(arr, json_stringn(s + start, i - start)) != 0) {
                json_decref(arr);
                return NULL;
            }
            start = i + 1;
        }
    }
    return arr;
}

json_t *authz_ns_split(const char *schema)
{
    return split_n(schema, strlen(schema));
}

json_t *authz_ns_parent(const char *schema)
{
    const char *dot = strrchr(schema, '.');
    return split_n(schema, dot ? (size_t)(dot - schema) : 0);
}

const char *authz_ns_last(const char *schema)
{
    const char *dot = strrchr(schema, '.');
    return dot ? dot + 1 : schema;
}

bool authz_ns_is_nested(const char *schema)
{
    return strchr(schema, '.') != NULL;
}

bool authz_is_metadata_table(const char *t, size_t *base_len)
{
    size_t n = t ? strlen(t) : 0;
    for (size_t i = 0; i < sizeof metadata_suffixes / sizeof *metadata_suffixes; i++) {
        size_t m = strlen(metadata_suffixes[i]);
        if (n >= m && strcmp(t + n - m, metadata_suffixes[i]) == 0) {
            if (base_len)
                *base_len = n - m;
            return true;
        }
    }
    return false;
}

/* object.union(base, extra): keys of extra override, objects on both sides merge. */
static int merge_into(json_t *dst, json_t *src)
{
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v) {
        json_t *d = json_object_get(dst, k);
        if (json_is_object(d) && json_is_object(v)) {
            json_t *copy = json_deep_copy(d);
            if (!copy || merge_into(copy, v) != 0) {
                json_decref(copy);
                return -1;
            }
            if (json_object_set_new(dst, k, copy) != 0)
                return -1;
        } else if (json_object_set(dst, k, v) != 0) {
            return -1;
        }
    }
    return 0;
}

json_t *authz_flatten_properties(json_t *props)
{
    json_t *out, *extra;
    if (!props)
        return json_object();
    if (!json_is_object(props))
        return NULL;
    extra = json_object_get(props, "extra_properties");
    if (extra && !json_is_object(extra))
        return NULL;
    out = json_deep_copy(props);
    if (!out)
        return NULL;
    json_object_del(out, "extra_properties");
    if (extra && merge_into(out, extra) != 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

bool authz_is_lk_system_schema(const char *s)
{
    return s && (strcmp(s, "information_schema") == 0 || strcmp(s, "schema_discovery") == 0 ||
                 strcmp(s, "system") == 0);
}
