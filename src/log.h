/*
 * log.h - diagnostics on stderr, one line each, in a form cron mail and
 * journald read well: "2026-11-03T01:00:02Z noticegen: warning: case
 * AB12345C1 (Kings): ...". Only the run loop and main log.
 */
#ifndef NG_LOG_H
#define NG_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Messages above level are dropped: --quiet sets LOG_WARN, --verbose LOG_DEBUG. */
void log_set_level(enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
