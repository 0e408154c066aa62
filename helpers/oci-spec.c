/* oci-spec - a runtime-spec config.json as "KEY VALUE" lines for mustela-oci
 *
 * usage: oci-spec [--process | --resources] FILE
 *
 * Reads FILE (- for standard input): one JSON value, a runtime-spec
 * config.json, or with --process the process object of `mustela-oci exec
 * --process`, or with --resources the linux.resources object of `update
 * --resources`. Prints what the runtime needs, one item a line, "KEY
 * VALUE", in the order and spelling libexec/mustela/oci-config lists (the
 * keys are documented there; oci-create and oci-commands read them with
 * read and case: no quoting to undo, no eval).
 *
 * A value that would break its line is refused: a newline in a one-line
 * value, a tab in a tab-separated field, a record separator (0x1e) in an
 * argument or environment entry (where a newline is written as 0x1e), a
 * unit separator (0x1f) in a hook's argument or environment entry, a NUL
 * anywhere; so is a part of the wrong JSON type, an integer that is not
 * one or is past 64 bits, a seccomp action or operator seccomp-load has
 * no word for, and JSON that is not JSON (with its line, column and
 * byte). Nothing is printed then: the lines are written only when the
 * whole file was read. Keys the runtime does not use are ignored; of a
 * key given twice, the last value counts (as jq).
 *
 * The JSON reader is oci-spec-json.c (strict RFC 8259, exact 64-bit
 * integers, UTF-8 out); this file walks its tree into the lines.
 *
 * Changes: nothing (a filter: it reads one file and writes standard
 * output). Not a link of a chain: it runs no program. Installed in
 * LIBEXECDIR/mustela, not on the PATH.
 *
 * Does not: check what is a runtime's to check (a namespace type, a
 * capability name, a path's existence: oci-create does, with the config's
 * words), or read more than 64 MiB.
 *
 * Exit: 0 the lines were printed, 125 the file was refused (or could not
 * be read), with one line on stderr: "oci-spec: FILE: WHERE: why".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"
#include "oci-spec.h"

#define SYNOPSIS "oci-spec [--process | --resources] FILE"
#define OPTIONS \
	"  --process         FILE is a process object (exec --process)\n" \
	"  --resources       FILE is a linux.resources object (update)\n" \
	"  -h, --help        print this help\n"

#define MAX_FILE (64 << 20)
#define WHERE_MAX 512

/* The output: every line, written once all is read. */
struct out {
	char *buf;
	size_t len, cap;
	const char *file;
};

/* Refusals: "FILE: WHERE: why". */
static void __attribute__((noreturn, format(printf, 3, 4)))
refuse(const struct out *o, const char *where, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	diex("%s: %s: %s", o->file, where, why);
}

/* s as a JSON string (escaped, on one line), cut after 60 bytes. */
static const char *quoted(char *q, size_t size, const struct jv *s)
{
	size_t i, n = 0;
	unsigned char c;

	q[n++] = '"';
	for (i = 0; i < s->len && n + 8 < size; i++) {
		c = (unsigned char)s->text[i];
		if (i == 60) {
			n += (size_t)snprintf(q + n, size - n, "...");
			break;
		}
		if (c == '"' || c == '\\')
			n += (size_t)snprintf(q + n, size - n, "\\%c", c);
		else if (c == '\n')
			n += (size_t)snprintf(q + n, size - n, "\\n");
		else if (c == '\t')
			n += (size_t)snprintf(q + n, size - n, "\\t");
		else if (c < 0x20 || c == 0x7f)
			n += (size_t)snprintf(q + n, size - n, "\\u%04x", c);
		else
			q[n++] = (char)c;
	}
	q[n++] = '"';
	q[n] = '\0';
	return q;
}

/* A path cut to WHERE_MAX ends in "...". */
static const char *cut(char *w, int n)
{
	if (n < 0 || n >= WHERE_MAX)
		memcpy(w + WHERE_MAX - 4, "...", 4);
	return w;
}

/* WHERE, then .KEY or [I]: the path of a part, for messages. */
static const char *sub(char *w, const char *where, const char *key)
{
	return cut(w, snprintf(w, WHERE_MAX, "%s%s%s", where,
			       *where ? "." : "", key));
}

static const char *idx(char *w, const char *where, size_t i)
{
	return cut(w, snprintf(w, WHERE_MAX, "%s[%zu]", where, i));
}

/* The key's name quoted where it is not a plain word. */
static const char *sub_key(char *w, const char *where, const struct jv *k)
{
	char q[128];
	size_t i;

	for (i = 0; i < k->len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-./", k->text[i]))
			break;
	if (k->len && i == k->len)
		return sub(w, where, k->text);
	return cut(w, snprintf(w, WHERE_MAX, "%s[%s]", where,
			       quoted(q, sizeof(q), k)));
}

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		while (o->len + n + 1 > o->cap)
			o->cap = o->cap ? 2 * o->cap : 4096;
		o->buf = json_realloc(o->buf, o->cap);
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* o's member key, or NULL where it is missing or null (jq's `// x`). */
static const struct jv *get(const struct jv *o, const char *key)
{
	size_t i, n = strlen(key);

	if (!o)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (o->key[i].len == n && !memcmp(o->key[i].text, key, n))
			return o->kid[i].type == J_NULL ? NULL : &o->kid[i];
	return NULL;
}

