/* oci-spec - what its parts share (helpers/oci-spec*.c, see oci-spec.c)
 *
 * The JSON reader (oci-spec-json.c) gives the whole file as one tree of
 * struct jv; oci-spec.c walks it into the "KEY VALUE" lines.
 */
#ifndef MUSTELA_OCI_SPEC_H
#define MUSTELA_OCI_SPEC_H

#include <stddef.h>

enum jtype { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

/* A JSON value. A number keeps its text and, when it is an integer that
 * fits 64 bits (signed or unsigned), its sign and magnitude. An object
 * keeps its keys in the order they first came (a repeated key's value
 * replaced in place, as jq). */
struct jv {
	enum jtype type;
	const char *text;	/* J_NUM: the literal; J_STR: the bytes */
	size_t len;
	int neg, integer;	/* J_NUM: negative; an integer that fits */
	int fraction;		/* J_NUM: not a whole number */
	unsigned long long mag;	/* J_NUM: the magnitude */
	struct jv *kid;		/* J_ARR, J_OBJ: the values */
	struct jv *key;		/* J_OBJ: the keys (J_STR) */
	size_t n, cap;
};

/* FILE's text (len bytes) as one JSON value in v; anything else (not
 * JSON, a second value, nesting past jq's 256 levels) ends oci-spec with
 * "FILE: parse error: WHY at line L, column C (byte offset B)". */
void json_parse(const char *file, const char *text, size_t len,
		struct jv *v);
/* "a string", "an object", ...: v's type, for messages. */
const char *json_type(const struct jv *v);
/* realloc(3), or oci-spec ends: out of memory. */
void *json_realloc(void *p, size_t n);

#endif
