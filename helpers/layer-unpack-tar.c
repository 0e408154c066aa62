/* layer-unpack-tar - the tar reader: headers (ustar, pax, GNU) to entries
 *
 * Part of layer-unpack (see layer-unpack.c and layer-unpack.h). read_header()
 * reads stdin up to the next real entry, taking in the pax extended headers
 * ('x': path, linkpath, size, uid, gid, mtime, SCHILY.xattr.*; global 'g'
 * ones are read and ignored) and GNU long names and link targets ('L',
 * 'K') on the way; the entry's data is left for the caller, to read with
 * readn(), then skip() its padding (pad()). A header it cannot read ends in
 * "layer-unpack: archive: what", exit 125: a bad checksum, a pax record
 * past its header, a header over 1 MiB, a negative number, GNU sparse
 * files (not supported), more than 64 xattrs, the end of stdin within an
 * entry. It creates nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"
#include "layer-unpack.h"

#define BLK 512
#define MAXMETA (1 << 20)	/* the most a pax or GNU long-name header holds */

enum { P_SIZE = 1, P_UID = 2, P_GID = 4, P_MTIME = 8 };	/* set by pax */


void readn(void *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(0, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("read archive");
		if (r == 0)
			diex("archive: unexpected end");
		got += r;
	}
}

void skip(unsigned long long n)
{
	char buf[65536];
	size_t k;

	for (; n > 0; n -= k) {
		k = n < sizeof(buf) ? n : sizeof(buf);
		readn(buf, k);
	}
}

unsigned long long pad(unsigned long long n)
{
	return (BLK - n % BLK) % BLK;
}

/* A numeric header field: octal, or base-256 when the top bit is set. */
static unsigned long long num(const unsigned char *f, size_t len)
{
	unsigned long long v = 0;
	size_t i = 0;

	if (f[0] & 0x80) {
		if (f[0] & 0x40)
			diex("archive: negative number in a header");
		for (v = f[0] & 0x3f, i = 1; i < len; i++)
			v = v << 8 | f[i];
		return v;
	}
	while (i < len && (f[i] == ' ' || f[i] == '\0'))
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++)
		v = v << 3 | (f[i] - '0');
	return v;
}

static char *readmeta(unsigned long long size)
{
	char *buf;

	if (size > MAXMETA)
		diex("archive: header of %llu bytes", size);
	buf = malloc(size + 1);
	if (!buf)
		die("malloc");
	readn(buf, size);
	skip(pad(size));
	buf[size] = '\0';
	return buf;
}

static char *dupstr(char *old, const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		die("malloc");
	free(old);
	return p;
}

/* pax records "LEN KEY=VALUE\n": the ones that change the next entry. */
static void pax(struct entry *e, char *p, unsigned long long size)
{
	char *end = p + size, *key, *val, *next, *frac;
	const char *d;
	unsigned long long len;
	int n;
	struct xattr *x;

	for (; p < end; p = next) {
		/* LEN starts with a digit (strtoull would skip spaces and
		 * take a sign) and ends within the header */
		len = *p >= '0' && *p <= '9' ? strtoull(p, &key, 10) : 0;
		if (len == 0 || len > (unsigned long long)(end - p) ||
		    *key != ' ' || p[len - 1] != '\n')
			diex("archive: bad pax record");
		next = p + len;
		key++;
		val = memchr(key, '=', next - key);
		if (!val)
			diex("archive: bad pax record");
		*val++ = '\0';
		next[-1] = '\0';
		if (!strcmp(key, "path")) {
			e->path = dupstr(e->path, val, next - 1 - val);
		} else if (!strcmp(key, "linkpath")) {
			e->link = dupstr(e->link, val, next - 1 - val);
		} else if (!strcmp(key, "size")) {
			e->size = strtoull(val, NULL, 10);
			e->set |= P_SIZE;
		} else if (!strcmp(key, "uid")) {
			e->uid = strtoull(val, NULL, 10);
			e->set |= P_UID;
		} else if (!strcmp(key, "gid")) {
			e->gid = strtoull(val, NULL, 10);
			e->set |= P_GID;
		} else if (!strcmp(key, "mtime")) {
			e->mtime.tv_sec = strtoll(val, &frac, 10);
			e->mtime.tv_nsec = 0;
			for (n = 0, d = *frac == '.' ? frac + 1 : ""; n < 9; n++)
				e->mtime.tv_nsec = e->mtime.tv_nsec * 10 +
					(*d >= '0' && *d <= '9' ? *d++ - '0' : 0);
			e->set |= P_MTIME;
		} else if (!strncmp(key, "GNU.sparse.", 11)) {
			diex("archive: sparse files are not supported");
		} else if (!strncmp(key, "SCHILY.xattr.", 13)) {
			if (e->nx == MAXX)
				diex("archive: more than %d xattrs", MAXX);
			x = &e->x[e->nx++];
			x->name = dupstr(NULL, key + 13, strlen(key + 13));
			x->len = next - 1 - val;
			x->val = malloc(x->len + 1);	/* may hold NULs */
			if (!x->val)
				die("malloc");
			memcpy(x->val, val, x->len);
		}
	}
}

