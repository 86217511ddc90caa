/*
 * i18n.h - message catalogs: every user-visible string, per language.
 *
 * One UTF-8 file per language, config/lang/<code>.cat:
 *
 *     # a comment: a line whose first character is '#'
 *     @language = es            # must match the file name in a directory
 *     @name = Español
 *     @translator = Example Translations LLC
 *     @reviewed = no            # yes | no: reviewed by a certified translator
 *     @script = latin           # latin cyrillic hangul han-hans han-hant
 *                               # bengali arabic hebrew
 *     @direction = ltr          # ltr | rtl (arabic and hebrew need rtl)
 *
 *     notice.title = Aviso mensual de manutención cobrada y pagada
 *     pin.step1.body = Necesitará su número de identificación personal
 *         (PIN). Un aviso ...
 *     notice.greeting ?= Estimado/a {name}:\nSu pago ...
 *
 * - All six '@' headers are required, once each; only they may carry a
 *   trailing "# comment".
 * - Keys are [a-z0-9_.]+, each defined once. The value is everything after
 *   the first '=' with surrounding blanks (spaces, tabs) trimmed; it may be
 *   empty. "?=" instead of "=" marks a machine or unreviewed translation.
 * - A line starting with a blank continues the value above (joined with
 *   one space, or none after a "\n"); a blank or comment line ends it.
 * - In values, "\n" is a line break and "\\" a backslash; any other
 *   backslash is an error. "{name}" is a placeholder for i18n_expand.
 * - The file must be valid UTF-8 (a leading BOM is skipped) without NUL or
 *   control characters other than tab; CRLF line ends are accepted.
 * Errors name file:line and the fix.
 *
 * A struct i18n is not thread-safe: i18n_get records fallbacks in it.
 */
#ifndef NG_I18N_H
#define NG_I18N_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

struct i18n;

/* The header of one loaded catalog; strings owned by the struct i18n. */
struct i18n_lang {
	const char *code;		/* @language: "es" */
	const char *name;		/* @name: "Español" */
	const char *translator;		/* @translator */
	const char *script;		/* @script: "latin", "arabic", ... */
	bool reviewed;			/* @reviewed = yes */
	bool rtl;			/* @direction = rtl */
	const char *path;		/* the file it was loaded from */
	size_t nkeys;
};

struct i18n_arg {
	const char *name;		/* placeholder name, without braces */
	const char *value;		/* NULL expands to "" */
};

/* Returns an empty set of catalogs (NULL if out of memory); i18n_free it. */
struct i18n *i18n_new(void);

/* Frees i and everything it returned; NULL is fine. */
void i18n_free(struct i18n *i);

/*
 * Loads every "*.cat" in dir, in name order, each file's @language having
 * to match its name; en.cat is required, as the fallback for every other
 * language. Returns 0, or fills err (NG_ECONFIG) and returns non-zero; the
 * catalogs loaded before the failing one stay loaded.
 */
int i18n_load_dir(struct i18n *i, const char *dir, struct ng_err *err);

/*
 * Loads one catalog file, or a buffer of len bytes (which may hold NULs)
 * that error messages call name. The language must not be loaded yet.
 * Returns 0, or fills err (NG_ECONFIG) and returns non-zero, adding nothing.
 */
int i18n_load_file(struct i18n *i, const char *path, struct ng_err *err);
int i18n_load_buffer(struct i18n *i, const char *name, const char *data,
		     size_t len, struct ng_err *err);

/* The loaded language code, or NULL; i18n_lang_at walks them in code order. */
const struct i18n_lang *i18n_lang(const struct i18n *i, const char *code);
const struct i18n_lang *i18n_lang_at(const struct i18n *i, size_t idx);

/*
 * Returns the text of key in language code, never NULL and never the key
 * itself: a key the language lacks falls back to English and is recorded
 * against code; a key English lacks too gives "" and is also recorded
 * against "en". A code not loaded is served from English without a record
 * (check codes with i18n_lang first). The string lives as long as i.
 */
const char *i18n_get(const struct i18n *i, const char *code, const char *key);

/* The name of month m (1-12; key month.m, with the same fallback as i18n_get); "" for another m. */
const char *i18n_month_name(const struct i18n *i, const char *code, int m);

/*
 * Fills out with the names of the months (keys month.1 ... month.12, with
 * the same fallback as i18n_get), for dates_format with key fmt.date_long.
 */
void i18n_month_names(const struct i18n *i, const char *code, const char *out[12]);

/*
 * The distinct keys that i18n_get could not find in language code since i
 * was loaded: how many, and the idx-th in key order (NULL past the end).
 * For the run summary: "ko: 3 keys fell back to English: a, b, c".
 */
/*
 * The idx-th value of language code in key order (and its key, if key is
 * not NULL); NULL past the end. For checks over every string (glyph
 * coverage, cutting fonts to what the catalogs use).
 */
const char *i18n_value_at(const struct i18n *i, const char *code, size_t idx, const char **key);

size_t i18n_fallback_count(const struct i18n *i, const char *code);
const char *i18n_fallback_key(const struct i18n *i, const char *code, size_t idx);

/*
 * Copies tmpl into buf of cap bytes, replacing each "{name}" whose name
 * is in args with its value; other braces are copied unchanged. Always
 * NUL-terminates when cap > 0 (buf may be NULL if cap is 0), cutting only
 * between UTF-8 characters; returns the length the full text needs, so
 * ret >= cap means it was truncated.
 */
size_t i18n_expand(char *buf, size_t cap, const char *tmpl,
		   const struct i18n_arg *args, size_t nargs);

/*
 * Writes to out, for each language in code order, one line per problem:
 * a header not marked reviewed, keys missing compared with en, keys en does
 * not have, keys marked "?=", and placeholders that differ from en. Returns
 * the number of problems (0: every catalog complete and reviewed).
 */
int i18n_report(const struct i18n *i, FILE *out);

#endif