/* v if it is of type t (a missing or null v: NULL), else refused. */
static const struct jv *want(const struct out *o, const struct jv *v,
			     enum jtype t, const char *where)
{
	static const char *const names[] = { "null", "a boolean",
		"a boolean", "an integer", "a string", "an array",
		"an object" };

	if (!v)
		return NULL;
	if (v->type == t || (t == J_TRUE && v->type == J_FALSE))
		return v;
	refuse(o, where, "not %s (%s)", names[t], json_type(v));
}

static const struct jv *member(const struct out *o, const struct jv *obj,
			       const char *key, enum jtype t, const char *where)
{
	char w[WHERE_MAX];

	return want(o, get(obj, key), t, sub(w, where, key));
}

/* A boolean member is true (jq's `== true`). */
static int is_true(const struct out *o, const struct jv *obj,
		   const char *key, const char *where)
{
	const struct jv *v = member(o, obj, key, J_TRUE, where);

	return v && v->type == J_TRUE;
}

/* A string's bytes, refused where one would break the line: a NUL,
 * forbidden (a byte a reader of the line would split on), and, with nl,
 * a newline. */
static void put_str(struct out *o, const struct jv *s, const char *where,
		    int nl, int forbidden, const char *what)
{
	char q[128];

	if (s->type != J_STR)
		refuse(o, where, "not a string (%s)", json_type(s));
	if (memchr(s->text, '\0', s->len))
		refuse(o, where, "a NUL byte (\\u0000) in a value: %s",
		       quoted(q, sizeof(q), s));
	if (nl && memchr(s->text, '\n', s->len))
		refuse(o, where, "a newline in a one-line value: %s",
		       quoted(q, sizeof(q), s));
	if (forbidden && memchr(s->text, forbidden, s->len))
		refuse(o, where, "%s: %s", what, quoted(q, sizeof(q), s));
	put(o, s->text, s->len);
}

/* jq's `one`: a string on one line. */
static void one(struct out *o, const struct jv *s, const char *where)
{
	put_str(o, s, where, 1, 0, NULL);
}

/* "KEY name=value", a line for each member of the object d (null: none):
 * linux.sysctl's and linux.resources.unified's. */
static void name_values(struct out *o, const char *key, const struct jv *d,
			const char *where)
{
	char w[WHERE_MAX];
	size_t i;

	for (i = 0; d && i < d->n; i++) {
		sub_key(w, where, &d->key[i]);
		puts_(o, key);
		puts_(o, " ");
		one(o, &d->key[i], w);
		puts_(o, "=");
		one(o, &d->kid[i], w);
		puts_(o, "\n");
	}
}

/* jq's `field`: one field of a tab-separated line. */
static void field(struct out *o, const struct jv *s, const char *where)
{
	put_str(o, s, where, 1, '\t', "a tab in a tab-separated field");
}

/* An integer as jq prints it (an integer's digits). */
static void num(struct out *o, const struct jv *v, const char *where)
{
	char d[32];

	if (v->type != J_NUM)
		refuse(o, where, "not an integer (%s)", json_type(v));
	if (!v->integer)
		refuse(o, where, "%s: %.*s", v->fraction ? "not an integer" :
		       "out of the range of 64 bits",
		       (int)(v->len > 40 ? 40 : v->len), v->text);
	snprintf(d, sizeof(d), "%s%llu", v->neg ? "-" : "", v->mag);
	puts_(o, d);
}

/* A member that must be an integer, printed; missing or null: dflt, or
 * refused without one. */
static void num_or(struct out *o, const struct jv *obj, const char *key,
		   const char *dflt, const char *where)
{
	char w[WHERE_MAX];
	const struct jv *v = get(obj, key);

	sub(w, where, key);
	if (v)
		num(o, v, w);
	else if (dflt)
		puts_(o, dflt);
	else
		refuse(o, w, "missing");
}

/* A string member printed (a one-line value, or with tab a field), or
 * dflt where it is missing or null (jq's `.key // "dflt"`). */
static void str_or(struct out *o, const struct jv *obj, const char *key,
		   const char *dflt, const char *where, int tab)
{
	char w[WHERE_MAX];
	const struct jv *v = member(o, obj, key, J_STR, where);

	sub(w, where, key);
	if (!v)
		puts_(o, dflt);
	else if (tab)
		field(o, v, w);
	else
		one(o, v, w);
}

/* The integer members keys (NULL-ended, each needed), space-separated,
 * then the end of the line. */
static void nums(struct out *o, const struct jv *obj,
		 const char *const keys[], const char *where)
{
	size_t i;

	for (i = 0; keys[i]; i++) {
		puts_(o, " ");
		num_or(o, obj, keys[i], NULL, where);
	}
	puts_(o, "\n");
}

/* "KEY VALUE" of a string member that is there (jq's `// empty`); with
 * skip_empty, an empty string is as missing. */
static void line_str(struct out *o, const char *k, const struct jv *obj,
		     const char *key, const char *where, int skip_empty)
{
	char w[WHERE_MAX];
	const struct jv *v = member(o, obj, key, J_STR, where);

	if (!v || (skip_empty && !v->len))
		return;
	puts_(o, k);
	puts_(o, " ");
	one(o, v, sub(w, where, key));
	puts_(o, "\n");
}

