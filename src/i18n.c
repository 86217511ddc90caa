#include "i18n.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CATALOG_BYTES (16u << 20)	/* far above any real catalog */

struct entry {
	char *key;
	char *value;		/* NUL-terminated, escapes resolved */
	size_t vlen, vcap;
	int line;
	bool unreviewed;	/* written "key ?= value" */
};

enum { H_LANGUAGE, H_NAME, H_TRANSLATOR, H_REVIEWED, H_SCRIPT, H_DIRECTION, H_COUNT };

static const char *const hdr_names[H_COUNT] = {
	"language", "name", "translator", "reviewed", "script", "direction",
};
static const char *const hdr_examples[H_COUNT] = {
	"@language = en", "@name = English", "@translator = Example LLC",
	"@reviewed = no", "@script = latin", "@direction = ltr",
};
static const char *const scripts[] = {
	"latin", "cyrillic", "hangul", "han-hans", "han-hant", "bengali",
	"arabic", "hebrew",
};

struct lang {
	struct i18n_lang pub;	/* its strings point at hdr and path */
	char *hdr[H_COUNT];
	int hdr_line[H_COUNT];
	char *path;
	struct entry *ents;	/* sorted by key once loaded */
	size_t n, cap;
	uint32_t *slot;		/* entry index + 1 by hash of its key (0: none); NULL: search ents */
	size_t nslot;
	char **fb;		/* keys that fell back, sorted, owned */
	size_t nfb, capfb;
};

struct i18n {
	struct lang **langs;	/* sorted by code */
	size_t n;
	struct lang *en;
};

/* Where the parser is, for messages "name:line: ...". */
struct parser {
	struct lang *l;
	const char *name;
	int line;
	struct ng_err *err;
};

static int fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ng_fail(p->err, NG_ECONFIG, "%s:%d: %s", p->name, p->line, msg);
}

static int fail_oom(struct parser *p)
{
	return ng_fail(p->err, NG_EINTERNAL, "out of memory loading '%s'", p->name);
}

static void lang_free(struct lang *l)
{
	if (!l)
		return;
	for (size_t k = 0; k < l->n; k++) {
		free(l->ents[k].key);
		free(l->ents[k].value);
	}
	for (size_t k = 0; k < l->nfb; k++)
		free(l->fb[k]);
	for (int h = 0; h < H_COUNT; h++)
		free(l->hdr[h]);
	free(l->ents);
	free(l->slot);
	free(l->fb);
	free(l->path);
	free(l);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static size_t key_len(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9') ||
			 s[k] == '_' || s[k] == '.'))
		k++;
	return k;
}

/* Trims blanks from both ends of s[*i, *n). */
static void trim(const char *s, size_t *i, size_t *n)
{
	while (*i < *n && is_blank(s[*i]))
		(*i)++;
	while (*n > *i && is_blank(s[*n - 1]))
		(*n)--;
}

/*
 * Returns the offset of the first byte of s[0, n) that is not text: NUL,
 * a control character other than tab, or malformed UTF-8 (overlong forms,
 * surrogates and code points past U+10FFFF included); n if there is none.
 */
static size_t bad_byte(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned long cp;
		size_t len;

		if (s[i] < 0x80) {
			if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
				return i;
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			len = 2, cp = s[i] & 0x1f;
		else if ((s[i] & 0xf0) == 0xe0)
			len = 3, cp = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			len = 4, cp = s[i] & 0x07;
		else
			return i;
		if (n - i < len)
			return i;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return i;
		i += len;
	}
	return n;
}

/* Reports the bad byte at s[bad], naming the key if the line has one. */
static int fail_bad_byte(struct parser *p, const char *s, size_t n, size_t bad)
{
	unsigned char c = (unsigned char)s[bad];
	size_t k = key_len(s, n), i = k;
	char where[128] = "";

	while (i < n && is_blank(s[i]))
		i++;
	if (k > 0 && i < bad && (s[i] == '=' || (s[i] == '?' && i + 1 < n && s[i + 1] == '=')))
		snprintf(where, sizeof(where), " in value of '%.*s'", (int)(k < 80 ? k : 80), s);
	if (c == 0)
		return fail(p, "NUL byte%s; save the file as UTF-8 (not UTF-16)", where);
	if (c < 0x80)
		return fail(p, "control character 0x%02x%s; remove it (write \\n for a line break)",
			    c, where);
	return fail(p, "invalid UTF-8%s; save the file as UTF-8", where);
}

