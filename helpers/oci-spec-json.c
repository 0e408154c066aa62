/* oci-spec-json - the JSON reader of oci-spec (RFC 8259, strictly)
 *
 * Part of oci-spec (see oci-spec.c): json_parse() reads a whole file into
 * one tree of struct jv (oci-spec.h). Strings come out unescaped in UTF-8
 * (\uXXXX escapes and surrogate pairs joined; input that is not UTF-8, a
 * lone surrogate, a raw control character refused); numbers keep their
 * text and, where they are integers of 64 bits, their value exactly; an
 * object keeps its first order of keys, a repeated key's last value (as
 * jq). Nesting is limited to jq's 256 levels (the reader recurses). An
 * error ends oci-spec with the line, the column and the byte offset.
 * It allocates and never frees: oci-spec exits when the lines are out.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "oci-spec.h"

#define MAX_DEPTH 256		/* jq's own parsing depth limit */

/* The parser's input and the file's name (for messages). */
struct in {
	const char *file, *p, *start, *end;
	int depth;
};

const char *json_type(const struct jv *v)
{
	static const char *const names[] = { "null", "a boolean", "a boolean",
		"a number", "a string", "an array", "an object" };
	return names[v->type];
}

/* "parse error: WHY at line L, column C (byte offset B)": where the
 * parser is (L and C count from 1, B from 0). */
static void __attribute__((noreturn, format(printf, 2, 3)))
parse_error(const struct in *in, const char *fmt, ...)
{
	char why[256];
	const char *q;
	size_t line = 1, col = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	for (q = in->start; q < in->p; q++) {
		col++;
		if (*q == '\n')
			line++, col = 0;
	}
	diex("%s: parse error: %s at line %zu, column %zu (byte offset %zu)",
	     in->file, why, line, col + 1, (size_t)(in->p - in->start));
}

void *json_realloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		diex("out of memory");
	return p;
}

static void skip_space(struct in *in)
{
	while (in->p < in->end && (*in->p == ' ' || *in->p == '\t' ||
				   *in->p == '\n' || *in->p == '\r'))
		in->p++;
}

static int hex4(struct in *in, unsigned *u)
{
	unsigned c, i;

	*u = 0;
	if (in->end - in->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		c = (unsigned char)in->p[i];
		*u <<= 4;
		if (c >= '0' && c <= '9')
			*u |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*u |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*u |= c - 'A' + 10;
		else
			return -1;
	}
	in->p += 4;
	return 0;
}

/* The length of the valid UTF-8 sequence at p (RFC 3629: no overlong
 * form, no surrogate, nothing past U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	size_t n, i;
	unsigned long c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return n;
}

static void put_utf8(char *s, size_t *n, unsigned long c)
{
	if (c < 0x80) {
		s[(*n)++] = (char)c;
	} else if (c < 0x800) {
		s[(*n)++] = (char)(0xc0 | c >> 6);
		s[(*n)++] = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		s[(*n)++] = (char)(0xe0 | c >> 12);
		s[(*n)++] = (char)(0x80 | (c >> 6 & 0x3f));
		s[(*n)++] = (char)(0x80 | (c & 0x3f));
	} else {
		s[(*n)++] = (char)(0xf0 | c >> 18);
		s[(*n)++] = (char)(0x80 | (c >> 12 & 0x3f));
		s[(*n)++] = (char)(0x80 | (c >> 6 & 0x3f));
		s[(*n)++] = (char)(0x80 | (c & 0x3f));
	}
}

/* A string, the opening quote at in->p: its bytes, unescaped, in UTF-8
 * (never longer than the literal: an escape is at least as long). */