/* "KEY N" of an integer member that is there. */
static void line_num(struct out *o, const char *k, const struct jv *obj,
		     const char *key, const char *where)
{
	char w[WHERE_MAX];
	const struct jv *v = get(obj, key);

	if (!v)
		return;
	puts_(o, k);
	puts_(o, " ");
	num(o, v, sub(w, where, key));
	puts_(o, "\n");
}

/* The array member key's elements (a missing one: none). */
static const struct jv *list(const struct out *o, const struct jv *obj,
			     const char *key, const char *where)
{
	return member(o, obj, key, J_ARR, where);
}

/* A member of type t that must be there. */
static const struct jv *needed_t(const struct out *o, const struct jv *obj,
				 const char *key, enum jtype t,
				 const char *where)
{
	char w[WHERE_MAX];
	const struct jv *v = member(o, obj, key, t, where);

	if (!v)
		refuse(o, sub(w, where, key), "missing");
	return v;
}

/* A string member that must be there, as one field or one line. */
static const struct jv *needed(const struct out *o, const struct jv *obj,
			       const char *key, const char *where)
{
	return needed_t(o, obj, key, J_STR, where);
}

/* "KEY ELEMENT" for each string of an array member. */
static void lines_str(struct out *o, const char *k, const struct jv *obj,
		      const char *key, const char *where)
{
	char w[WHERE_MAX], wi[WHERE_MAX];
	const struct jv *a = list(o, obj, key, where);
	size_t i;

	sub(w, where, key);
	for (i = 0; a && i < a->n; i++) {
		puts_(o, k);
		puts_(o, " ");
		one(o, &a->kid[i], idx(wi, w, i));
		puts_(o, "\n");
	}
}

/* jq's `tojson` of a string (jq's escapes: ", \, \b \f \n \r \t, other
 * control characters and DEL as \u00XX; the rest as it is). */
static void put_json_str(struct out *o, const struct jv *s)
{
	char e[8];
	size_t i;
	unsigned char c;

	puts_(o, "\"");
	for (i = 0; i < s->len; i++) {
		c = (unsigned char)s->text[i];
		switch (c) {
		case '"': puts_(o, "\\\""); break;
		case '\\': puts_(o, "\\\\"); break;
		case '\b': puts_(o, "\\b"); break;
		case '\f': puts_(o, "\\f"); break;
		case '\n': puts_(o, "\\n"); break;
		case '\r': puts_(o, "\\r"); break;
		case '\t': puts_(o, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				snprintf(e, sizeof(e), "\\u%04x", c);
				puts_(o, e);
			} else {
				put(o, (const char *)&c, 1);
			}
		}
	}
	puts_(o, "\"");
}

/* annotations: the object of strings, compact, on one line. */
static void annotations(struct out *o, const struct jv *cfg)
{
	char w[WHERE_MAX];
	const struct jv *a = member(o, cfg, "annotations", J_OBJ, "");
	size_t i;

	puts_(o, "annotations {");
	for (i = 0; a && i < a->n; i++) {
		want(o, &a->kid[i], J_STR,
		     sub_key(w, "annotations", &a->key[i]));
		if (i)
			puts_(o, ",");
		put_json_str(o, &a->key[i]);
		puts_(o, ":");
		put_json_str(o, &a->kid[i]);
	}
	puts_(o, "}\n");
}