/*
 * Appends the value text s[i, n) to e, trimmed, resolving escapes and
 * joining it to text already there with one space (none after a "\n").
 */
static int append_value(struct parser *p, struct entry *e, const char *s, size_t i, size_t n)
{
	trim(s, &i, &n);
	if (e->vlen + (n - i) + 2 > e->vcap) {
		size_t cap = 2 * (e->vlen + (n - i) + 2);
		char *v = realloc(e->value, cap);

		if (!v)
			return fail_oom(p);
		e->value = v;
		e->vcap = cap;
	}
	if (e->vlen > 0 && e->value[e->vlen - 1] != '\n' && i < n)
		e->value[e->vlen++] = ' ';
	for (; i < n; i++) {
		char c = s[i];

		if (c == '\\') {
			if (i + 1 >= n || (s[i + 1] != 'n' && s[i + 1] != '\\'))
				return fail(p, "in value of '%s': a backslash must be followed by "
					    "'n' (line break) or '\\' (a backslash)", e->key);
			c = s[++i] == 'n' ? '\n' : '\\';
		}
		e->value[e->vlen++] = c;
	}
	e->value[e->vlen] = '\0';
	return 0;
}

/* Parses "key = value" or "key ?= value"; returns the new entry or NULL. */
static struct entry *parse_entry(struct parser *p, const char *s, size_t n)
{
	struct lang *l = p->l;
	size_t k = key_len(s, n), i = k;
	bool unreviewed = false;
	struct entry *e;

	while (i < n && is_blank(s[i]))
		i++;
	if (i < n && s[i] == '?') {
		unreviewed = true;
		i++;
	}
	if (k == 0 || i >= n || s[i] != '=') {
		fail(p, "expected 'key = value' with a key of a-z, 0-9, '_' and '.', "
		     "not '%.*s'", (int)(n < 60 ? n : 60), s);
		return NULL;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct entry *ents = realloc(l->ents, cap * sizeof(*ents));

		if (!ents) {
			fail_oom(p);
			return NULL;
		}
		l->ents = ents;
		l->cap = cap;
	}
	e = &l->ents[l->n];
	memset(e, 0, sizeof(*e));
	if (!(e->key = strndup(s, k))) {
		fail_oom(p);
		return NULL;
	}
	l->n++;			/* from here lang_free owns the key */
	e->line = p->line;
	e->unreviewed = unreviewed;
	return append_value(p, e, s, i + 1, n) ? NULL : e;
}

static bool in_list(const char *v, const char *const *list, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!strcmp(v, list[k]))
			return true;
	return false;
}

