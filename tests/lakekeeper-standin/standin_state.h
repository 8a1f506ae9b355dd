/* standin_state.h -- the stand-in's in-memory catalog: projects, warehouses, the namespace tree,
 * tables, views, users and roles, loaded from the seed and changed by /_control/register.
 * One mutex guards it; every getter copies the record out, so nothing borrowed outlives a call.
 * Permissions are not here: they live only in OpenFGA. */
#ifndef STANDIN_STATE_H
#define STANDIN_STATE_H

#include "standin.h"

#define SI_STORAGE_JSON_MAX 1024

struct si_project {
    char id[SI_ID_MAX];
    char name[SI_NAME_MAX];
};

struct si_warehouse {
    char id[SI_ID_MAX];
    char name[SI_NAME_MAX];
    char project_id[SI_ID_MAX];
    bool active;
    bool protected_;
    char storage_profile[SI_STORAGE_JSON_MAX]; /* a JSON object */
    int64_t updated_ms;
};

struct si_namespace {
    char id[SI_ID_MAX];
    char warehouse_id[SI_ID_MAX];
    char parent_id[SI_ID_MAX]; /* "" for a top-level namespace */
    char name[SI_NAME_MAX];    /* last path element */
    bool protected_;
};

struct si_tabular {
    char id[SI_ID_MAX];
    char warehouse_id[SI_ID_MAX];
    char namespace_id[SI_ID_MAX];
    char name[SI_NAME_MAX];
    int kind; /* SI_TABLE or SI_VIEW */
    bool protected_;
};

struct si_user {
    char id[SI_USER_ID_MAX];
    char name[SI_NAME_MAX];
    char email[SI_NAME_MAX];
    bool application;
    const char *last_updated_with; /* static string */
    int64_t created_ms;
    int64_t updated_ms;
};

struct si_role {
    char id[SI_ID_MAX];
    char name[SI_NAME_MAX];
    char description[SI_NAME_MAX];
    char project_id[SI_ID_MAX];
    char provider_id[SI_NAME_MAX];
    char source_id[SI_NAME_MAX];
    int64_t created_ms;
};

/* A namespace path as names, for requests and answers. */
struct si_path {
    int depth;
    char part[SI_NS_DEPTH_MAX][SI_NAME_MAX];
};

struct standin_state *standin_state_new(void) LW_MUSTCHECK;
void standin_state_free(struct standin_state *st);

/* Process-wide facts fixed by the seed. Borrowed, valid for the state's life. */
const char *standin_state_server_id(const struct standin_state *st);
const char *standin_state_default_project(const struct standin_state *st);
int64_t standin_state_started_ms(const struct standin_state *st);

/* Adders (seed and /_control/register). They fail with LW_EINVAL on a duplicate id or name,
 * LW_ENOTFOUND on a missing parent, LW_ENOMEM past SI_MAX_OBJECTS. */
int standin_state_set_server(struct standin_state *st, const char *server_id,
                             const char *default_project, struct lw_err *err) LW_MUSTCHECK;
int standin_state_add_project(struct standin_state *st, const struct si_project *p,
                              struct lw_err *err) LW_MUSTCHECK;
int standin_state_add_warehouse(struct standin_state *st, const struct si_warehouse *w,
                                struct lw_err *err) LW_MUSTCHECK;
int standin_state_add_namespace(struct standin_state *st, const struct si_namespace *n,
                                struct lw_err *err) LW_MUSTCHECK;
int standin_state_add_tabular(struct standin_state *st, const struct si_tabular *t,
                              struct lw_err *err) LW_MUSTCHECK;
int standin_state_add_role(struct standin_state *st, const struct si_role *r,
                           struct lw_err *err) LW_MUSTCHECK;
/* Inserts or refreshes a user (keeps created_ms of an existing one). */
int standin_state_upsert_user(struct standin_state *st, const struct si_user *u,
                              struct lw_err *err) LW_MUSTCHECK;

/* Removers: LW_ENOTFOUND when absent, LW_EINVAL when the object still has children. */
int standin_state_remove_warehouse(struct standin_state *st, const char *id,
                                   struct lw_err *err) LW_MUSTCHECK;
int standin_state_remove_namespace(struct standin_state *st, const char *id,
                                   struct lw_err *err) LW_MUSTCHECK;
int standin_state_remove_tabular(struct standin_state *st, const char *id,
                                 struct lw_err *err) LW_MUSTCHECK;
/* Moves/renames a table or view, keeping its id (LW_ENOTFOUND, LW_EINVAL on a name clash). */
int standin_state_rename_tabular(struct standin_state *st, const char *id, const char *namespace_id,
                                 const char *name, struct lw_err *err) LW_MUSTCHECK;

/* Getters copy into *out and return true when found. Name lookups are case-insensitive, as
 * Lakekeeper's are. */
bool standin_state_project(struct standin_state *st, const char *id, struct si_project *out);
bool standin_state_warehouse(struct standin_state *st, const char *id, struct si_warehouse *out);
bool standin_state_warehouse_by_name(struct standin_state *st, const char *project_id,
                                     const char *name, struct si_warehouse *out);
bool standin_state_namespace(struct standin_state *st, const char *warehouse_id, const char *id,
                             struct si_namespace *out);
bool standin_state_namespace_by_path(struct standin_state *st, const char *warehouse_id,
                                     const struct si_path *path, struct si_namespace *out);
bool standin_state_tabular(struct standin_state *st, const char *warehouse_id, const char *id,
                           int kind, struct si_tabular *out);
bool standin_state_tabular_by_name(struct standin_state *st, const char *warehouse_id,
                                   const char *namespace_id, const char *name, int kind,
                                   struct si_tabular *out);
bool standin_state_user(struct standin_state *st, const char *id, struct si_user *out);
/* A role by id in any project (project_id NULL) or in that project. */
bool standin_state_role(struct standin_state *st, const char *project_id, const char *id,
                        struct si_role *out);

/* Slices of lists, in insertion order. Each copies up to max records starting at offset into
 * out[] and returns how many; *total gets the number of matching records. */
size_t standin_state_projects(struct standin_state *st, size_t offset, struct si_project *out,
                              size_t max, size_t *total);
size_t standin_state_warehouses(struct standin_state *st, const char *project_id, size_t offset,
                                struct si_warehouse *out, size_t max, size_t *total);
/* Children of parent_id ("" = top level) in a warehouse. */
size_t standin_state_child_namespaces(struct standin_state *st, const char *warehouse_id,
                                      const char *parent_id, size_t offset,
                                      struct si_namespace *out, size_t max, size_t *total);
size_t standin_state_tabulars(struct standin_state *st, const char *warehouse_id,
                              const char *namespace_id, int kind, size_t offset,
                              struct si_tabular *out, size_t max, size_t *total);
/* Users, optionally only those whose name equals name_eq (NULL = all). */
size_t standin_state_users(struct standin_state *st, const char *name_eq, size_t offset,
                           struct si_user *out, size_t max, size_t *total);
/* Roles of a project, optionally only the ids in ids[0..nids). */
size_t standin_state_roles(struct standin_state *st, const char *project_id, const char *const *ids,
                           int nids, size_t offset, struct si_role *out, size_t max, size_t *total);

#endif
