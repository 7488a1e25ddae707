# Man pages under docs/man and the device-tree examples under
# docs/devicetree/examples (see docs/packaging.md).
#
#   make man-check          (make check) every page renders with warnings
#                           on and lexgrog indexes it
#   make install-man        pages into $(DESTDIR)$(MANDIR); `make install`
#                           runs it
#   make dt-examples-check  (make check) each overlay compiles with dtc -@
#                           and applies to the QEMU board's base tree
.PHONY: man-check install-man dt-examples-check

MAN_PAGES := $(sort $(wildcard docs/man/man*/*.[1-9]))
MANDIR ?= $(PREFIX)/share/man

man-check:
	@fail=0; for page in $(MAN_PAGES); do \
		warn=$$(MANWIDTH=80 man --warnings -l "$$page" 2>&1 >/dev/null); \
		if [ -n "$$warn" ]; then echo "FAIL $$page: $$warn"; fail=1; continue; fi; \
		if ! lexgrog "$$page" >/dev/null; then echo "FAIL $$page: lexgrog cannot parse NAME"; fail=1; continue; fi; \
		echo "PASS $$page"; \
	done; \
	[ $$fail -eq 0 ] && echo "man-check: $(words $(MAN_PAGES)) pages clean"

CHECK_GOALS += man-check

# Each page, then one ".so" link page per other name its NAME line lists
# (the man3 family pages name every function they document), so that
# `man heap_caps_malloc` finds the family page.
install-man:
	@set -e; for page in $(MAN_PAGES); do \
		sec=$$(basename $$(dirname $$page)); \
		install -D -m 0644 $$page $(DESTDIR)$(MANDIR)/$$sec/$$(basename $$page); \
		for name in $$(sh docs/man/names.sh $$page); do \
			link=$(DESTDIR)$(MANDIR)/$$sec/$$name.$${sec#man}; \
			[ "$$link" = $(DESTDIR)$(MANDIR)/$$sec/$$(basename $$page) ] && continue; \
			printf '.so %s/%s\n' $$sec $$(basename $$page) >$$link.tmp; \
			chmod 0644 $$link.tmp; mv -f $$link.tmp $$link; \
		done; \
	done
install: install-man

# Removes the pages and link pages install-man wrote.
.PHONY: uninstall-man
uninstall-man:
	@set -e; for page in $(MAN_PAGES); do \
		sec=$$(basename $$(dirname $$page)); \
		rm -f $(DESTDIR)$(MANDIR)/$$sec/$$(basename $$page); \
		for name in $$(sh docs/man/names.sh $$page); do \
			rm -f $(DESTDIR)$(MANDIR)/$$sec/$$name.$${sec#man}; \
		done; \
	done
uninstall: uninstall-man

# Device-tree overlays for real board layouts.  dtc must compile each
# without a warning; fdtoverlay must apply it to the QEMU board's tree
# (QEMU's own virt tree, 2 address and 2 size cells like the boards'), and
# the merged tree must hold what the driver reads
# (packaging/tests/dt-example-check.sh).
DT_EXAMPLES := $(sort $(wildcard docs/devicetree/examples/*.dtso))
DT_OUT := $(BUILD)/devicetree

dt-examples-check: qemu-dtb
	@fail=0; mkdir -p $(DT_OUT); for src in $(DT_EXAMPLES); do \
		sh packaging/tests/dt-example-check.sh $$src $(QEMU_BUILD)/virt.dtb \
			$(DT_OUT)/$$(basename $$src .dtso) || fail=1; \
	done; \
	[ $$fail -eq 0 ] && echo "dt-examples-check: $(words $(DT_EXAMPLES)) overlays clean"

CHECK_GOALS += dt-examples-check

# The README's commands: every `make GOAL` it shows is a goal of this
# Makefile, and its qemu-exec example really runs a program on the board.
# (make run and make check are the two commands themselves; the others are
# run by their own check goals: run-host, install-test,
# modules-install-test, dkms-check, selftests-qemu.)
.PHONY: readme-check readme-goals-noop
readme-goals-noop:

README_QEMU_EXEC_PROG := build/selftests/mmap

# The qemu-exec example runs as the README shows it, through make, with
# the program removed first: the goal must build what it needs, as it does
# for a reader who has only run `make run`.
readme-check: qemu-dtb qemu-initramfs
	@goals=$$(sed -n '/^```sh$$/,/^```$$/s/^make \([a-z_][a-z0-9_-]*\).*/\1/p' README.md | sort -u); \
	known=$$($(MAKE) -pRrq -f Makefile readme-goals-noop 2>/dev/null | \
		sed -n 's/^\([a-z_][a-z0-9_-]*\):.*/\1/p' | sort -u); \
	fail=0; for g in $$goals; do \
		if echo "$$known" | grep -qx "$$g"; then echo "PASS README goal make $$g"; \
		else echo "FAIL README shows 'make $$g', which is no goal"; fail=1; fi; \
	done; \
	rm -f $(README_QEMU_EXEC_PROG); \
	$(MAKE) --no-print-directory qemu-exec PROG=$(README_QEMU_EXEC_PROG) >$(BUILD)/readme-qemu-exec.log 2>&1; \
	rc=$$?; if [ $$rc -eq 0 ]; then echo "PASS README make qemu-exec PROG=$(README_QEMU_EXEC_PROG)"; \
	else echo "FAIL README qemu-exec example exited $$rc ($(BUILD)/readme-qemu-exec.log)"; fail=1; fi; \
	[ $$fail -eq 0 ] && echo "readme-check: the README's commands hold"

CHECK_GOALS += readme-check

# The binding validated by dt-schema, and the trees that use it (the QEMU
# board's and each example overlay applied to its base) validated against it.
.PHONY: dt-schema-check
dt-schema-check: dt-examples-check qemu-dtb
	@sh packaging/tests/dt-schema-check.sh docs/devicetree/memheap.yaml \
		$(BUILD)/dt-schema $(QEMU_BUILD)/full.dts $(QEMU_BUILD)/full.dtb \
		$(foreach ex,$(DT_EXAMPLES),$(DT_OUT)/$(basename $(notdir $(ex)))/$(basename $(notdir $(ex))).dtb)

CHECK_GOALS += dt-schema-check