/* Read headers up to a real entry; 0 at the end of the archive. */
int read_header(struct entry *e)
{
	unsigned char h[BLK];
	unsigned long long sum, size;
	long long ssum;
	char name[257], *meta;
	int i;

	for (;;) {
		readn(h, BLK);
		for (i = 0; i < BLK && !h[i]; i++)
			;
		if (i == BLK)
			return 0;
		for (i = 0, sum = 0, ssum = 0; i < BLK; i++) {
			sum += (i >= 148 && i < 156) ? ' ' : h[i];
			ssum += (i >= 148 && i < 156) ? ' ' : (signed char)h[i];
		}
		if (sum != num(h + 148, 8) && ssum != (long long)num(h + 148, 8))
			diex("archive: header checksum mismatch");
		size = e->set & P_SIZE ? e->size : num(h + 124, 12);
		e->type = h[156];
		if (e->type == 'x' || e->type == 'g') {
			/* pax: extended (next entry) or global (ignored) */
			e->set &= ~P_SIZE;
			meta = readmeta(num(h + 124, 12));
			if (e->type == 'x')
				pax(e, meta, num(h + 124, 12));
			free(meta);
		} else if (e->type == 'L' || e->type == 'K') {
			/* GNU long name or long link target */
			meta = readmeta(num(h + 124, 12));
			if (e->type == 'L')
				e->path = dupstr(e->path, meta, strlen(meta));
			else
				e->link = dupstr(e->link, meta, strlen(meta));
			free(meta);
		} else {
			break;
		}
	}
	if (!e->path) {
		/* ustar: prefix "/" name; GNU magic puts other data there */
		name[0] = '\0';
		if (!memcmp(h + 257, "ustar\0", 6) && h[345])
			snprintf(name, sizeof(name), "%.155s/", (char *)h + 345);
		snprintf(name + strlen(name), sizeof(name) - strlen(name),
			 "%.100s", (char *)h);
		e->path = dupstr(NULL, name, strlen(name));
	}
	if (!e->link)
		e->link = dupstr(NULL, (char *)h + 157, 100);
	e->size = size;
	if (!(e->set & P_UID))
		e->uid = num(h + 108, 8);
	if (!(e->set & P_GID))
		e->gid = num(h + 116, 8);
	if (!(e->set & P_MTIME))
		e->mtime.tv_sec = num(h + 136, 12);
	e->mode = num(h + 100, 8) & 07777;
	e->maj = num(h + 329, 8);
	e->min = num(h + 337, 8);
	/* old archives mark directories by a trailing slash only */
	if ((e->type == '0' || !e->type) && *e->path &&
	    e->path[strlen(e->path) - 1] == '/')
		e->type = '5';
	return 1;
}