/* process: arguments, environment, user, capabilities, rlimits. */
static void process(struct out *o, const struct jv *cfg)
{
	char w[WHERE_MAX], wi[WHERE_MAX], wk[WHERE_MAX];
	const struct jv *p = member(o, cfg, "process", J_OBJ, "");
	const struct jv *a, *u, *v, *c, *r, *e;
	const char *where = "process";
	size_t i, j, k;

	/* args and env: a newline written as 0x1e (oci-create turns it
	 * back), so 0x1e itself cannot be told apart: refused */
	for (k = 0; k < 2; k++) {
		const char *name = k ? "env" : "args";

		a = list(o, p, name, where);
		sub(w, where, name);
		for (i = 0; a && i < a->n; i++) {
			size_t start;

			puts_(o, k ? "env " : "arg ");
			start = o->len;
			put_str(o, &a->kid[i], idx(wi, w, i), 0, 0x1e,
				"a record separator (0x1e) in an argument "
				"or environment entry");
			for (j = start; j < o->len; j++)
				if (o->buf[j] == '\n')
					o->buf[j] = 0x1e;
			puts_(o, "\n");
		}
	}
	puts_(o, "cwd ");
	str_or(o, p, "cwd", "/", where, 0);
	puts_(o, "\n");
	u = member(o, p, "user", J_OBJ, where);
	sub(w, where, "user");
	puts_(o, "user ");
	num_or(o, u, "uid", "0", w);
	puts_(o, " ");
	num_or(o, u, "gid", "0", w);
	puts_(o, "\n");
	line_num(o, "umask", u, "umask", w);
	a = list(o, u, "additionalGids", w);
	sub(wk, w, "additionalGids");
	for (i = 0; a && i < a->n; i++) {
		puts_(o, "group ");
		num(o, &a->kid[i], idx(wi, wk, i));
		puts_(o, "\n");
	}
	if (is_true(o, p, "terminal", where))
		puts_(o, "terminal 1\n");
	v = member(o, p, "consoleSize", J_OBJ, where);
	if (v) {
		sub(w, where, "consoleSize");
		puts_(o, "console ");
		num_or(o, v, "width", NULL, w);
		puts_(o, "x");
		num_or(o, v, "height", NULL, w);
		puts_(o, "\n");
	}
	if (is_true(o, p, "noNewPrivileges", where))
		puts_(o, "nnp 1\n");
	line_num(o, "oom", p, "oomScoreAdj", where);
	line_str(o, "apparmor", p, "apparmorProfile", where, 1);
	line_str(o, "selinux", p, "selinuxLabel", where, 1);
	/* capabilities: "cap SET names" (lower case, no cap_, commas) */
	c = member(o, p, "capabilities", J_OBJ, where);
	for (i = 0; c && i < c->n; i++) {
		sub_key(wk, "process.capabilities", &c->key[i]);
		a = want(o, &c->kid[i], J_ARR, wk);
		if (!a)
			refuse(o, wk, "not an array (null)");
		puts_(o, "cap ");
		one(o, &c->key[i], wk);
		puts_(o, " ");
		for (j = 0; j < a->n; j++) {
			const struct jv *s = &a->kid[j];
			size_t start, m;

			if (j)
				puts_(o, ",");
			start = o->len;
			put_str(o, s, idx(wi, wk, j), 1, ',',
				"a comma in a capability name");
			for (m = start; m < o->len; m++)
				if (o->buf[m] >= 'A' && o->buf[m] <= 'Z')
					o->buf[m] += 'a' - 'A';
			if (o->len - start >= 4 &&
			    !memcmp(o->buf + start, "cap_", 4)) {
				memmove(o->buf + start, o->buf + start + 4,
					o->len - start - 4);
				o->len -= 4;
			}
		}
		puts_(o, "\n");
	}
	r = list(o, p, "rlimits", where);
	for (i = 0; r && i < r->n; i++) {
		idx(wk, "process.rlimits", i);
		e = want(o, &r->kid[i], J_OBJ, wk);
		puts_(o, "rlimit ");
		v = needed(o, e, "type", wk);
		one(o, v, sub(w, wk, "type"));
		puts_(o, " ");
		num_or(o, e, "soft", NULL, wk);
		puts_(o, " ");
		num_or(o, e, "hard", NULL, wk);
		puts_(o, "\n");
	}
}

/* A seccomp action as seccomp-load's word (jq's act). */
static void action(struct out *o, const struct jv *obj, const char *key,
		   const char *errkey, const char *where)
{
	char w[WHERE_MAX];
	const struct jv *a = member(o, obj, key, J_STR, where);
	const struct jv *e;
	char q[128];

	sub(w, where, key);
	if (a && !strcmp(a->text, "SCMP_ACT_ALLOW")) {
		puts_(o, "allow");
	} else if (a && !strcmp(a->text, "SCMP_ACT_ERRNO")) {
		puts_(o, "errno ");
		e = get(obj, errkey);
		if (e)
			num(o, e, sub(w, where, errkey));
		else
			puts_(o, "1");
	} else if (a && (!strcmp(a->text, "SCMP_ACT_KILL") ||
			 !strcmp(a->text, "SCMP_ACT_KILL_THREAD"))) {
		puts_(o, "kill");
	} else if (a && !strcmp(a->text, "SCMP_ACT_KILL_PROCESS")) {
		puts_(o, "kill-process");
	} else if (a && !strcmp(a->text, "SCMP_ACT_TRAP")) {
		puts_(o, "trap");
	} else if (a && !strcmp(a->text, "SCMP_ACT_LOG")) {
		puts_(o, "log");
	} else {
		refuse(o, w, "seccomp action %s is not supported (ALLOW, "
		       "ERRNO, KILL, KILL_PROCESS, TRAP, LOG)",
		       a ? quoted(q, sizeof(q), a) : "null");
	}
}

/* One argument condition: " argI OP VALUE" or " argI &MASK == VALUE". */
static void condition(struct out *o, const struct jv *c, const char *where)
{
	static const char *const ops[][2] = { { "SCMP_CMP_EQ", "==" },
		{ "SCMP_CMP_NE", "!=" }, { "SCMP_CMP_LT", "<" },
		{ "SCMP_CMP_LE", "<=" }, { "SCMP_CMP_GT", ">" },
		{ "SCMP_CMP_GE", ">=" } };
	const struct jv *op = member(o, c, "op", J_STR, where);
	char w[WHERE_MAX], q[128];
	size_t i;

	puts_(o, " arg");
	num_or(o, c, "index", NULL, where);
	if (op && !strcmp(op->text, "SCMP_CMP_MASKED_EQ")) {
		puts_(o, " &");
		num_or(o, c, "value", NULL, where);
		puts_(o, " == ");
		num_or(o, c, "valueTwo", "0", where);
		return;
	}
	for (i = 0; op && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(op->text, ops[i][0]))
			break;
	if (!op || i == sizeof(ops) / sizeof(ops[0]))
		refuse(o, sub(w, where, "op"), "seccomp operator %s is unknown",
		       op ? quoted(q, sizeof(q), op) : "null");
	puts_(o, " ");
	puts_(o, ops[i][1]);
	puts_(o, " ");
	num_or(o, c, "value", NULL, where);
}

/* linux.seccomp: "seccomp default ACTION", then "seccomp ACTION NAME
 * [CONDITION]..." a syscall name (seccomp-load's profile lines). */
