# mustela - build, test and install the container toolkit
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/mustela
DOCDIR ?= $(PREFIX)/share/doc/mustela
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
CC ?= cc
# The warning set follows bubblewrap's meson.build.
WARN = -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wpointer-arith -Wundef -Wwrite-strings \
	-Wno-missing-field-initializers -Wno-unused-parameter -Wno-parentheses
CFLAGS ?= -O2 -g
LDFLAGS ?=

HELPERS = ns-enter cap-drop pivot cg-attach overlay-mount seccomp-load \
	layer-pack layer-unpack scope-lock start-gate pty-attach
FRONTENDS = minc marten polecat ermine mustela-oci
# commands that need nothing of the tree (installed as they are)
TOOLS = mkrootfs
BINS = $(addprefix helpers/,$(HELPERS))
# Programs of the backends, not links of a chain (no man page, not on the
# PATH): built as the helpers are, installed in LIBEXECDIR/mustela.
LIBEXEC_HELPERS = oci-spec
LIBEXEC_BINS = $(addprefix helpers/,$(LIBEXEC_HELPERS))

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

all: $(BINS) $(LIBEXEC_BINS)

# A helper whose modes are files of their own (helpers/NAME-PART.c, sharing
# helpers/NAME.h) lists them in PARTS_NAME: they are linked with it.
PARTS_cg-attach = $(addprefix helpers/cg-attach-,hier.c remove.c record.c \
	pid.c stat.c devices.c limits.c)
helpers/cg-attach: $(PARTS_cg-attach) helpers/cg-attach.h
PARTS_seccomp-load = helpers/seccomp-load-profile.c
helpers/seccomp-load: $(PARTS_seccomp-load) helpers/seccomp-load.h
PARTS_layer-unpack = helpers/layer-unpack-tar.c
helpers/layer-unpack: $(PARTS_layer-unpack) helpers/layer-unpack.h
PARTS_ns-enter = $(addprefix helpers/ns-enter-,join.c map.c keep.c relay.c)
helpers/ns-enter: $(PARTS_ns-enter) helpers/ns-enter.h
PARTS_oci-spec = helpers/oci-spec-json.c
helpers/oci-spec: $(PARTS_oci-spec) helpers/oci-spec.h

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

