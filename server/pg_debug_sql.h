/* pg_debug_sql.h -- debug builds only (-DLW_DEBUG_BUILD, set by the sanitizer build): a
 * table whose scan kills the backend process with SIGSEGV in the middle of a query, so the
 * tests can prove that a crashing SQL backend costs only its own connection
 * (tests/integration/test_pg_isolation.py). Registered as lakeward.debug_crash only when
 * the environment has LAKEWARD_DEBUG_CRASH set; release builds have no such table. */
#ifndef PG_DEBUG_SQL_H
#define PG_DEBUG_SQL_H

#include "../sql/sql_tables.h"

#ifdef LW_DEBUG_BUILD
extern const struct sql_vtab_module pg_debug_crash_module;
#endif

#endif
