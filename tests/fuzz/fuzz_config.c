/*
 * libFuzzer target: the INI reader and the config's typed, checked getters
 * (iniparser underneath), on arbitrary bytes written to a file.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct config cfg;
	struct ng_err err = { 0 };
	FILE *fp;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/noticegen-fuzz-%d.ini", (int)getpid());
	fp = fopen(path, "wb");
	if (!fp)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	config_load(&cfg, path, &err);
	return 0;
}