static void seccomp(struct out *o, const struct jv *l)
{
	char wr[WHERE_MAX], w[WHERE_MAX], wi[WHERE_MAX];
	const char *where = "linux.seccomp";
	const struct jv *s = member(o, l, "seccomp", J_OBJ, "linux");
	const struct jv *rules, *r, *names, *args;
	size_t i, j, k;

	if (!s)
		return;
	puts_(o, "seccomp default ");
	action(o, s, "defaultAction", "defaultErrnoRet", where);
	puts_(o, "\n");
	rules = list(o, s, "syscalls", where);
	for (i = 0; rules && i < rules->n; i++) {
		idx(wr, "linux.seccomp.syscalls", i);
		r = want(o, &rules->kid[i], J_OBJ, wr);
		names = list(o, r, "names", wr);
		args = list(o, r, "args", wr);
		for (j = 0; names && j < names->n; j++) {
			puts_(o, "seccomp ");
			action(o, r, "action", "errnoRet", wr);
			puts_(o, " ");
			one(o, &names->kid[j], idx(wi, sub(w, wr, "names"), j));
			sub(w, wr, "args");
			for (k = 0; args && k < args->n; k++) {
				idx(wi, w, k);
				condition(o, want(o, &args->kid[k], J_OBJ, wi),
					  wi);
			}
			puts_(o, "\n");
		}
	}
}

/* The objects of an array member, each its where in wi. */
#define EACH_OBJ(o, a, i, e, wa, wi) \
	for (i = 0; a && i < a->n && (idx(wi, wa, i), \
		e = want(o, &a->kid[i], J_OBJ, wi), 1); i++)

/* A member printed as an integer, "-" where it is missing (jq's opt). */
static void num_opt(struct out *o, const struct jv *obj, const char *key,
		    const char *where)
{
	num_or(o, obj, key, "-", where);
}

/* "blkthrottle KIND MAJOR MINOR RATE" of each device of a throttle list. */
static void throttle(struct out *o, const struct jv *b, const char *key,
		     const char *kind, const char *where)
{
	char w[WHERE_MAX], wi[WHERE_MAX];
	const struct jv *a = list(o, b, key, where), *e;
	size_t i;

	sub(w, where, key);
	EACH_OBJ(o, a, i, e, w, wi) {
		puts_(o, "blkthrottle ");
		puts_(o, kind);
		nums(o, e, (const char *const[]){ "major", "minor", "rate",
			 NULL }, wi);
	}
}

/* A boolean member that is there: "KEY true|false"; with only_true
 * (jq's `// empty`), false is as missing. */
static void line_bool(struct out *o, const char *k, const struct jv *obj,
		      const char *key, const char *where, int only_true)
{
	const struct jv *v = member(o, obj, key, J_TRUE, where);

	if (!v || (only_true && v->type == J_FALSE))
		return;
	puts_(o, k);
	puts_(o, v->type == J_TRUE ? " true\n" : " false\n");
}

/* The keys of linux.resources the runtime knows, and those of its
 * objects (NULL: any, a list or a map); any other is "resource NAME". */
static const char *const *known_keys(const struct jv *k)
{
	static const char *const memory[] = { "limit", "reservation",
		"swap", "kernel", "kernelTCP", "swappiness",
		"disableOOMKiller", "useHierarchy", NULL };
	static const char *const cpu[] = { "shares", "quota", "period",
		"realtimeRuntime", "realtimePeriod", "cpus", "mems", "idle",
		NULL };
	static const char *const pids[] = { "limit", NULL };
	static const char *const blockio[] = { "weight", "leafWeight",
		"weightDevice", "throttleReadBpsDevice",
		"throttleWriteBpsDevice", "throttleReadIOPSDevice",
		"throttleWriteIOPSDevice", NULL };
	static const char *const network[] = { "classID", "priorities",
		NULL };
	static const char *const any[] = { NULL };
	static const struct {
		const char *name;
		const char *const *keys;
	} known[] = { { "memory", memory }, { "cpu", cpu }, { "pids", pids },
		{ "blockIO", blockio }, { "network", network },
		{ "devices", any }, { "hugepageLimits", any },
		{ "rdma", any }, { "unified", any } };
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].name) == k->len &&
		    !memcmp(known[i].name, k->text, k->len))
			return known[i].keys;
	return NULL;
}

/* "resource NAME" of each key (not null) the runtime does not know. */
static void unknown_resources(struct out *o, const struct jv *r,
			      const char *where)
{
	char w[WHERE_MAX];
	const char *const *keys;
	const struct jv *v;
	size_t i, j, k;

	for (i = 0; r && i < r->n; i++) {
		if (r->kid[i].type == J_NULL)
			continue;
		keys = known_keys(&r->key[i]);
		sub_key(w, where, &r->key[i]);
		if (!keys) {
			puts_(o, "resource ");
			one(o, &r->key[i], w);
			puts_(o, "\n");
			continue;
		}
		v = &r->kid[i];
		if (!keys[0] || v->type != J_OBJ)
			continue;
		for (j = 0; j < v->n; j++) {
			if (v->kid[j].type == J_NULL)
				continue;
			for (k = 0; keys[k]; k++)
				if (strlen(keys[k]) == v->key[j].len &&
				    !memcmp(keys[k], v->key[j].text,
					    v->key[j].len))
					break;
			if (keys[k])
				continue;
			puts_(o, "resource ");
			put(o, r->key[i].text, r->key[i].len);
			puts_(o, ".");
			one(o, &v->key[j], w);
			puts_(o, "\n");
		}
	}
}

