/* libFuzzer target: the message-catalog parser, on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct i18n *i = i18n_new();
	struct ng_err err = { 0 };

	if (!i)
		return 0;
	if (i18n_load_buffer(i, "fuzz.cat", (const char *)data, size, &err) == 0) {
		const struct i18n_lang *l = i18n_lang_at(i, 0);
		char buf[256];

		if (l) {
			const char *v = i18n_get(i, l->code, "notice.title");
			struct i18n_arg a = { "case", "AB12345C1" };

			i18n_expand(buf, sizeof(buf), v, &a, 1);
		}
	}
	i18n_free(i);
	return 0;
}
