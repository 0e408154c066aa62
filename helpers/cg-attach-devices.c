/* cg-attach-devices - the cgroup's device policy: --devices RULES
 *
 * Part of cg-attach (see cg-attach.c and cg-attach.h). RULES is a comma
 * list of TYPE:MAJOR:MINOR:ACCESS (c, b or a for both; a number or * for
 * any; some of r w m), e.g. c:1:3:rwm,c:136:*:rw: the devices the
 * cgroup's processes may read, write or make (mknod); every other is
 * refused (EPERM), whatever the process's capabilities.
 * cgroup v1: the devices controller's files, devices.deny "a" (nothing),
 * then one devices.allow line a rule, and the processes go into a cgroup
 * nested in it, LEAF, which inherits them: a process with CAP_SYS_ADMIN
 * that mounts the devices hierarchy (its cgroup namespace's root is LEAF)
 * may write its own cgroup's devices.allow, but never beyond its parent's
 * (see the kernel's cgroup-v1/devices.rst). cgroup v2 has no such files: a
 * BPF_PROG_TYPE_CGROUP_DEVICE program, written here instruction by
 * instruction (as runc's and crun's), is attached to the cgroup
 * (BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI: an ancestor's program still
 * applies too); it lives as long as the cgroup.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "lib.h"
#include "cg-attach.h"

/* A number, or -1 for "*"; -2 if neither. */
static long dev_num(const char *s)
{
	unsigned long n;

	if (!strcmp(s, "*"))
		return -1;
	if (parse_ulong(s, &n) < 0 || n > 0xffffffffUL)
		return -2;
	return (long)n;
}

int parse_devices(char *list, struct devrule *r)
{
	char *rule, *save = NULL, *f[4], *p, copy[64];
	int n = 0, k;

	for (rule = strtok_r(list, ",", &save); rule;
	     rule = strtok_r(NULL, ",", &save)) {
		snprintf(copy, sizeof(copy), "%s", rule);
		if (n == MAXRULES)
			diex("more than %d device rules", MAXRULES);
		for (k = 0, p = rule; k < 4 && p; k++) {
			f[k] = p;
			if ((p = strchr(p, ':')))
				*p++ = '\0';
		}
		if (k == 4 && !p) {
			r[n].major = dev_num(f[1]);
			r[n].minor = dev_num(f[2]);
		}
		if (k < 4 || p || strlen(f[0]) != 1 || !strchr("abc", f[0][0]) ||
		    r[n].major < -1 || r[n].minor < -1 || !f[3][0] ||
		    strspn(f[3], "rwm") != strlen(f[3]))
			diex("bad device rule: %s (TYPE:MAJOR:MINOR:ACCESS)",
			     copy);
		r[n].type = f[0][0];
		r[n].access = (strchr(f[3], 'm') ? BPF_DEVCG_ACC_MKNOD : 0) |
			      (strchr(f[3], 'r') ? BPF_DEVCG_ACC_READ : 0) |
			      (strchr(f[3], 'w') ? BPF_DEVCG_ACC_WRITE : 0);
		n++;
	}
	if (!n)
		diex("bad device rules: none given");
	return n;
}

/* n in decimal, or "*" for -1 (buf: 24 bytes) */
static void num_or_any(char *buf, long n)
{
	if (n < 0)
		snprintf(buf, 24, "*");
	else
		snprintf(buf, 24, "%ld", n);
}