/* linux.resources: the limits cg-attach sets, the device rules. */
static void resources(struct out *o, const struct jv *l, const char *where)
{
	char w[WHERE_MAX], wi[WHERE_MAX], wm[WHERE_MAX], wd[WHERE_MAX];
	const struct jv *r = member(o, l, "resources", J_OBJ, where);
	const struct jv *m, *c, *d, *e, *v, *b, *n;
	size_t i;

	sub(w, where, "resources");
	m = member(o, r, "memory", J_OBJ, w);
	sub(wm, w, "memory");
	line_num(o, "memory", m, "limit", wm);
	line_num(o, "swap", m, "swap", wm);
	c = member(o, r, "cpu", J_OBJ, w);
	sub(wm, w, "cpu");
	line_num(o, "shares", c, "shares", wm);
	line_num(o, "quota", c, "quota", wm);
	line_num(o, "period", c, "period", wm);
	line_str(o, "cpus", c, "cpus", wm, 0);
	line_str(o, "mems", c, "mems", wm, 0);
	line_num(o, "pids", member(o, r, "pids", J_OBJ, w), "limit",
		 sub(wm, w, "pids"));
	d = list(o, r, "devices", w);
	sub(wm, w, "devices");
	for (i = 0; d && i < d->n; i++) {
		idx(wi, wm, i);
		e = want(o, &d->kid[i], J_OBJ, wi);
		v = needed_t(o, e, "allow", J_TRUE, wi);
		puts_(o, v->type == J_TRUE ? "devrule true " :
		      "devrule false ");
		str_or(o, e, "type", "a", wi, 0);
		puts_(o, " ");
		num_or(o, e, "major", "*", wi);
		puts_(o, " ");
		num_or(o, e, "minor", "*", wi);
		puts_(o, " ");
		str_or(o, e, "access", "rwm", wi, 0);
		puts_(o, "\n");
	}
	d = list(o, r, "hugepageLimits", sub(w, where, "resources"));
	sub(wm, w, "hugepageLimits");
	for (i = 0; d && i < d->n; i++) {
		idx(wi, wm, i);
		e = want(o, &d->kid[i], J_OBJ, wi);
		v = needed(o, e, "pageSize", wi);
		puts_(o, "hugepage ");
		one(o, v, sub(w, wi, "pageSize"));
		puts_(o, " ");
		num_or(o, e, "limit", NULL, wi);
		puts_(o, "\n");
	}
	sub(w, where, "resources");
	sub(wm, w, "memory");
	line_num(o, "reservation", m, "reservation", wm);
	line_num(o, "kmem", m, "kernel", wm);
	line_num(o, "kmemtcp", m, "kernelTCP", wm);
	line_num(o, "swappiness", m, "swappiness", wm);
	line_bool(o, "nooom", m, "disableOOMKiller", wm, 1);
	line_bool(o, "hierarchy", m, "useHierarchy", wm, 0);
	sub(wm, w, "cpu");
	line_num(o, "rtruntime", c, "realtimeRuntime", wm);
	line_num(o, "rtperiod", c, "realtimePeriod", wm);
	line_num(o, "cpuidle", c, "idle", wm);
	b = member(o, r, "blockIO", J_OBJ, w);
	sub(wm, w, "blockIO");
	line_num(o, "blkweight", b, "weight", wm);
	line_num(o, "blkleafweight", b, "leafWeight", wm);
	d = list(o, b, "weightDevice", wm);
	sub(wd, wm, "weightDevice");
	EACH_OBJ(o, d, i, e, wd, wi) {
		puts_(o, "blkwdev ");
		num_or(o, e, "major", NULL, wi);
		puts_(o, " ");
		num_or(o, e, "minor", NULL, wi);
		puts_(o, " ");
		num_opt(o, e, "weight", wi);
		puts_(o, " ");
		num_opt(o, e, "leafWeight", wi);
		puts_(o, "\n");
	}
	throttle(o, b, "throttleReadBpsDevice", "rbps", wm);
	throttle(o, b, "throttleWriteBpsDevice", "wbps", wm);
	throttle(o, b, "throttleReadIOPSDevice", "riops", wm);
	throttle(o, b, "throttleWriteIOPSDevice", "wiops", wm);
	n = member(o, r, "network", J_OBJ, w);
	sub(wm, w, "network");
	line_num(o, "netclass", n, "classID", wm);
	d = list(o, n, "priorities", wm);
	sub(wd, wm, "priorities");
	EACH_OBJ(o, d, i, e, wd, wi) {
		puts_(o, "netprio ");
		field(o, needed(o, e, "name", wi), sub(wm, wi, "name"));
		puts_(o, " ");
		num_or(o, e, "priority", NULL, wi);
		puts_(o, "\n");
	}
	d = member(o, r, "rdma", J_OBJ, w);
	for (i = 0; d && i < d->n; i++) {
		sub_key(wi, "linux.resources.rdma", &d->key[i]);
		e = want(o, &d->kid[i], J_OBJ, wi);
		puts_(o, "rdma ");
		field(o, &d->key[i], wi);
		puts_(o, " ");
		num_opt(o, e, "hcaHandles", wi);
		puts_(o, " ");
		num_opt(o, e, "hcaObjects", wi);
		puts_(o, "\n");
	}
	name_values(o, "unified", member(o, r, "unified", J_OBJ, w),
		    "linux.resources.unified");
	unknown_resources(o, r, w);
}

