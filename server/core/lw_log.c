/* lw_log.c -- writes log events as single lines: `ts=... level=... mod=... event=... k=v`.
 * One write(2) per line keeps lines whole when threads log concurrently. */
#include "lw_log.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int lw_log_level = LW_LOG_INFO;
static int log_fd = 2;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

int lw_log_parse_level(const char *s, int *out)
{
    for (int i = 0; i < 4; i++) {
        if (s && strcmp(s, level_names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    return LW_EINVAL;
}

int lw_log_open(const char *path, struct lw_err *err)
{
    int fd;
    if (!path || strcmp(path, "-") == 0) {
        log_fd = 2;
        return 0;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0)
        return lw_err_set(err, LW_ECONFIG, "cannot open log file %s", path);
    log_fd = fd;
    return 0;
}

const char *lw_log_q(char *buf, size_t n, const char *s)
{
    size_t o = 0;
    if (n == 0)
        return "";
    for (; s && *s && o + 2 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf[o++] = '\\';
        buf[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    buf[o] = '\0';
    return buf;
}

void lw_log_write(int level, const char *mod, const char *event, const char *fmt, ...)
{
    char line[2048];
    struct timespec ts;
    struct tm tm;
    size_t n;
    int r;
    va_list ap;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    r = snprintf(line, sizeof line, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s mod=%s event=%s",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                 tm.tm_sec, ts.tv_nsec / 1000000, level_names[level < 0 ? 0 : level > 3 ? 3 : level],
                 mod, event);
    n = r < 0 ? 0 : (size_t)r;
    if (fmt && *fmt && n < sizeof line - 2) {
        line[n++] = ' ';
        va_start(ap, fmt);
        r = vsnprintf(line + n, sizeof line - n, fmt, ap);
        va_end(ap);
        n += r < 0 ? 0 : (size_t)r;
    }
    if (n > sizeof line - 2)
        n = sizeof line - 2;    /* truncated: keep the line whole and terminated */
    /* Newlines inside values would split an event across lines. */
    for (size_t i = 0; i < n; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[n++] = '\n';
    if (write(log_fd, line, n) < 0) {
        /* nowhere left to report a failed log write */
    }
}
