/*
 * replay.c — feeds the empty input (as libFuzzer does first), then every file of the directories
 * (or the files) named on the command line to LLVMFuzzerTestOneInput, in name order, each in an
 * exactly-sized heap buffer (so a sanitizer build sees any over-read). Links with one
 * tests/fuzz/fuzz_*.c; needs no libFuzzer.
 *
 * USAGE  replay_<target> DIR|FILE...     exit 0 when every input ran (and at least one did), 1 on an
 *                                        unreadable path or an empty corpus; a finding aborts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_target.h"
#include "../../lib/base/banned.h"

/* data[0..len) in a heap buffer of exactly len bytes: the byte after the input is out of bounds */
static int run_exact(const uint8_t *data, size_t len)
{
	uint8_t *exact = calloc(len ? len : 1, 1);

	if (!exact)
		return -1;
	if (len)
		memcpy(exact, data, len);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int run_file(const char *path)
{
	FILE *in = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0;

	if (!in) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? cap * 2 : 4096);

			if (!nb) {
				fprintf(stderr, "replay: out of memory reading '%s'\n", path);
				free(buf);
				fclose(in);
				return -1;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, in);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(in)) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		free(buf);
		fclose(in);
		return -1;
	}
	fclose(in);
	{
		int r = run_exact(buf, len);

		free(buf);
		return r;
	}
}

static int skip_name(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

int main(int argc, char **argv)
{
	unsigned long n = 0;
	int i, ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	if (run_exact(NULL, 0) < 0) {
		fprintf(stderr, "replay: out of memory\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		struct dirent **list;
		struct stat st;
		int k, m;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: '%s': %s\n", argv[i], strerror(errno));
			ret = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]) < 0)
				ret = 1;
			else
				n++;
			continue;
		}
		m = scandir(argv[i], &list, skip_name, alphasort);
		if (m < 0) {
			fprintf(stderr, "replay: cannot list '%s': %s\n", argv[i], strerror(errno));
			ret = 1;
			continue;
		}
		for (k = 0; k < m; k++) {
			char path[4096];

			if (snprintf(path, sizeof(path), "%s/%s", argv[i], list[k]->d_name) >=
			    (int)sizeof(path)) {
				fprintf(stderr, "replay: path too long in '%s'\n", argv[i]);
				ret = 1;
			} else if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				if (run_file(path) < 0)
					ret = 1;
				else
					n++;
			}
			free(list[k]);
		}
		free(list);
	}
	printf("replay: the empty input and %lu inputs\n", n);
	if (n == 0) {
		fprintf(stderr, "replay: no inputs found\n");
		ret = 1;
	}
	return ret;
}