static void parse_string(struct in *in, struct jv *v)
{
	const char *bs, *q;
	char *s;
	size_t n = 0, k;
	unsigned u, lo;
	unsigned char c;

	/* the literal's length bounds the bytes' (an escape is at least
	 * as long as what it stands for) */
	for (q = ++in->p; q < in->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	s = json_realloc(NULL, (size_t)(q - in->p) + 1);
	for (;;) {
		if (in->p >= in->end)
			parse_error(in, "Unfinished string at EOF");
		c = (unsigned char)*in->p;
		if (c == '"')
			break;
		if (c < 0x20)
			parse_error(in, "a control character (0x%02x) in a "
				    "string: write it as \\u%04x", c, c);
		if (c != '\\') {
			k = utf8_len((const unsigned char *)in->p,
				     (const unsigned char *)in->end);
			if (!k)
				parse_error(in, "not UTF-8");
			memcpy(s + n, in->p, k);
			n += k;
			in->p += k;
			continue;
		}
		bs = in->p;	/* an escape's error points at its \ */
		if (++in->p >= in->end)
			parse_error(in, "Unfinished string at EOF");
		c = (unsigned char)*in->p++;
		switch (c) {
		case '"': case '\\': case '/': s[n++] = (char)c; break;
		case 'b': s[n++] = '\b'; break;
		case 'f': s[n++] = '\f'; break;
		case 'n': s[n++] = '\n'; break;
		case 'r': s[n++] = '\r'; break;
		case 't': s[n++] = '\t'; break;
		case 'u':
			if (hex4(in, &u) < 0)
				in->p = bs, parse_error(in, "Invalid \\uXXXX "
							"escape");
			if (u >= 0xdc00 && u <= 0xdfff)
				in->p = bs, parse_error(in, "Invalid \\uXXXX "
					"escape: a low surrogate without its "
					"high one");
			if (u >= 0xd800 && u <= 0xdbff) {
				if (in->end - in->p < 2 || in->p[0] != '\\' ||
				    in->p[1] != 'u' ||
				    (in->p += 2, hex4(in, &lo) < 0) ||
				    lo < 0xdc00 || lo > 0xdfff)
					in->p = bs, parse_error(in, "Invalid "
						"\\uXXXX\\uXXXX surrogate "
						"pair escape");
				put_utf8(s, &n, 0x10000 +
					 ((unsigned long)(u - 0xd800) << 10) +
					 (lo - 0xdc00));
			} else {
				put_utf8(s, &n, u);
			}
			break;
		default:
			in->p = bs;
			parse_error(in, "Invalid escape \\%c", c);
		}
	}
	in->p++;
	s[n] = '\0';
	v->type = J_STR;
	v->text = s;
	v->len = n;
}

/* A number (RFC 8259's grammar): an integer of up to 64 bits keeps its
 * value exactly; a fraction or an exponent that still makes an integer
 * below 2^53 (1.0, 1e3) is that integer, as jq prints it. */
static void parse_number(struct in *in, struct jv *v)
{
	const char *b = in->p;
	char buf[128];
	int frac = 0;
	double d;

	if (in->p < in->end && *in->p == '-')
		in->p++;
	if (in->p >= in->end || *in->p < '0' || *in->p > '9')
		parse_error(in, "Invalid numeric literal");
	if (*in->p == '0') {
		in->p++;
	} else {
		while (in->p < in->end && *in->p >= '0' && *in->p <= '9')
			in->p++;
	}
	if (in->p < in->end && *in->p == '.') {
		frac = 1;
		in->p++;
		if (in->p >= in->end || *in->p < '0' || *in->p > '9')
			parse_error(in, "Invalid numeric literal");
		while (in->p < in->end && *in->p >= '0' && *in->p <= '9')
			in->p++;
	}
	if (in->p < in->end && (*in->p == 'e' || *in->p == 'E')) {
		frac = 1;
		in->p++;
		if (in->p < in->end && (*in->p == '+' || *in->p == '-'))
			in->p++;
		if (in->p >= in->end || *in->p < '0' || *in->p > '9')
			parse_error(in, "Invalid numeric literal");
		while (in->p < in->end && *in->p >= '0' && *in->p <= '9')
			in->p++;
	}
	v->type = J_NUM;
	v->text = b;
	v->len = (size_t)(in->p - b);
	v->neg = *b == '-';
	v->integer = 0;
	if (!frac) {
		const char *q = b + v->neg;
		unsigned long long m = 0;

		for (; q < in->p; q++) {
			if (m > (~0ULL - (unsigned)(*q - '0')) / 10)
				return;	/* past 64 bits */
			m = m * 10 + (unsigned)(*q - '0');
		}
		if (v->neg && m > 1ULL << 63)
			return;
		v->mag = m;
		v->integer = 1;
		return;
	}
	if (v->len >= sizeof(buf))
		return;
	memcpy(buf, b, v->len);
	buf[v->len] = '\0';
	d = strtod(buf, NULL);
	v->fraction = d != floor(d);
	if (v->fraction || fabs(d) >= 9007199254740992.0)
		return;
	v->neg = signbit(d) != 0;
	v->mag = (unsigned long long)fabs(d);
	v->integer = 1;
}

static void parse_value(struct in *in, struct jv *v);

static void add_kid(struct jv *v)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 4;
		v->kid = json_realloc(v->kid, v->cap * sizeof(*v->kid));
		if (v->type == J_OBJ)
			v->key = json_realloc(v->key, v->cap * sizeof(*v->key));
	}
	memset(&v->kid[v->n], 0, sizeof(*v->kid));
	v->n++;
}

