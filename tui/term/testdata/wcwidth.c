/* Prints the C library's wcwidth(3) for every code point as ranges of equal
 * width, "first last width" in hex, hex, decimal: the table width.go is made
 * from (gen_wcwidth.go) and checked against (TestWidthIsTheCLibrarys). */
#define _XOPEN_SOURCE 700
#include <locale.h>
#include <stdio.h>
#include <wchar.h>

int main(void) {
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "no C.UTF-8 locale\n");
		return 1;
	}
	long first = 0;
	int width = wcwidth(0);
	for (long r = 1; r <= 0x110000; r++) {
		int w = r < 0x110000 ? wcwidth((wchar_t)r) : -2;
		if (w != width) {
			printf("%lx %lx %d\n", first, r - 1, width);
			first = r;
			width = w;
		}
	}
	return 0;
}
