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
# Helpers that run after the root switch are static: nothing of theirs is
# looked up in the container's root.
STATIC = cap-drop seccomp-load
FRONTENDS = minc marten polecat
BINS = $(addprefix helpers/,$(HELPERS))

LIBS_cap-drop = -lcap
LIBS_seccomp-load = -lseccomp
LIBS_ns-enter =

all: $(BINS)

helpers/%: helpers/%.c helpers/lib.c helpers/lib.h
	$(CC) -std=gnu99 $(WARN) $(CFLAGS) $(if $(filter $*,$(STATIC)),-static) \
		-o $@ $< helpers/lib.c $(LDFLAGS) $(LIBS_$*)

# `make check` installs what is missing (Debian packages), builds, lints and
# runs every test; it ends with one line "N passed, N failed".
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

.PHONY: all check check-vm bench install uninstall clean