/* An array or an object, its opening bracket at in->p. */
static void parse_compound(struct in *in, struct jv *v, char close)
{
	struct jv key;
	size_t i;

	if (++in->depth > MAX_DEPTH)
		parse_error(in, "Exceeds depth limit for parsing");
	v->type = close == ']' ? J_ARR : J_OBJ;
	in->p++;
	skip_space(in);
	if (in->p < in->end && *in->p == close) {
		in->p++;
		in->depth--;
		return;
	}
	for (;;) {
		skip_space(in);
		if (v->type == J_ARR) {
			add_kid(v);
			parse_value(in, &v->kid[v->n - 1]);
		} else {
			if (in->p >= in->end)
				parse_error(in, "Unfinished JSON term at EOF");
			if (*in->p != '"')
				parse_error(in, "Object keys must be strings");
			memset(&key, 0, sizeof(key));
			parse_string(in, &key);
			skip_space(in);
			if (in->p >= in->end)
				parse_error(in, "Unfinished JSON term at EOF");
			if (*in->p != ':')
				parse_error(in, "Objects must consist of "
					    "key:value pairs");
			in->p++;
			skip_space(in);
			/* a repeated key: its new value in the first's place */
			for (i = 0; i < v->n; i++)
				if (v->key[i].len == key.len &&
				    !memcmp(v->key[i].text, key.text, key.len))
					break;
			if (i == v->n) {
				add_kid(v);
				v->key[i] = key;
			} else {
				free((char *)key.text);
				memset(&v->kid[i], 0, sizeof(v->kid[i]));
			}
			parse_value(in, &v->kid[i]);
		}
		skip_space(in);
		if (in->p >= in->end)
			parse_error(in, "Unfinished JSON term at EOF");
		if (*in->p == close)
			break;
		if (*in->p != ',')
			parse_error(in, "Expected separator between values");
		in->p++;
	}
	in->p++;
	in->depth--;
}

static void parse_literal(struct in *in, const char *word, enum jtype t,
			  struct jv *v)
{
	size_t n = strlen(word);

	if ((size_t)(in->end - in->p) < n || memcmp(in->p, word, n))
		parse_error(in, "Invalid literal");
	in->p += n;
	v->type = t;
}

static void parse_value(struct in *in, struct jv *v)
{
	skip_space(in);
	if (in->p >= in->end)
		parse_error(in, "Unfinished JSON term at EOF");
	switch (*in->p) {
	case '{': parse_compound(in, v, '}'); break;
	case '[': parse_compound(in, v, ']'); break;
	case '"': parse_string(in, v); break;
	case 't': parse_literal(in, "true", J_TRUE, v); break;
	case 'f': parse_literal(in, "false", J_FALSE, v); break;
	case 'n': parse_literal(in, "null", J_NULL, v); break;
	default:
		if (*in->p == '-' || (*in->p >= '0' && *in->p <= '9'))
			parse_number(in, v);
		else
			parse_error(in, "Invalid literal");
	}
}

/* The whole input: one JSON value, nothing after it but white space. */
void json_parse(const char *file, const char *text, size_t len,
		  struct jv *v)
{
	struct in in = { file, text, text, text + len, 0 };

	skip_space(&in);
	if (in.p == in.end)
		parse_error(&in, "no JSON value (an empty file)");
	parse_value(&in, v);
	skip_space(&in);
	if (in.p != in.end)
		parse_error(&in, "a second JSON value after the first");
}
