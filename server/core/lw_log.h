/* lw_log.h -- one-line key=value event logging with levels. The macros check the
 * level before formatting, so disabled levels cost one comparison. Never pass a
 * secret: there is no field that is safe to hold one. */
#ifndef LW_LOG_H
#define LW_LOG_H

#include "lw.h"

enum lw_log_level { LW_LOG_ERROR = 0, LW_LOG_WARN, LW_LOG_INFO, LW_LOG_DEBUG };

extern int lw_log_level;

/* Parses "error|warn|info|debug"; returns LW_EINVAL for anything else. */
int lw_log_parse_level(const char *s, int *out) LW_MUSTCHECK;
/* Log destination: NULL or "-" for stderr, else a file path opened for append. */
int lw_log_open(const char *path, struct lw_err *err) LW_MUSTCHECK;

/* Escapes s for use inside a quoted log value ("..."): quotes and backslashes get a
 * backslash, control bytes become '?', and the result is cut to fit buf. Use it for every
 * value that comes from a request, so a value cannot fake another key=value field.
 * Returns buf. */
const char *lw_log_q(char *buf, size_t n, const char *s);

void lw_log_write(int level, const char *mod, const char *event, const char *fmt, ...)
    LW_PRINTF(4, 5);

#define LW_LOG(level, mod, event, ...)                                                 \
    do {                                                                               \
        if ((level) <= lw_log_level)                                                   \
            lw_log_write((level), (mod), (event), __VA_ARGS__);                        \
    } while (0)
#define LW_ERROR(mod, event, ...) LW_LOG(LW_LOG_ERROR, mod, event, __VA_ARGS__)
#define LW_WARN(mod, event, ...) LW_LOG(LW_LOG_WARN, mod, event, __VA_ARGS__)
#define LW_INFO(mod, event, ...) LW_LOG(LW_LOG_INFO, mod, event, __VA_ARGS__)
#define LW_DEBUG(mod, event, ...) LW_LOG(LW_LOG_DEBUG, mod, event, __VA_ARGS__)

#endif
