# mustela - build, test and install the container toolkit
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/mustela
CC ?= cc
# The warning set follows bubblewrap's meson.build.
WARN = -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wpointer-arith -Wundef -Wwrite-strings \
	-Wno-missing-field-initializers -Wno-unused-parameter -Wno-parentheses
CFLAGS ?= -O2 -g
LDFLAGS ?=

HELPERS = ns-enter cap-drop pivot cg-attach overlay-mount seccomp-load \
	layer-pack layer-unpack
FRONTENDS = minc marten polecat
BINS = $(addprefix helpers/,$(HELPERS))

# The helpers are static programs (those after the root switch must be:
# nothing of theirs is looked up in the container's root), built with musl
# where musl-gcc is installed (Debian's musl-tools). A static glibc program
# spends ~0.4 ms of its start in CPU feature probing (cpuid: a trap to the
# hypervisor on a virtual machine), twice a whole musl program's start, and
# a container start runs five helpers. Without musl-gcc: $(CC), the helpers
# after the root switch static, the others dynamic.
MUSL_CC ?= $(shell command -v musl-gcc)
MULTIARCH := $(shell $(CC) -print-multiarch)
MUSL_INC = helpers/.musl-include
ifneq ($(MUSL_CC),)
HCC = $(MUSL_CC) -static -isystem $(MUSL_INC)
HDEPS = $(MUSL_INC)/.made
# libseccomp.a is built for glibc: one glibc entry point it calls, in musl
LIBS_seccomp-load = $(shell $(CC) -print-file-name=libseccomp.a) \
	helpers/glibc-compat.c
else
HCC = $(CC)
HDEPS =
STATIC_cap-drop = -static
STATIC_seccomp-load = -static
LIBS_seccomp-load = -lseccomp
endif

all: $(BINS)

# A helper whose modes are files of their own (helpers/NAME-PART.c, sharing
# helpers/NAME.h) lists them in PARTS_NAME: they are linked with it.
PARTS_cg-attach = $(addprefix helpers/cg-attach-,hier.c remove.c record.c \
	pid.c stat.c)
helpers/cg-attach: $(PARTS_cg-attach) helpers/cg-attach.h

helpers/%: helpers/%.c helpers/lib.c helpers/lib.h $(HDEPS)
	$(HCC) -std=gnu99 $(WARN) $(CFLAGS) $(STATIC_$*) \
		-o $@ $< $(PARTS_$*) helpers/lib.c $(LDFLAGS) $(LIBS_$*)

# musl-gcc sees musl's headers only: the kernel's (linux/, asm/) and
# libseccomp's are linked in here.
$(MUSL_INC)/.made:
	mkdir -p $(MUSL_INC)
	ln -sfn /usr/include/linux /usr/include/asm-generic \
		/usr/include/seccomp.h /usr/include/seccomp-syscalls.h $(MUSL_INC)/
	ln -sfn /usr/include/$(MULTIARCH)/asm $(MUSL_INC)/asm
	touch $@

check:
	test/lib/install-deps
	$(MAKE) all
	test/run

check-vm: all
	test/vm/run

bench: all
	bench/run

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR)/mustela \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/seccomp
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	for f in $(FRONTENDS); do [ ! -f bin/$$f ] || \
		install -m 755 bin/$$f $(DESTDIR)$(BINDIR); done
	install -m 755 libexec/mustela/minc-* libexec/mustela/marten-* \
		$(DESTDIR)$(LIBEXECDIR)/mustela
	install -m 644 share/seccomp/*.policy $(DESTDIR)$(DATADIR)/seccomp
	install -m 644 share/man/man1/*.1 $(DESTDIR)$(MANDIR)/man1

uninstall:
	for f in $(HELPERS) $(FRONTENDS); do rm -f $(DESTDIR)$(BINDIR)/$$f \
		$(DESTDIR)$(MANDIR)/man1/$$f.1; done
	rm -rf $(DESTDIR)$(LIBEXECDIR)/mustela $(DESTDIR)$(DATADIR)

clean:
	rm -f $(BINS)
	rm -rf $(MUSL_INC)

.PHONY: all check check-vm bench install uninstall clean
