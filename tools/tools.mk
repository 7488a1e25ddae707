# tools/: memshow over libnl-genl-3 (see tools/README.md).
#
#   make tools           host memshow: $(BUILD)/tools/memshow
#   make tools-aarch64   static arm64 memshow for the QEMU guest and boards
#   make tools-test      (in make check) build with gcc and clang, command-line
#                        and no-module behaviour on the host
.PHONY: tools tools-aarch64 tools-test

TOOLS_DIR := $(BUILD)/tools
# spec/: the grammar's words (capabilities, algorithms, mapping modes)
MEMSHOW_SRCS := $(wildcard tools/memshow/*.c) spec/region_spec.c
MEMSHOW_HDRS := tools/memshow/memshow.h uapi/linux/memheap.h spec/region_spec.h
# the project's one version (VERSION, read by lib/lib.mk), and the commit
MEMSHOW_VERSION := $(MEMHEAP_VERSION) (git $(shell git describe --always --dirty 2>/dev/null || echo unknown))
MEMSHOW_CFLAGS := $(BASE_CFLAGS) -Iuapi -Itools/memshow -Ispec
MEMSHOW_VERSION_FLAG := -DMEMSHOW_VERSION='"$(MEMSHOW_VERSION)"'
MEMSHOW := $(TOOLS_DIR)/memshow
MEMSHOW_AARCH64 := $(TOOLS_DIR)/aarch64/memshow
# The arm64 libnl static libraries come with the downloaded arm64 tree.
ARM64_ROOT := $(KERNEL_OUT)/root
# glibc warns about getaddrinfo & co. in libnl objects memshow never calls.
STATIC_NSS_NOISE := statically linked applications requires at runtime

tools: $(MEMSHOW)

$(MEMSHOW): $(MEMSHOW_SRCS) $(MEMSHOW_HDRS) VERSION
	@mkdir -p $(@D)
	$(CC) $(MEMSHOW_CFLAGS) $(MEMSHOW_VERSION_FLAG) $(CFLAGS) $$(pkg-config --cflags libnl-genl-3.0) \
		$(MEMSHOW_SRCS) $$(pkg-config --libs libnl-genl-3.0) -o $@

tools-aarch64: $(MEMSHOW_AARCH64)

$(MEMSHOW_AARCH64): $(MEMSHOW_SRCS) $(MEMSHOW_HDRS) | kernel-fetch
	@mkdir -p $(@D)
	@echo "  CC aarch64 $@"
	@aarch64-linux-gnu-gcc -static $(MEMSHOW_CFLAGS) $(MEMSHOW_VERSION_FLAG) $(CFLAGS) \
		-I$(ARM64_ROOT)/usr/include/libnl3 $(MEMSHOW_SRCS) \
		$(ARM64_ROOT)/lib/aarch64-linux-gnu/libnl-genl-3.a \
		$(ARM64_ROOT)/lib/aarch64-linux-gnu/libnl-3.a -lpthread -lm \
		-o $@ 2>$@.log || { cat $@.log; exit 1; }
	@grep -v -e '$(STATIC_NSS_NOISE)' -e ': in function `' $@.log || true

# memshow checked in the QEMU guest against known allocations.
MEMSHOW_GUEST_TEST := $(TOOLS_DIR)/aarch64/memshow_guest

$(MEMSHOW_GUEST_TEST): tools/tests/memshow_guest.c uapi/linux/memheap.h
	@mkdir -p $(@D)
	aarch64-linux-gnu-gcc -static $(BASE_CFLAGS) $(CFLAGS) -Iuapi $< -o $@

tools-aarch64: $(MEMSHOW_GUEST_TEST)

# memshow in the guest's /usr/bin; its check runs with the selftests.
GUEST_TOOLS += $(MEMSHOW_AARCH64)
GUEST_TESTS += $(MEMSHOW_GUEST_TEST)

tools-test: $(MEMSHOW) $(MEMSHOW_AARCH64)
	@tools/tests/host.sh $(MEMSHOW) $(CLANG) "$(MEMSHOW_CFLAGS)"

CHECK_GOALS += tools-test

# memshow goes to $(BINDIR) (default $(PREFIX)/bin, not sbin: its region
# view needs no privilege); `make install` runs this.
BINDIR ?= $(PREFIX)/bin
.PHONY: install-tools
install-tools: $(MEMSHOW)
	install -D -m 0755 $(MEMSHOW) $(DESTDIR)$(BINDIR)/memshow
install: install-tools
.PHONY: uninstall-tools
uninstall-tools:
	rm -f $(DESTDIR)$(BINDIR)/memshow
uninstall: uninstall-tools
