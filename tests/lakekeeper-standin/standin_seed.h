/* standin_seed.h -- the seed loader: builds the stand-in's catalog from tests/stack/seed.json and
 * collects the OpenFGA tuples that Lakekeeper would have written for that scenario. */
#ifndef STANDIN_SEED_H
#define STANDIN_SEED_H

#include "standin_objects.h"

/* Loads path into si->state (which must be empty) and appends the scenario's tuples to out.
 * LW_ECONFIG with a one-line reason naming the offending entry. */
int standin_seed_load(struct standin *si, const char *path, struct standin_tuples *out,
                      struct lw_err *err) LW_MUSTCHECK;

#endif
