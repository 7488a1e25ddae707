# Man pages under docs/man: rendered with warnings on and indexed by lexgrog
# in make check (a page that renders with a warning, or that whatis could
# not index, fails).
.PHONY: man-check

MAN_PAGES := $(sort $(wildcard docs/man/man*/*.[1-9]))

man-check:
	@fail=0; for page in $(MAN_PAGES); do \
		warn=$$(MANWIDTH=80 man --warnings -l "$$page" 2>&1 >/dev/null); \
		if [ -n "$$warn" ]; then echo "FAIL $$page: $$warn"; fail=1; continue; fi; \
		if ! lexgrog "$$page" >/dev/null; then echo "FAIL $$page: lexgrog cannot parse NAME"; fail=1; continue; fi; \
		echo "PASS $$page"; \
	done; \
	[ $$fail -eq 0 ] && echo "man-check: $(words $(MAN_PAGES)) pages clean"

CHECK_GOALS += man-check
