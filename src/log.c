#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static enum log_level max_level = LOG_INFO;

void log_set_level(enum log_level level)
{
	max_level = level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char stamp[32], line[2048];
	time_t now = time(NULL);
	int n;
	struct tm tm;
	va_list ap;

	if (level > max_level)
		return;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof(line), "%s noticegen: %s: ", stamp, names[level]);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;      /* cut short: a line, still */
	line[n++] = '\n';
	/*
	 * One write per line: --jobs workers share stderr, and a line written
	 * in parts could be split by another's. A failed write to stderr has
	 * nowhere to be reported.
	 */
	fflush(stderr);
	(void)!write(STDERR_FILENO, line, (size_t)n);
}