/* "KEY ID HOST SIZE" of each id mapping. */
static void mappings(struct out *o, const char *k, const struct jv *l,
		     const char *key)
{
	char w[WHERE_MAX], wi[WHERE_MAX];
	const struct jv *a = list(o, l, key, "linux");
	const struct jv *e;
	size_t i;

	sub(w, "linux", key);
	for (i = 0; a && i < a->n; i++) {
		idx(wi, w, i);
		e = want(o, &a->kid[i], J_OBJ, wi);
		puts_(o, k);
		nums(o, e, (const char *const[]){ "containerID", "hostID",
			 "size", NULL }, wi);
	}
}

/* linux: namespaces, maps, paths, sysctl, devices, resources, seccomp. */
static void linux_(struct out *o, const struct jv *cfg)
{
	char w[WHERE_MAX], wi[WHERE_MAX];
	const char *where = "linux";
	const struct jv *l = member(o, cfg, "linux", J_OBJ, "");
	const struct jv *a, *e, *v;
	size_t i;

	a = list(o, l, "namespaces", where);
	for (i = 0; a && i < a->n; i++) {
		idx(wi, "linux.namespaces", i);
		e = want(o, &a->kid[i], J_OBJ, wi);
		puts_(o, "ns ");
		one(o, needed(o, e, "type", wi), sub(w, wi, "type"));
		v = member(o, e, "path", J_STR, wi);
		if (v && v->len) {
			puts_(o, " ");
			one(o, v, sub(w, wi, "path"));
		}
		puts_(o, "\n");
	}
	mappings(o, "uidmap", l, "uidMappings");
	mappings(o, "gidmap", l, "gidMappings");
	lines_str(o, "masked", l, "maskedPaths", where);
	lines_str(o, "ropath", l, "readonlyPaths", where);
	name_values(o, "sysctl", member(o, l, "sysctl", J_OBJ, where),
		    "linux.sysctl");
	a = list(o, l, "devices", where);
	for (i = 0; a && i < a->n; i++) {
		idx(wi, "linux.devices", i);
		e = want(o, &a->kid[i], J_OBJ, wi);
		puts_(o, "device ");
		field(o, needed(o, e, "path", wi), sub(w, wi, "path"));
		puts_(o, "\t");
		field(o, needed(o, e, "type", wi), sub(w, wi, "type"));
		puts_(o, "\t");
		num_or(o, e, "major", "null", wi);
		puts_(o, "\t");
		num_or(o, e, "minor", "null", wi);
		puts_(o, "\t");
		num_or(o, e, "fileMode", "438", wi);
		puts_(o, "\t");
		num_or(o, e, "uid", "0", wi);
		puts_(o, "\t");
		num_or(o, e, "gid", "0", wi);
		puts_(o, "\n");
	}
	line_str(o, "cgroups", l, "cgroupsPath", where, 0);
	line_str(o, "propagation", l, "rootfsPropagation", where, 0);
	line_str(o, "selinux", l, "mountLabel", where, 1);
	if (member(o, l, "intelRdt", J_OBJ, where))
		puts_(o, "intelrdt 1\n");
	v = member(o, l, "personality", J_OBJ, where);
	if (v) {
		puts_(o, "personality ");
		one(o, needed(o, v, "domain", "linux.personality"),
		    "linux.personality.domain");
		puts_(o, "\n");
	}
	resources(o, l, where);
	seccomp(o, l);
}

/* mounts: DEST TYPE SOURCE OPTIONS, tab-separated. */
static void mounts(struct out *o, const struct jv *cfg)
{
	char w[WHERE_MAX], wi[WHERE_MAX], wo[WHERE_MAX];
	const struct jv *a = list(o, cfg, "mounts", ""), *e, *opts;
	size_t i, j;

	for (i = 0; a && i < a->n; i++) {
		idx(wi, "mounts", i);
		e = want(o, &a->kid[i], J_OBJ, wi);
		puts_(o, "mount ");
		field(o, needed(o, e, "destination", wi),
		      sub(w, wi, "destination"));
		puts_(o, "\t");
		str_or(o, e, "type", "none", wi, 1);
		puts_(o, "\t");
		str_or(o, e, "source", "none", wi, 1);
		puts_(o, "\t");
		opts = list(o, e, "options", wi);
		sub(w, wi, "options");
		for (j = 0; opts && j < opts->n; j++) {
			if (j)
				puts_(o, ",");
			field(o, &opts->kid[j], idx(wo, w, j));
		}
		puts_(o, "\n");
	}
}

/* An array of strings joined by the unit separator 0x1f. */
static void joined(struct out *o, const struct jv *obj, const char *key,
		   const char *where)
{
	char w[WHERE_MAX], wi[WHERE_MAX], q[128];
	const struct jv *a = list(o, obj, key, where);
	size_t i;

	sub(w, where, key);
	for (i = 0; a && i < a->n; i++) {
		if (i)
			puts_(o, "\x1f");
		put_str(o, &a->kid[i], idx(wi, w, i), 1, '\t',
			"a tab in a tab-separated field");
		if (memchr(a->kid[i].text, 0x1f, a->kid[i].len))
			refuse(o, wi, "a unit separator (0x1f) in a hook's "
			       "argument or environment entry: %s",
			       quoted(q, sizeof(q), &a->kid[i]));
	}
}

