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
