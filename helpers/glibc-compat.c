/* glibc-compat - the glibc entry points that Debian's libseccomp.a calls
 * and musl lacks, for helpers built with musl (see the Makefile)
 *
 * libseccomp is compiled with _FORTIFY_SOURCE, so its fprintf calls are
 * __fprintf_chk (glibc's checked variant, see the LSB). The check is the
 * compiler's, done already; here it is plain vfprintf.
 */
#include <stdarg.h>
#include <stdio.h>

int __fprintf_chk(FILE *stream, int flag, const char *format, ...);

int __fprintf_chk(FILE *stream, int flag, const char *format, ...)
{
	va_list ap;
	int n;

	(void)flag;
	va_start(ap, format);
	n = vfprintf(stream, format, ap);
	va_end(ap);
	return n;
}
