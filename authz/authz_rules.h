/* authz_rules.h -- the bridge's `allow` rules for one resource (opa-bridge-spec.md §4):
 * they add alternatives to a plan item; nothing is sent until the plan runs. */
#ifndef AUTHZ_RULES_H
#define AUTHZ_RULES_H

#include "authz_plan.h"

/* Default access only: DA1-DA11 and ADM1-ADM3 (§4.1). Needs no Lakekeeper call. */
void authz_rules_default_access(struct authz_plan *p, int item, const struct authz_resource *r);
/* The full allow decision for resource r under the input's operation (§4.1-§4.4), plus the
 * configured extension rules. */
void authz_rules_allow(struct authz_plan *p, int item, const struct authz_resource *r);
/* An operation lakeward does not know (§4.4, §4.5): only the unmanaged-catalogs flag and the
 * extension rules may allow it, as in the bridge, whose rules for those ignore the operation;
 * nothing else does, so on a managed catalog it is denied without asking Lakekeeper. */
void authz_rules_unknown_op(struct authz_plan *p, int item, const struct authz_resource *r);
/* The unmanaged-catalog rule alone (allow_unmanaged's built-in rule). */
bool authz_rules_unmanaged(const struct authz_plan *p, const struct authz_resource *r);
/* True when one of the configured extension rules matches (r may be NULL). */
const char *authz_rules_extension(const struct authz_plan *p, const struct authz_resource *r);

#endif
