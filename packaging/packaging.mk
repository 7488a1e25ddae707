# packaging/: what `make install` adds beyond the library, the tools and
# the man pages (udev rule, sysusers group, modprobe.d example), the DKMS
# source tree, and the checks of install, modules_install, DKMS, the udev
# rule and the device-tree examples.  See docs/packaging.md.
#
#   make install            also install-udev and install-examples (below)
#   make install-udev       udev rule + sysusers.d group (UDEVRULESDIR, SYSUSERSDIR)
#   make install-examples   modprobe.d example under $(DOCDIR)/examples
#   make install-dkms       DKMS source tree in $(DESTDIR)$(DKMS_SRCDIR)
#   make dkms-source        the same tree under $(DKMS_OUT)/src
#   make host-headers       host-architecture headers of the rig's kernel
#
# In make check: install-test, modules-install-test, dkms-check,
# udev-check, dt-examples-check.

PKG_OUT := $(BUILD)/packaging
DKMS_OUT := $(BUILD)/dkms
DKMS_HEADERS := $(DKMS_OUT)/headers
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
DKMS_SRCDIR ?= /usr/src/memheap-$(DKMS_VERSION)
# What DKMS builds from: the module's sources as kmod/kmod.mk lists them.
DKMS_FILES := dkms.conf $(KMOD_SOURCES)
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
DOCDIR ?= $(PREFIX)/share/doc/memheap
# Parameters the module declares; dkms-check wants each in modinfo.
KMOD_PARAMS := $(shell sed -n 's/^module_param.\([a-z0-9_]*\),.*/\1/p' $(wildcard kmod/*.c))
UDEV_RULE := kmod/udev/60-memheap.rules
UDEV_SYSUSERS := kmod/udev/memheap-sysusers.conf
MODPROBE_EXAMPLE := kmod/modprobe.d/memheap.conf

.PHONY: install-udev install-examples install-dkms dkms-source host-headers \
	install-test modules-install-test dkms-check udev-check dt-examples-check

install-udev:
	install -D -m 0644 $(UDEV_RULE) $(DESTDIR)$(UDEVRULESDIR)/60-memheap.rules
	install -D -m 0644 $(UDEV_SYSUSERS) $(DESTDIR)$(SYSUSERSDIR)/memheap.conf

install-examples:
	install -D -m 0644 $(MODPROBE_EXAMPLE) \
		$(DESTDIR)$(DOCDIR)/examples/modprobe.d/memheap.conf

install: install-udev install-examples

.PHONY: uninstall-packaging
uninstall-packaging:
	rm -f $(DESTDIR)$(UDEVRULESDIR)/60-memheap.rules $(DESTDIR)$(SYSUSERSDIR)/memheap.conf \
		$(DESTDIR)$(DOCDIR)/examples/modprobe.d/memheap.conf
uninstall: uninstall-packaging

install-dkms:
	@test -n "$(DKMS_VERSION)" || { echo "install-dkms: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
	@set -e; for f in $(DKMS_FILES); do \
		install -D -m 0644 $$f $(DESTDIR)$(DKMS_SRCDIR)/$$f; \
	done
	@echo "install-dkms: $(DESTDIR)$(DKMS_SRCDIR) ($(words $(DKMS_FILES)) files)"

dkms-source:
	@rm -rf $(DKMS_OUT)/src
	@$(MAKE) --no-print-directory install-dkms DESTDIR= \
		DKMS_SRCDIR=$(abspath $(DKMS_OUT))/src/memheap-$(DKMS_VERSION)

host-headers: kernel-fetch
	@scripts/fetch-host-headers.sh $(DKMS_HEADERS) $(KERNEL_OUT)

dkms-check: host-headers
	@test "$(DKMS_VERSION)" = "$$(cat VERSION)" || { echo "dkms-check: dkms.conf PACKAGE_VERSION '$(DKMS_VERSION)' is not VERSION '$$(cat VERSION)'" >&2; exit 1; }
	@rm -rf $(DKMS_OUT)/stage
	@$(MAKE) --no-print-directory install-dkms DESTDIR=$(abspath $(DKMS_OUT))/stage \
		DKMS_SRCDIR=/usr/src/memheap-$(DKMS_VERSION) >/dev/null
	@sh packaging/tests/dkms-check.sh $(abspath $(DKMS_OUT))/stage/usr/src \
		$(abspath $(DKMS_OUT)) $(abspath $(DKMS_HEADERS)) $(DKMS_VERSION) $(KMOD_PARAMS)

modules-install-test: kernel-fetch
	@sh packaging/tests/modules-install-test.sh "$(MAKE)" $(KERNEL_OUT) \
		$(abspath $(PKG_OUT))/modules-install

udev-check:
	@sh packaging/tests/udev-rule-test.sh $(UDEV_RULE) $(UDEV_SYSUSERS) $(PKG_OUT)/udev

install-test:
	@sh packaging/tests/install-test.sh "$(MAKE)" $(abspath $(PKG_OUT))/install

CHECK_GOALS += install-test modules-install-test dkms-check udev-check

# In the QEMU guest: the udev rule's names, mode and group on the real
# device (busybox has no udev); the fields come from the rule itself.
UDEV_GUEST_TEST := $(PKG_OUT)/aarch64/udev_guest
udev_field = $(shell python3 packaging/tests/udev_rule.py get $(UDEV_RULE) $(1))
$(UDEV_GUEST_TEST): packaging/tests/udev_guest.c packaging/tests/udev_rule.py \
		$(UDEV_RULE) uapi/linux/memheap.h
	@mkdir -p $(@D)
	aarch64-linux-gnu-gcc -static $(BASE_CFLAGS) $(CFLAGS) -Iuapi \
		-DRULE_SUBSYSTEM='"$(call udev_field,SUBSYSTEM)"' \
		-DRULE_KERNEL='"$(call udev_field,KERNEL)"' \
		-DRULE_MODE='"$(call udev_field,MODE)"' \
		-DRULE_GROUP='"$(call udev_field,GROUP)"' $< -o $@
GUEST_TESTS += $(UDEV_GUEST_TEST)