# What make install copies and make uninstall removes, read from the
# checkout: the frontends it has, every file under libexec/mustela (the
# backends and their sourced units) and share/doc, every man page, and one
# completion file per command (the helpers share one).
INST_FRONTENDS = $(notdir $(wildcard $(addprefix bin/,$(FRONTENDS))))
INST_LIBEXEC = $(shell cd libexec/mustela && find . -type f | sed 's|^\./||')
INST_DOC = $(shell cd share/doc && find . -type f | sed 's|^\./||')
INST_MAN = $(patsubst share/man/%,%,$(wildcard share/man/man1/*.1 share/man/man7/*.7))
INST_POLICY = $(notdir $(wildcard share/seccomp/*.policy))
INST_COMPLETION = $(filter-out mustela-helpers,$(notdir $(wildcard share/bash-completion/*)))
# The directories that are ours alone, deepest first: removed when empty.
OWN_DIRS = $(addprefix $(DESTDIR)$(LIBEXECDIR)/mustela/,$(shell cd libexec/mustela && \
		find . -mindepth 1 -depth -type d | sed 's|^\./||')) \
	$(DESTDIR)$(LIBEXECDIR)/mustela \
	$(addprefix $(DESTDIR)$(DOCDIR)/,$(shell cd share/doc && \
		find . -mindepth 1 -depth -type d | sed 's|^\./||')) \
	$(DESTDIR)$(DOCDIR) $(DESTDIR)$(DATADIR)/seccomp $(DESTDIR)$(DATADIR)

# The installed tree knows where it is: in each frontend its one line
# MUSTELA_LIBEXEC=, in minc-lib.sh's mustela_paths its one line helpers=
# (both the checkout's relative paths), in oci-config its one line
# "$helpers/oci-spec" become the final paths, DESTDIR left out. A file
# without exactly that one line fails the install.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/seccomp \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(COMPLETIONDIR)
	install -m 755 $(BINS) $(addprefix bin/,$(TOOLS)) $(DESTDIR)$(BINDIR)
	for f in $(INST_FRONTENDS); do d=$(DESTDIR)$(BINDIR)/$$f; \
		install -m 755 bin/$$f "$$d" && \
		sed -i 's|^MUSTELA_LIBEXEC=.*|MUSTELA_LIBEXEC=$(LIBEXECDIR)/mustela|' "$$d" && \
		[ "$$(grep -c '^MUSTELA_LIBEXEC=' "$$d")" = 1 ] || \
		{ echo "install: bin/$$f: not one line MUSTELA_LIBEXEC=" >&2; exit 1; }; \
	done
	for f in $(INST_LIBEXEC); do \
		case $$(head -c 2 "libexec/mustela/$$f") in \
			'#!') m=755 ;; *) m=644 ;; esac; \
		install -D -m $$m "libexec/mustela/$$f" \
			"$(DESTDIR)$(LIBEXECDIR)/mustela/$$f" || exit 1; \
	done
	install -m 755 $(LIBEXEC_BINS) $(DESTDIR)$(LIBEXECDIR)/mustela
	d=$(DESTDIR)$(LIBEXECDIR)/mustela/oci-config; \
		sed -i 's|^\( *\)"$$helpers/oci-spec"|\1"$(LIBEXECDIR)/mustela/oci-spec"|' "$$d" && \
		[ "$$(grep -c '^ *"$(LIBEXECDIR)/mustela/oci-spec" "$$@"$$' "$$d")" = 1 ] || \
		{ echo "install: oci-config: not one line \"\$$helpers/oci-spec\"" >&2; exit 1; }
	d=$(DESTDIR)$(LIBEXECDIR)/mustela/minc-lib.sh; paths='/^mustela_paths()/,/^}/'; \
		sed -i "$$paths"'s|^\( *\)helpers=.*|\1helpers=$(BINDIR) share=$(DATADIR)|' "$$d" && \
		[ "$$(sed -n "$$paths"p "$$d" | grep -c '^ *helpers=')" = 1 ] || \
		{ echo "install: minc-lib.sh: not one line helpers= in mustela_paths" >&2; exit 1; }
	install -m 644 $(addprefix share/seccomp/,$(INST_POLICY)) $(DESTDIR)$(DATADIR)/seccomp
	for f in $(INST_MAN); do \
		install -m 644 "share/man/$$f" "$(DESTDIR)$(MANDIR)/$$f" || exit 1; done
	for f in $(INST_DOC); do \
		install -D -m 644 "share/doc/$$f" "$(DESTDIR)$(DOCDIR)/$$f" || exit 1; done
	install -m 644 $(addprefix share/bash-completion/,$(INST_COMPLETION)) \
		$(DESTDIR)$(COMPLETIONDIR)
	for h in $(HELPERS); do install -m 644 share/bash-completion/mustela-helpers \
		$(DESTDIR)$(COMPLETIONDIR)/$$h || exit 1; done

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(HELPERS) $(TOOLS) $(INST_FRONTENDS)) \
		$(addprefix $(DESTDIR)$(LIBEXECDIR)/mustela/,$(INST_LIBEXEC) \
			$(LIBEXEC_HELPERS)) \
		$(addprefix $(DESTDIR)$(DATADIR)/seccomp/,$(INST_POLICY)) \
		$(addprefix $(DESTDIR)$(MANDIR)/,$(INST_MAN)) \
		$(addprefix $(DESTDIR)$(DOCDIR)/,$(INST_DOC)) \
		$(addprefix $(DESTDIR)$(COMPLETIONDIR)/,$(INST_COMPLETION) $(HELPERS))
	for d in $(OWN_DIRS); do [ ! -d "$$d" ] || \
		rmdir --ignore-fail-on-non-empty "$$d" || exit 1; done

clean:
	rm -f $(BINS) $(LIBEXEC_BINS)
	rm -rf $(MUSL_INC)

# Fuzzing (fuzz/): a libFuzzer harness per parser of what a user or an
# image controls, built with Debian's clang (clang, libclang-rt-14-dev).
# make fuzz builds them and runs each for FUZZ_SECONDS, nice'd (make -j2
# fuzz: two at a time), its corpus grown in FUZZ_DIR/corpus/TARGET (not in
# git) from the seeds in fuzz/corpus/TARGET; it prints each target's last
# stats line (executions, cov, ft, corp). A crash or a hang is saved in
# FUZZ_DIR/run/TARGET/: fix it, add the input to fuzz/regress/TARGET/.
# make fuzz-replay builds each harness without libFuzzer (TARGET-replay,
# fuzz/replay.c), which test/fuzz.bats runs over the seeds and regress/.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 600
FUZZ_DIR ?= fuzz/build
FUZZ_TARGETS = seccomp-profile seccomp-compiled cg-attach-args \
	cap-drop-args ns-enter-args layer-unpack layer-pack pivot-args oci-spec
FUZZ_CFLAGS = -std=gnu99 -g -O1 -fno-omit-frame-pointer -Ihelpers \
	-Wall -Wextra -Wno-unused-parameter -Wno-parentheses \
	-Wno-unused-function -fsanitize=address,undefined \
	-fno-sanitize-recover=all
FUZZ_LIBS_seccomp-profile = -lseccomp
FUZZ_LIBS_seccomp-compiled = -lseccomp
FUZZ_DEPS = fuzz/fuzz.h $(wildcard helpers/*.c helpers/*.h)

fuzz: $(addprefix fuzz-run-,$(FUZZ_TARGETS))

fuzz-replay: $(addsuffix -replay,$(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS)))

$(FUZZ_DIR)/%: fuzz/%.c $(FUZZ_DEPS)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIBS_$*)

$(FUZZ_DIR)/%-replay: fuzz/%.c fuzz/replay.c $(FUZZ_DEPS)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< fuzz/replay.c $(FUZZ_LIBS_$*)

# A run's log, crashes and TMPDIR (where the harnesses that unpack or make
# trees do so) are in FUZZ_DIR/run/TARGET/.
fuzz-run-%: $(FUZZ_DIR)/%
	@mkdir -p $(FUZZ_DIR)/corpus/$* $(FUZZ_DIR)/run/$*/tmp
	@TMPDIR=$(CURDIR)/$(FUZZ_DIR)/run/$*/tmp nice -n 19 $< \
		-max_total_time=$(FUZZ_SECONDS) -timeout=30 -close_fd_mask=3 \
		-artifact_prefix=$(FUZZ_DIR)/run/$*/ $(FUZZ_DIR)/corpus/$* \
		fuzz/corpus/$* >$(FUZZ_DIR)/run/$*/log 2>&1; s=$$?; \
	rm -rf $(FUZZ_DIR)/run/$*/tmp; \
	echo "$*: $$(grep '^#[0-9]' $(FUZZ_DIR)/run/$*/log | tail -n 1)"; \
	[ $$s -eq 0 ] || { echo "$*: failed, see $(FUZZ_DIR)/run/$*/log:" \
		$(FUZZ_DIR)/run/$*/crash-* $(FUZZ_DIR)/run/$*/timeout-* >&2; \
		exit 1; }

.PHONY: fuzz fuzz-replay

.PHONY: all check check-vm bench install uninstall clean