/* Parses "@field = value  # comment", checking the value's form. */
static int parse_header(struct parser *p, const char *s, size_t n)
{
	static const char *const yes_no[] = {"yes", "no"}, *const dirs[] = {"ltr", "rtl"};
	size_t i = 1, v;
	int h;
	char *val;
	bool ok;

	while (i < n && s[i] >= 'a' && s[i] <= 'z')
		i++;
	for (h = 0; h < H_COUNT; h++)
		if (strlen(hdr_names[h]) == i - 1 && !strncmp(s + 1, hdr_names[h], i - 1))
			break;
	if (h == H_COUNT)
		return fail(p, "unknown header '%.*s'; use @language, @name, @translator, "
			    "@reviewed, @script or @direction", (int)(i < 40 ? i : 40), s);
	while (i < n && is_blank(s[i]))
		i++;
	if (i >= n || s[i] != '=')
		return fail(p, "expected '%s'", hdr_examples[h]);
	for (v = ++i; i < n; i++)	/* a comment starts at a blank + '#' */
		if (s[i] == '#' && (i == v || is_blank(s[i - 1])))
			break;
	n = i;
	trim(s, &v, &n);
	if (p->l->hdr[h])
		return fail(p, "duplicate header '@%s' (first on line %d); keep one",
			    hdr_names[h], p->l->hdr_line[h]);
	if (!(val = strndup(s + v, n - v)))
		return fail_oom(p);
	p->l->hdr[h] = val;
	p->l->hdr_line[h] = p->line;
	switch (h) {
	case H_LANGUAGE:	/* it names a file: [a-z][a-z0-9-]+ */
		ok = n - v >= 2 && n - v <= 15 && val[0] >= 'a' && val[0] <= 'z';
		for (char *c = val; ok && *c; c++)
			ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-';
		break;
	case H_REVIEWED:
		ok = in_list(val, yes_no, 2);
		break;
	case H_SCRIPT:
		ok = in_list(val, scripts, sizeof(scripts) / sizeof(scripts[0]));
		break;
	case H_DIRECTION:
		ok = in_list(val, dirs, 2);
		break;
	default:
		ok = *val != '\0';
	}
	if (!ok)
		return fail(p, "bad value '%s' for @%s; expected e.g. '%s'%s", val,
			    hdr_names[h], hdr_examples[h],
			    h == H_SCRIPT ? " (latin, cyrillic, hangul, han-hans, han-hant, "
					    "bengali, arabic or hebrew)" : "");
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

/* A key's hash for the entry index: a document asks for dozens of strings, twice when bilingual. */
static uint32_t key_hash(const char *k)
{
	uint32_t h = 2166136261u;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	return h;
}

/* Builds l's entry index; without one (out of memory), entries are searched. */
static void index_entries(struct lang *l)
{
	size_t n = 16;

	while (n < 2 * l->n)
		n *= 2;
	free(l->slot);
	if (!(l->slot = calloc(n, sizeof(*l->slot))))
		return;
	l->nslot = n;
	for (size_t k = 0; k < l->n; k++) {
		size_t i = key_hash(l->ents[k].key) & (n - 1);

		while (l->slot[i])
			i = (i + 1) & (n - 1);
		l->slot[i] = (uint32_t)(k + 1);
	}
}


/* Checks the headers as a whole, sorts the keys and rejects duplicates. */
static int finish(struct parser *p)
{
	struct lang *l = p->l;
	bool rtl_script;

	for (int h = 0; h < H_COUNT; h++)
		if (!l->hdr[h])
			return ng_fail(p->err, NG_ECONFIG, "%s: missing header '@%s'; add a line "
				       "such as '%s'", p->name, hdr_names[h], hdr_examples[h]);
	l->pub.code = l->hdr[H_LANGUAGE];
	l->pub.name = l->hdr[H_NAME];
	l->pub.translator = l->hdr[H_TRANSLATOR];
	l->pub.reviewed = !strcmp(l->hdr[H_REVIEWED], "yes");
	l->pub.script = l->hdr[H_SCRIPT];
	l->pub.rtl = !strcmp(l->hdr[H_DIRECTION], "rtl");
	l->pub.path = l->path;
	l->pub.nkeys = l->n;
	rtl_script = !strcmp(l->pub.script, "arabic") || !strcmp(l->pub.script, "hebrew");
	if (rtl_script != l->pub.rtl) {
		p->line = l->hdr_line[H_DIRECTION];
		return fail(p, "@script = %s is written %s; set @direction = %s", l->pub.script,
			    rtl_script ? "right to left" : "left to right", rtl_script ? "rtl" : "ltr");
	}
	if (l->n > 0)
		qsort(l->ents, l->n, sizeof(l->ents[0]), cmp_entry);
	for (size_t k = 1; k < l->n; k++) {
		const struct entry *a = &l->ents[k - 1], *b = &l->ents[k];

		if (!strcmp(a->key, b->key)) {
			p->line = a->line > b->line ? a->line : b->line;
			return fail(p, "duplicate key '%s' (also on line %d); keep one", a->key,
				    a->line < b->line ? a->line : b->line);
		}
	}
	index_entries(l);
	return 0;
}

/* Parses a whole catalog into l; line by line, never reading past len. */
static int parse(struct lang *l, const char *name, const char *data, size_t len,
		 struct ng_err *err)
{
	struct parser p = {l, name, 0, err};
	struct entry *cur = NULL;	/* the entry continuation lines extend */
	size_t pos = 0;

	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		pos = 3;
	while (pos < len) {
		const char *s = data + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos, bad, i = 0;

		pos += n + (nl != NULL);
		p.line++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if ((bad = bad_byte(s, n)) < n)
			return fail_bad_byte(&p, s, n, bad);
		while (i < n && is_blank(s[i]))
			i++;
		if (i == n) {
			cur = NULL;
		} else if (i > 0) {
			if (!cur)
				return fail(&p, "indented line continues no 'key = value' line; "
					    "remove the indentation or the blank line above");
			if (append_value(&p, cur, s, i, n))
				return -1;
		} else if (s[0] == '#') {
			cur = NULL;
		} else if (s[0] == '@') {
			cur = NULL;
			if (parse_header(&p, s, n))
				return -1;
		} else if (!(cur = parse_entry(&p, s, n))) {
			return -1;
		}
	}
	return finish(&p);
}

struct i18n *i18n_new(void)
{
	return calloc(1, sizeof(struct i18n));
}

void i18n_free(struct i18n *i)
{
	if (!i)
		return;
	for (size_t k = 0; k < i->n; k++)
		lang_free(i->langs[k]);
	free(i->langs);
	free(i);
}

/* A linear scan: there are a dozen languages, not thousands. */
static struct lang *find_lang(const struct i18n *i, const char *code)
{
	for (size_t k = 0; i && code && k < i->n; k++)
		if (!strcmp(i->langs[k]->pub.code, code))
			return i->langs[k];
	return NULL;
}

static int cmp_lang(const void *a, const void *b)
{
	return strcmp((*(struct lang *const *)a)->pub.code, (*(struct lang *const *)b)->pub.code);
}

/* Parses data and adds it; expect_code (if not NULL) must be its @language. */
static int load(struct i18n *i, const char *name, const char *data, size_t len,
		const char *expect_code, struct ng_err *err)
{
	struct lang *l = calloc(1, sizeof(*l)), **langs, *old;

	if (!l || !(l->path = strdup(name))) {
		lang_free(l);
		return ng_fail(err, NG_EINTERNAL, "out of memory loading '%s'", name);
	}
	if (parse(l, name, data, len, err))
		goto fail;
	if (expect_code && strcmp(expect_code, l->pub.code)) {
		ng_fail(err, NG_ECONFIG, "%s:%d: @language = %s does not match the file name; "
			"fix one of them", name, l->hdr_line[H_LANGUAGE], l->pub.code);
		goto fail;
	}
	if ((old = find_lang(i, l->pub.code))) {
		ng_fail(err, NG_ECONFIG, "%s: language '%s' is already loaded from '%s'",
			name, l->pub.code, old->path);
		goto fail;
	}
	if (!(langs = realloc(i->langs, (i->n + 1) * sizeof(*langs)))) {
		ng_fail(err, NG_EINTERNAL, "out of memory loading '%s'", name);
		goto fail;
	}
	i->langs = langs;
	langs[i->n++] = l;
	qsort(langs, i->n, sizeof(*langs), cmp_lang);
	if (!strcmp(l->pub.code, "en"))
		i->en = l;
	return 0;
fail:
	lang_free(l);
	return -1;
}

int i18n_load_buffer(struct i18n *i, const char *name, const char *data, size_t len,
		     struct ng_err *err)
{
	return load(i, name, data, len, NULL, err);
}

/* Reads path whole (it may be a pipe) and loads it. */
static int load_path(struct i18n *i, const char *path, const char *expect_code,
		     struct ng_err *err)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, cap = 0;
	int ret = -1;

	if (!f)
		return ng_fail(err, NG_ECONFIG, "unable to open '%s': %s", path, strerror(errno));
	while (len == cap) {
		char *d = cap < MAX_CATALOG_BYTES ? realloc(data, cap ? 2 * cap : 65536) : NULL;

		if (!d) {
			ng_fail(err, NG_ECONFIG, "'%s' is too large for a catalog (or out of "
				"memory)", path);
			goto cleanup;
		}
		data = d;
		cap = cap ? 2 * cap : 65536;
		len += fread(data + len, 1, cap - len, f);
	}
	if (ferror(f)) {
		ng_fail(err, NG_ECONFIG, "unable to read '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	ret = load(i, path, data, len, expect_code, err);
cleanup:
	free(data);
	fclose(f);
	return ret;
}

int i18n_load_file(struct i18n *i, const char *path, struct ng_err *err)
{
	return load_path(i, path, NULL, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int i18n_load_dir(struct i18n *i, const char *dir, struct ng_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0, k;
	int ret = -1;

	if (!d)
		return ng_fail(err, NG_ECONFIG, "unable to open catalog directory '%s': %s",
			       dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len <= 4 || strcmp(de->d_name + len - 4, ".cat"))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*nn));

			if (!nn)
				goto oom;
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name)))
			goto oom;
		n++;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_str);
	for (k = 0; k < n; k++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[k]) >= (int)sizeof(path)) {
			ng_fail(err, NG_ECONFIG, "catalog path too long in '%s'", dir);
			goto cleanup;
		}
		names[k][strlen(names[k]) - 4] = '\0';	/* the code */
		if (load_path(i, path, names[k], err))
			goto cleanup;
	}
	if (!i->en) {
		ng_fail(err, NG_ECONFIG, "%s: no en.cat; English is required as the fallback "
			"for every other language", dir);
		goto cleanup;
	}
	ret = 0;
	goto cleanup;