/* cgroup v1: deny all, then allow each rule ("a" is "c" and "b"). */
static int set_v1(const char *dir, const struct devrule *r, int n,
		  const char **what)
{
	char line[64], maj[24], min[24], acc[4];

	*what = "devices.deny";
	if (put(dir, "devices.deny", "a") < 0)
		return -1;
	*what = "devices.allow";
	for (int i = 0; i < n; i++) {
		num_or_any(maj, r[i].major);
		num_or_any(min, r[i].minor);
		snprintf(acc, sizeof(acc), "%s%s%s",
			 r[i].access & BPF_DEVCG_ACC_READ ? "r" : "",
			 r[i].access & BPF_DEVCG_ACC_WRITE ? "w" : "",
			 r[i].access & BPF_DEVCG_ACC_MKNOD ? "m" : "");
		for (const char *t = r[i].type == 'a' ? "cb" :
		     r[i].type == 'b' ? "b" : "c"; *t; t++) {
			snprintf(line, sizeof(line), "%c %s:%s %s", *t, maj,
				 min, acc);
			if (put(dir, "devices.allow", line) < 0)
				return -1;
		}
	}
	/* the leaf, made after the rules: it copies them */
	*what = "mkdir " LEAF;
	pathf(line, "%s/" LEAF, dir);
	return mkdir(line, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* One BPF instruction (see linux/bpf.h and the kernel's
 * Documentation/bpf/instruction-set.rst). */
static struct bpf_insn insn(int code, int dst, int src, int off, int imm)
{
	struct bpf_insn i = { .code = (__u8)code, .dst_reg = dst & 0xf,
			      .src_reg = src & 0xf, .off = (__s16)off,
			      .imm = imm };
	return i;
}

/* A jump past the rest of the rule's block when register reg is not imm:
 * the offset counts from the next instruction to end. */
static void skip_unless(struct bpf_insn *p, int *len, int reg, int imm,
			int end)
{
	p[*len] = insn(BPF_JMP | BPF_JNE | BPF_K, reg, 0, end - *len - 1, imm);
	(*len)++;
}

/* The program: load the request (type, access, major, minor) from the
 * context, then one block a rule: a field that does not match jumps to
 * the next block; a block that gets through returns 1 (allow). After the
 * last, 0 (deny). */
static int program(const struct devrule *r, int n, struct bpf_insn *p)
{
	const unsigned int all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ |
		BPF_DEVCG_ACC_WRITE;
	const int ld = BPF_LDX | BPF_MEM | BPF_W;
	int len = 0, end;

	p[len++] = insn(ld, 2, 1, 0, 0);			/* r2 = type */
	p[len++] = insn(BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 0xffff);
	p[len++] = insn(ld, 3, 1, 0, 0);			/* r3 = access */
	p[len++] = insn(BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 16);
	p[len++] = insn(ld, 4, 1, 4, 0);			/* r4 = major */
	p[len++] = insn(ld, 5, 1, 8, 0);			/* r5 = minor */
	for (int i = 0; i < n; i++) {
		end = len + (r[i].type != 'a') + 3 * (r[i].access != all) +
		      (r[i].major >= 0) + (r[i].minor >= 0) + 2;
		if (r[i].type != 'a')
			skip_unless(p, &len, 2, r[i].type == 'b' ?
				    BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
				    end);
		if (r[i].access != all) {
			/* r1 = the access asked beyond the rule's: none */
			p[len++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, 1, 3, 0, 0);
			p[len++] = insn(BPF_ALU64 | BPF_AND | BPF_K, 1, 0, 0,
					(int)(all & ~r[i].access));
			skip_unless(p, &len, 1, 0, end);
		}
		if (r[i].major >= 0)
			skip_unless(p, &len, 4, (int)r[i].major, end);
		if (r[i].minor >= 0)
			skip_unless(p, &len, 5, (int)r[i].minor, end);
		p[len++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);
		p[len++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	p[len++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	p[len++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return len;
}

/* cgroup v2: load the program, attach it to the cgroup's directory. */
static int set_v2(const char *dir, const struct devrule *r, int n,
		  const char **what)
{
	static struct bpf_insn prog[8 + 9 * MAXRULES];
	union bpf_attr a;
	int fd, cg, rc, err;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insn_cnt = (__u32)program(r, n, prog);
	a.insns = (__u64)(unsigned long)prog;
	a.license = (__u64)(unsigned long)"GPL";
	*what = "load the BPF device program";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return -1;
	*what = "open the cgroup";
	cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0) {
		err = errno;
		close(fd);
		return errno = err, -1;
	}
	memset(&a, 0, sizeof(a));
	a.target_fd = (__u32)cg;
	a.attach_bpf_fd = (__u32)fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	*what = "attach the BPF device program";
	rc = (int)syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof(a));
	err = errno;
	close(cg);
	close(fd);
	return errno = err, rc;
}

int set_devices(struct cg *cg, const struct devrule *r, int n,
		const char **what)
{
	struct hier *h = holder(cg, "devices");

	/* v1's controller if a hierarchy has it, else a used cgroup2 one
	 * (pure v2, or hybrid's without a devices hierarchy) */
	for (int i = 0; i < cg->n && !h; i++)
		if (cg->h[i].used && cg->h[i].v2)
			h = &cg->h[i];
	if (!h) {
		*what = "no devices cgroup hierarchy and no cgroup2 one";
		return errno = 0, -1;
	}
	if (h->v2)
		return set_v2(h->dir, r, n, what);
	h->leaf = 1;
	return set_v1(h->dir, r, n, what);
}
