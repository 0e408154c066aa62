/* replay - run a fuzz harness once over files, without libFuzzer
 *
 * usage: TARGET-replay FILE...
 *
 * Linked with one harness (fuzz/TARGET.c) built with ASan and UBSan but
 * not -fsanitize=fuzzer: each FILE is read and given once to
 * LLVMFuzzerTestOneInput, in order, its name printed first. A sanitizer's
 * report or an abort ends the run with a status other than 0 (what
 * test/fuzz.bats checks, over fuzz/corpus/TARGET and fuzz/regress/TARGET).
 * Exit: 0 all ran, 1 a file could not be read, else the sanitizer's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *data = NULL;
		size_t size = 0, n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		for (;;) {
			data = realloc(data, size + 65536);
			if (!data)
				return 1;
			n = fread(data + size, 1, 65536, f);
			size += n;
			if (n < 65536)
				break;
		}
		if (ferror(f) || fclose(f) != 0) {
			perror(argv[i]);
			return 1;
		}
		fprintf(stderr, "replay: %s\n", argv[i]);
		LLVMFuzzerTestOneInput(data, size);
		free(data);
	}
	return 0;
}
