#include "ini.h"

#include <errno.h>
#include <iniparser/iniparser.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* iniparser reports syntax errors through this; keep the first for our message. */
static char parse_error[512];

static int on_parse_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int on_parse_error(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	size_t n;

	if (parse_error[0])
		return 0;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = strcspn(line, "\n");
	line[n] = '\0';
	/* iniparser says "syntax error in FILE (LINE):" then "-> the line": keep both, on one line. */
	snprintf(parse_error, sizeof(parse_error), "%s", line);
	return 0;
}

struct ini {
	dictionary *dict;
	char *path;
};

struct ini *ini_load(const char *path, struct ng_err *err)
{
	struct ini *ini;

	if (access(path, R_OK) != 0) {
		ng_fail(err, NG_ECONFIG, "cannot read '%s': %s; check the path in the config",
			path, strerror(errno));
		return NULL;
	}
	ini = calloc(1, sizeof(*ini));
	if (!ini || !(ini->path = strdup(path))) {
		free(ini);
		ng_fail(err, NG_EINTERNAL, "out of memory");
		return NULL;
	}
	parse_error[0] = '\0';
	iniparser_set_error_callback(on_parse_error);
	ini->dict = iniparser_load(path);
	if (!ini->dict || parse_error[0]) {
		ng_fail(err, NG_ECONFIG,
			"'%s' is not a valid INI file (%s); fix that line (comments go on lines of their own, "
			"and lines must be shorter than 1,023 characters)", path,
			parse_error[0] ? parse_error : "a line is too long");
		ini_free(ini);
		return NULL;
	}
	return ini;
}

void ini_free(struct ini *ini)
{
	if (!ini)
		return;
	if (ini->dict)
		iniparser_freedict(ini->dict);
	free(ini->path);
	free(ini);
}

const char *ini_path(const struct ini *ini)
{
	return ini->path;
}

int ini_has(const struct ini *ini, const char *key)
{
	return iniparser_find_entry(ini->dict, key) != 0;
}

const char *ini_str_or(const struct ini *ini, const char *key, const char *def)
{
	const char *v = iniparser_getstring(ini->dict, key, NULL);

	return (v && *v) ? v : def;
}

int ini_str(const struct ini *ini, const char *key, const char **out, struct ng_err *err)
{
	*out = ini_str_or(ini, key, NULL);
	if (!*out)
		return ng_fail(err, NG_ECONFIG, "%s: missing key '%s'; add it (see config/README.md)",
			       ini->path, key);
	return 0;
}

int ini_num(const struct ini *ini, const char *key, double min, double max, double def,
	    int required, double *out, struct ng_err *err)
{
	const char *v = ini_str_or(ini, key, NULL);
	char *end;
	double d;

	if (!v) {
		if (required)
			return ng_fail(err, NG_ECONFIG, "%s: missing key '%s'; add a number from %g to %g",
				       ini->path, key, min, max);
		*out = def;
		return 0;
	}
	errno = 0;
	d = strtod(v, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	if (errno || end == v || *end || !isfinite(d) || d < min || d > max)
		return ng_fail(err, NG_ECONFIG, "%s: key '%s' is '%s'; it must be a number from %g to %g",
			       ini->path, key, v, min, max);
	*out = d;
	return 0;
}

int ini_long(const struct ini *ini, const char *key, long min, long max, long def,
	     int required, long *out, struct ng_err *err)
{
	const char *v = ini_str_or(ini, key, NULL);
	char *end;
	long n;

	if (!v) {
		if (required)
			return ng_fail(err, NG_ECONFIG,
				       "%s: missing key '%s'; add a whole number from %ld to %ld",
				       ini->path, key, min, max);
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (errno || end == v || *end || n < min || n > max)
		return ng_fail(err, NG_ECONFIG,
			       "%s: key '%s' is '%s'; it must be a whole number from %ld to %ld",
			       ini->path, key, v, min, max);
	*out = n;
	return 0;
}

int ini_bool(const struct ini *ini, const char *key, int def, int *out, struct ng_err *err)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	const char *v = ini_str_or(ini, key, NULL);
	size_t i;

	*out = def;
	if (!v)
		return 0;
	for (i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]))
			return *out = 1, 0;
		if (!strcasecmp(v, no[i]))
			return *out = 0, 0;
	}
	return ng_fail(err, NG_ECONFIG, "%s: key '%s' is '%s'; write yes or no", ini->path, key, v);
}

int ini_nsections(const struct ini *ini)
{
	return iniparser_getnsec(ini->dict);
}

const char *ini_section(const struct ini *ini, int i)
{
	return iniparser_getsecname(ini->dict, i);
}
