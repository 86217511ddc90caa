/*
 * content_huffman.c - prints src/content_huffman.h: how often each deflate
 * symbol (literal, match length, distance) occurs in sample page content,
 * as ISA-L's fastest compressor codes it. Reads the sample on standard
 * input as records: a 4-byte little-endian length, then that many bytes of
 * one uncompressed stream. Made by scripts/content-huffman.sh.
 */
#include <isa-l/igzip_lib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	static struct isal_huff_histogram h;
	unsigned char len4[4], *buf = NULL;
	size_t cap = 0, streams = 0, bytes = 0;

	while (fread(len4, 1, 4, stdin) == 4) {
		uint32_t n = len4[0] | len4[1] << 8 | len4[2] << 16 | (uint32_t)len4[3] << 24;

		if (n > cap && !(buf = realloc(buf, cap = n)))
			return perror("content_huffman"), 1;
		if (fread(buf, 1, n, stdin) != n)
			return fprintf(stderr, "content_huffman: a record ends early\n"), 1;
		isal_update_histogram(buf, (int)n, &h);
		streams++;
		bytes += n;
	}
	printf("/* Made by scripts/content-huffman.sh from %zu streams, %zu bytes: do not edit. */\n", streams, bytes);
	printf("static const unsigned long content_lit_len[%d] = {", ISAL_DEF_LIT_LEN_SYMBOLS);
	for (int i = 0; i < ISAL_DEF_LIT_LEN_SYMBOLS; i++)
		printf("%s%lu,", i % 10 ? " " : "\n\t", (unsigned long)h.lit_len_histogram[i]);
	printf("\n};\nstatic const unsigned long content_dist[%d] = {", ISAL_DEF_DIST_SYMBOLS);
	for (int i = 0; i < ISAL_DEF_DIST_SYMBOLS; i++)
		printf("%s%lu,", i % 10 ? " " : "\n\t", (unsigned long)h.dist_histogram[i]);
	printf("\n};\n");
	free(buf);
	return 0;
}
