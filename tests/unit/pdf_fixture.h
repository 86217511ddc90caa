/*
 * pdf_fixture.h - what the tests that render real PDFs share: the
 * catalogs, the fonts cut into a temporary folder, one PDF writer. Include
 * after cmocka.h; call pdf_fixture_up from the group's setup and
 * pdf_fixture_down from its teardown.
 */
#ifndef NG_PDF_FIXTURE_H
#define NG_PDF_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "i18n.h"
#include "pdf.h"

static char dir[64];
static struct i18n *i18n;
static struct fonts *fonts;
static struct pdf_writer *pdf;

/* name: the temporary folder's, /tmp/ng-test-<name>-XXXXXX. */
static void pdf_fixture_up(const char *name)
{
	struct ng_err err = { 0 };

	snprintf(dir, sizeof(dir), "/tmp/ng-test-%s-XXXXXX", name);
	assert_non_null(mkdtemp(dir));
	i18n = i18n_new();
	if (i18n_load_dir(i18n, "config/lang", &err))
		fail_msg("%s", err.msg);
	fonts = fonts_load("fonts/fonts.ini", dir, i18n, &err);
	if (!fonts)
		fail_msg("%s", err.msg);
	pdf = pdf_new(fonts, &err);
	if (!pdf)
		fail_msg("%s", err.msg);
}

static int pdf_fixture_down(void)
{
	char cmd[96];

	pdf_free(pdf);
	fonts_free(fonts);
	i18n_free(i18n);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

#endif