oom:
	ng_fail(err, NG_EINTERNAL, "out of memory listing '%s'", dir);
cleanup:
	for (k = 0; k < n; k++)
		free(names[k]);
	free(names);
	closedir(d);
	return ret;
}

const struct i18n_lang *i18n_lang(const struct i18n *i, const char *code)
{
	struct lang *l = find_lang(i, code);

	return l ? &l->pub : NULL;
}

const struct i18n_lang *i18n_lang_at(const struct i18n *i, size_t idx)
{
	return i && idx < i->n ? &i->langs[idx]->pub : NULL;
}

static int cmp_key_entry(const void *key, const void *ent)
{
	return strcmp(key, ((const struct entry *)ent)->key);
}

static const struct entry *find_entry(const struct lang *l, const char *key)
{
	if (l->slot) {
		for (size_t i = key_hash(key) & (l->nslot - 1); l->slot[i]; i = (i + 1) & (l->nslot - 1))
			if (!strcmp(l->ents[l->slot[i] - 1].key, key))
				return &l->ents[l->slot[i] - 1];
		return NULL;
	}
	return l->n ? bsearch(key, l->ents, l->n, sizeof(l->ents[0]), cmp_key_entry) : NULL;
}

/* Returns where key is or would go in l->fb (*found says which). */
static size_t fb_pos(const struct lang *l, const char *key, bool *found)
{
	size_t lo = 0, hi = l->nfb;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->fb[mid], key);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* Records key as fallen back in l, once; out of memory drops the record. */