/* hooks: KIND TIMEOUT PATH ARGS ENV, tab-separated. */
static void hooks(struct out *o, const struct jv *cfg)
{
	char wk[WHERE_MAX], wi[WHERE_MAX], w[WHERE_MAX];
	const struct jv *h = member(o, cfg, "hooks", J_OBJ, ""), *a, *e;
	size_t i, j;

	for (i = 0; h && i < h->n; i++) {
		sub_key(wk, "hooks", &h->key[i]);
		a = want(o, &h->kid[i], J_ARR, wk);
		if (!a)
			refuse(o, wk, "not an array (null)");
		for (j = 0; j < a->n; j++) {
			idx(wi, wk, j);
			e = want(o, &a->kid[j], J_OBJ, wi);
			puts_(o, "hook ");
			field(o, &h->key[i], wk);
			puts_(o, "\t");
			num_or(o, e, "timeout", "0", wi);
			puts_(o, "\t");
			field(o, needed(o, e, "path", wi), sub(w, wi, "path"));
			puts_(o, "\t");
			joined(o, e, "args", wi);
			puts_(o, "\t");
			joined(o, e, "env", wi);
			puts_(o, "\n");
		}
	}
}

/* The lines of a whole config.json, in oci-config's order. */
static void config(struct out *o, const struct jv *cfg)
{
	const struct jv *v, *root;

	if (cfg->type != J_OBJ)
		refuse(o, "config", "not a JSON object (%s)", json_type(cfg));
	puts_(o, "version ");
	v = member(o, cfg, "ociVersion", J_STR, "");
	if (v)
		one(o, v, "ociVersion");
	puts_(o, "\nroot ");
	root = member(o, cfg, "root", J_OBJ, "");
	v = member(o, root, "path", J_STR, "root");
	if (v)
		one(o, v, "root.path");
	puts_(o, "\n");
	if (is_true(o, root, "readonly", "root"))
		puts_(o, "readonly 1\n");
	annotations(o, cfg);
	line_str(o, "hostname", cfg, "hostname", "", 0);
	line_str(o, "domainname", cfg, "domainname", "", 0);
	process(o, cfg);
	linux_(o, cfg);
	mounts(o, cfg);
	hooks(o, cfg);
}

/* The whole input, at most MAX_FILE bytes. */
static char *slurp(const char *file, size_t *len)
{
	int fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : 0;
	size_t n = 0, cap = 65536;
	char *buf;
	ssize_t r;

	if (fd < 0)
		die("%s", file);
	buf = json_realloc(NULL, cap);
	for (;;) {
		if (n == cap) {
			if (cap >= MAX_FILE)
				diex("%s: larger than %d MiB", file,
				     MAX_FILE >> 20);
			cap *= 2;
			buf = json_realloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("%s", file);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (fd)
		close(fd);
	*len = n;
	return buf;
}

/* The input as oci-config's keys: a config, a process (exec --process)
 * or linux.resources (update) wrapped into one as jq did
 * ({ociVersion: "1.0.0", process: .}). */
static void translate(const char *file, const char *text, size_t len,
		      int mode, struct out *o)
{
	struct jv v = { 0 }, wrap = { 0 }, lnx = { 0 };
	struct jv keys[2] = {
		{ .type = J_STR, .text = "ociVersion", .len = 10 },
		{ .type = J_STR, .text = mode == 'r' ? "linux" : "process",
		  .len = mode == 'r' ? 5 : 7 } };
	struct jv kids[2] = { { .type = J_STR, .text = "1.0.0", .len = 5 } };
	struct jv res_key = { .type = J_STR, .text = "resources", .len = 9 };

	o->file = file;
	json_parse(file, text, len, &v);
	if (mode) {
		if (v.type != J_OBJ)
			refuse(o, mode == 'r' ? "linux.resources" : "process",
			       "not an object (%s)", json_type(&v));
		kids[1] = v;
		if (mode == 'r') {
			lnx.type = J_OBJ;
			lnx.n = 1;
			lnx.key = &res_key;
			lnx.kid = &v;
			kids[1] = lnx;
		}
		wrap.type = J_OBJ;
		wrap.n = 2;
		wrap.key = keys;
		wrap.kid = kids;
		config(o, &wrap);
	} else {
		config(o, &v);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "process", no_argument, NULL, 'p' },
		{ "resources", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 }
	};
	struct out o = { 0 };
	int c, mode = 0;
	size_t len, off;
	ssize_t n;
	char *text;

	progname = "oci-spec";
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
		case 'r':
			if (mode && mode != c)
				usage(SYNOPSIS, EXIT_SELF);
			mode = c;
			break;
		case 'h': help(SYNOPSIS, OPTIONS);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	if (argc - optind != 1)
		usage(SYNOPSIS, EXIT_SELF);
	text = slurp(argv[optind], &len);
	translate(argv[optind], text, len, mode, &o);
	/* all read: now the lines */
	for (off = 0; off < o.len; off += (size_t)n) {
		n = write(1, o.buf + off, o.len - off);
		if (n < 0 && errno == EINTR)
			n = 0;
		else if (n < 0)
			die("write");
	}
	return 0;
}
