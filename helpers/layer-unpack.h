/* layer-unpack - what its parts share (helpers/layer-unpack*.c, see
 * layer-unpack.c)
 *
 * The tar reader is its own file, layer-unpack-tar.c: it turns the headers
 * read on stdin into a struct entry; layer-unpack.c creates the entry
 * under DIR, reading its data with readn(), skip() and pad().
 */
#ifndef MUSTELA_LAYER_UNPACK_H
#define MUSTELA_LAYER_UNPACK_H

#include <stddef.h>
#include <time.h>

#define MAXX 64			/* xattrs per entry */

struct xattr { char *name, *val; size_t len; };
struct entry {
	char *path, *link, type;
	unsigned long long size, uid, gid, mode, maj, min;
	struct timespec mtime;
	struct xattr x[MAXX];
	int nx, set;
};

/* Read headers up to a real entry into e (zeroed); 0 at the end of the
 * archive. */
int read_header(struct entry *e);
/* n bytes of the archive (stdin), or die. */
void readn(void *buf, size_t n);
/* n bytes of the archive read and thrown away. */
void skip(unsigned long long n);
/* The padding after n bytes of data, up to the next 512-byte block. */
unsigned long long pad(unsigned long long n);

#endif