static void record_fallback(struct lang *l, const char *key)
{
	bool found;
	size_t k = fb_pos(l, key, &found);
	char *copy;

	if (found)
		return;
	if (l->nfb == l->capfb) {
		size_t cap = l->capfb ? 2 * l->capfb : 16;
		char **fb = realloc(l->fb, cap * sizeof(*fb));

		if (!fb)
			return;
		l->fb = fb;
		l->capfb = cap;
	}
	if (!(copy = strdup(key)))
		return;
	memmove(l->fb + k + 1, l->fb + k, (l->nfb - k) * sizeof(*l->fb));
	l->fb[k] = copy;
	l->nfb++;
}

const char *i18n_get(const struct i18n *i, const char *code, const char *key)
{
	struct lang *l = find_lang(i, code);
	const struct entry *e;

	if (!l)
		l = i ? i->en : NULL;
	if (!l || !key)
		return "";
	if ((e = find_entry(l, key)))
		return e->value;
	record_fallback(l, key);
	if (l == i->en || !i->en)
		return "";
	if ((e = find_entry(i->en, key)))
		return e->value;
	record_fallback(i->en, key);
	return "";
}

const char *i18n_month_name(const struct i18n *i, const char *code, int m)
{
	char key[24];

	if (m < 1 || m > 12)
		return "";
	snprintf(key, sizeof(key), "month.%d", m);
	return i18n_get(i, code, key);
}

void i18n_month_names(const struct i18n *i, const char *code, const char *out[12])
{
	for (int m = 1; m <= 12; m++)
		out[m - 1] = i18n_month_name(i, code, m);
}

const char *i18n_value_at(const struct i18n *i, const char *code, size_t idx, const char **key)
{
	const struct lang *l = find_lang(i, code);

	if (!l || idx >= l->n)
		return NULL;
	if (key)
		*key = l->ents[idx].key;
	return l->ents[idx].value;
}

size_t i18n_fallback_count(const struct i18n *i, const char *code)
{
	struct lang *l = find_lang(i, code);

	return l ? l->nfb : 0;
}

const char *i18n_fallback_key(const struct i18n *i, const char *code, size_t idx)
{
	struct lang *l = find_lang(i, code);

	return l && idx < l->nfb ? l->fb[idx] : NULL;
}

