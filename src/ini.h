/*
 * ini.h - strict, typed reading of the INI files (config, layouts, fonts)
 * on top of iniparser.
 *
 * iniparser alone is lenient in ways that hide mistakes: "010" reads as
 * octal 8, "off" is not a boolean, a missing key silently gives the
 * default. These getters read decimal only, say which file and key is
 * wrong and what would fix it, and fail instead of guessing.
 */
#ifndef NG_INI_H
#define NG_INI_H

#include "err.h"

struct ini;

/* Loads path. Returns NULL and fills err if the file is missing or unreadable. */
struct ini *ini_load(const char *path, struct ng_err *err);
void ini_free(struct ini *ini);

const char *ini_path(const struct ini *ini);

/* 1 if "section:key" is present. */
int ini_has(const struct ini *ini, const char *key);

/*
 * Required string: fails naming the file and key when absent or empty.
 * The returned pointer belongs to ini.
 */
int ini_str(const struct ini *ini, const char *key, const char **out, struct ng_err *err);

/* Optional string: *out = def when absent. */
const char *ini_str_or(const struct ini *ini, const char *key, const char *def);

/* Decimal integer in [min, max]; def is used when absent unless required. */
int ini_long(const struct ini *ini, const char *key, long min, long max, long def,
	     int required, long *out, struct ng_err *err);

/* Decimal number (points) in [min, max]. */
int ini_num(const struct ini *ini, const char *key, double min, double max, double def,
	    int required, double *out, struct ng_err *err);

/* yes/no, true/false, on/off, 1/0. */
int ini_bool(const struct ini *ini, const char *key, int def, int *out, struct ng_err *err);

/* Number of sections and the name of section i (lower case). */
int ini_nsections(const struct ini *ini);
const char *ini_section(const struct ini *ini, int i);

#endif