/* Length of the "{name}" placeholder at s, or 0 if s does not start one. */
static size_t placeholder_len(const char *s)
{
	size_t k = 1;

	if (s[0] != '{' || !((s[1] >= 'a' && s[1] <= 'z') || s[1] == '_'))
		return 0;
	while ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9') || s[k] == '_')
		k++;
	return s[k] == '}' ? k + 1 : 0;
}

/* Appends n bytes of s to buf as far as they fit, keeping *len the total. */
static void put(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
	if (*len < cap)
		memcpy(buf + *len, s, cap - *len < n ? cap - *len : n);
	*len += n;
}

size_t i18n_expand(char *buf, size_t cap, const char *tmpl,
		   const struct i18n_arg *args, size_t nargs)
{
	const char *p = tmpl ? tmpl : "";
	size_t len = 0;

	while (*p) {
		size_t t = placeholder_len(p), run;
		const struct i18n_arg *a = NULL;

		for (size_t k = 0; t && k < nargs && !a; k++)
			if (args[k].name && !strncmp(args[k].name, p + 1, t - 2) &&
			    args[k].name[t - 2] == '\0')
				a = &args[k];
		if (a) {
			put(buf, cap, &len, a->value ? a->value : "", a->value ? strlen(a->value) : 0);
			p += t;
		} else {
			run = 1 + strcspn(p + 1, "{");
			put(buf, cap, &len, p, run);
			p += run;
		}
	}
	if (cap > 0) {
		/* Cut at cap - 1, backing off so no UTF-8 character is split. */
		size_t end = len < cap ? len : cap - 1;

		while (end < len && end > 0 && ((unsigned char)buf[end] & 0xC0) == 0x80)
			end--;
		buf[end] = '\0';
	}
	return len;
}

/* Copies into tok the first placeholder of a missing from b; 0 if none. */
static int missing_placeholder(const char *a, const char *b, char *tok, size_t cap)
{
	for (; *a; a++) {
		size_t t = placeholder_len(a);

		if (t == 0 || t >= cap)
			continue;
		memcpy(tok, a, t);
		tok[t] = '\0';
		if (!strstr(b, tok))
			return 1;
		a += t - 1;
	}
	return 0;
}

/* Reports l against English; returns its number of problems. */
static int report_lang(const struct lang *l, const struct lang *en, FILE *out)
{
	int problems = !l->pub.reviewed;
	size_t a = 0, b = 0;
	char tok[64];

	fprintf(out, "%s (%s): %zu keys, %s, translator: %s\n", l->pub.code, l->pub.name,
		l->n, l->pub.reviewed ? "reviewed" : "NOT reviewed by a certified translator",
		l->pub.translator);
	/* Both key lists are sorted: walk them side by side. */
	while (en && en != l && (a < l->n || b < en->n)) {
		int c = a == l->n ? 1 : b == en->n ? -1 : strcmp(l->ents[a].key, en->ents[b].key);
		const char *key = c > 0 ? en->ents[b].key : l->ents[a].key;

		if (c < 0) {
			fprintf(out, "  not in en: %s\n", key);
			problems++;
		} else if (c > 0) {
			fprintf(out, "  missing (falls back to English): %s\n", key);
			problems++;
		} else if (missing_placeholder(en->ents[b].value, l->ents[a].value, tok, sizeof(tok))) {
			fprintf(out, "  placeholder %s of en missing: %s\n", tok, key);
			problems++;
		} else if (missing_placeholder(l->ents[a].value, en->ents[b].value, tok, sizeof(tok))) {
			fprintf(out, "  placeholder %s not in en: %s\n", tok, key);
			problems++;
		}
		a += c <= 0;
		b += c >= 0;
	}
	for (a = 0; a < l->n; a++)
		if (l->ents[a].unreviewed) {
			fprintf(out, "  unreviewed (?=): %s\n", l->ents[a].key);
			problems++;
		}
	return problems;
}

int i18n_report(const struct i18n *i, FILE *out)
{
	int problems = 0;

	if (!i->en) {
		fprintf(out, "en: not loaded; every language falls back to it\n");
		problems++;
	}
	for (size_t k = 0; k < i->n; k++)
		problems += report_lang(i->langs[k], i->en, out);
	return problems;
}
