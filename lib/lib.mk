# libmemheap: shared and static library, headers, pkg-config, tests.
# See lib/README.md.
#
#   make lib            libmemheap.so.$(LIB_MAJOR), libmemheap.a, libmemheap.pc,
#                       libmemheap-malloc.so (LD_PRELOAD, or linked with
#                       libmemheap-malloc.pc) under $(BUILD)/lib/
#   make lib-test       build and run every lib test (gcc, clang, ASan+UBSan,
#                       TSan for *_threads), the examples, the LD_PRELOAD and
#                       install checks; then the family tests (gcc) again on
#                       the QEMU board's layout (embedded backend)
#   make lib-install    install library, headers and pc file (DESTDIR, PREFIX);
#                       `make install` runs it
#   make lib-cross      every lib test cross-built for aarch64 (static), for
#                       the QEMU guest
#
# Sources are found by wildcard: every lib/src/**/*.c goes into the library
# (with the engine sources), every lib/tests/*.c is one test program, every
# lib/tests/*.sh one shell test, every lib/examples/*/*.c one example program
# (run; if NAME.expected exists beside it, its stdout must match).

# The one version of libmemheap and memshow: the top-level VERSION file
# (pkg-config's Version, the soname's major, memshow -V).
MEMHEAP_VERSION := $(shell cat VERSION)
LIB_VERSION := $(MEMHEAP_VERSION)
LIB_MAJOR := $(firstword $(subst ., ,$(MEMHEAP_VERSION)))
LIB_OUT := $(BUILD)/lib
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
CROSS_CC ?= aarch64-linux-gnu-gcc

LIB_SRCS := $(sort $(shell find lib/src -name '*.c' 2>/dev/null))
# spec/: the region grammar memheap.ko compiles too (spec/region_spec.h)
SPEC_SRCS := spec/region_spec.c
LIB_ALL_SRCS := $(LIB_SRCS) $(ENGINE_SRCS) $(SPEC_SRCS)
LIB_HDRS := $(shell find lib/src lib/include -name '*.h' 2>/dev/null) \
	    $(ENGINE_HDRS) uapi/linux/memheap.h spec/region_spec.h
LIB_PRELOAD_SRCS := $(sort $(wildcard lib/preload/*.c))
LIB_CPPFLAGS := -Ilib/include -Ilib/src -Iengine -Iuapi -Ispec
LIB_TESTS := $(sort $(basename $(notdir $(wildcard lib/tests/*.c))))
LIB_THREAD_TESTS := $(filter %_threads,$(LIB_TESTS))
LIB_SHELL_TESTS := $(filter-out lib/tests/run.sh,$(sort $(wildcard lib/tests/*.sh)))
LIB_EXAMPLES := $(sort $(basename $(wildcard lib/examples/*/*.c)))
LIB_TEST_HDRS := $(wildcard lib/tests/*.h) spec/cases.txt
LIB_SAN_COMMON := -fno-omit-frame-pointer -fno-sanitize-recover=all
LIB_ASAN_FLAGS := -fsanitize=address,undefined $(LIB_SAN_COMMON)
LIB_TSAN_FLAGS := -fsanitize=thread $(LIB_SAN_COMMON)

lib_objs = $(patsubst %.c,$(LIB_OUT)/$(1)/obj/%.o,$(LIB_ALL_SRCS))

# Objects depend on the headers they include, as the compiler lists them
# (-MMD: obj/X.d beside obj/X.o).  An object without its .d (first build,
# or built before) is rebuilt: the .d's empty explicit rule makes it new.
# $(1)=variant $(2)=compiler $(3)=extra flags $(4)=extra link flags
define lib_variant
$(LIB_OUT)/$(1)/obj/%.o: %.c $(LIB_OUT)/$(1)/obj/%.d
	@mkdir -p $$(@D)
	$(2) $(BASE_CFLAGS) $(CFLAGS) $(LIB_CPPFLAGS) -fPIC -fvisibility=hidden $(3) -MMD -MP -c $$< -o $$@
$(patsubst %.c,$(LIB_OUT)/$(1)/obj/%.d,$(LIB_ALL_SRCS) $(LIB_PRELOAD_SRCS)): ;
-include $(wildcard $(patsubst %.c,$(LIB_OUT)/$(1)/obj/%.d,$(LIB_ALL_SRCS) $(LIB_PRELOAD_SRCS)))
$(LIB_OUT)/$(1)/libmemheap.a: $(call lib_objs,$(1))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
$(LIB_OUT)/$(1)/tests/%: lib/tests/%.c $(LIB_TEST_HDRS) $(LIB_HDRS) $(LIB_OUT)/$(1)/libmemheap.a
	@mkdir -p $$(@D)
	$(2) $(BASE_CFLAGS) $(CFLAGS) $(LIB_CPPFLAGS) -Ilib/tests $(3) $$< $(LIB_OUT)/$(1)/libmemheap.a -pthread $(4) -o $$@
$(LIB_OUT)/$(1)/examples/%: lib/examples/%.c $(LIB_HDRS) $(LIB_OUT)/$(1)/libmemheap.a
	@mkdir -p $$(@D)
	$(2) $(BASE_CFLAGS) $(CFLAGS) -Ilib/include -I$$(<D)/support $(3) $$< $(LIB_OUT)/$(1)/libmemheap.a -pthread $(4) -o $$@
endef
$(eval $(call lib_variant,gcc,$(CC),,))
$(eval $(call lib_variant,clang,$(CLANG),,))
$(eval $(call lib_variant,asan,$(CLANG),$(LIB_ASAN_FLAGS),))
$(eval $(call lib_variant,tsan,$(CLANG),$(LIB_TSAN_FLAGS),))
$(eval $(call lib_variant,aarch64,$(CROSS_CC),,-static))

# ---- the shared libraries ------------------------------------------------

LIB_SO := $(LIB_OUT)/libmemheap.so.$(LIB_MAJOR)
LIB_A := $(LIB_OUT)/libmemheap.a
LIB_PRELOAD_SO := $(LIB_OUT)/libmemheap-malloc.so
LIB_PC := $(LIB_OUT)/libmemheap.pc
LIB_MALLOC_PC := $(LIB_OUT)/libmemheap-malloc.pc

$(LIB_SO): $(call lib_objs,gcc) lib/libmemheap.map VERSION
	$(CC) -shared -Wl,-soname,libmemheap.so.$(LIB_MAJOR) \
		-Wl,--version-script=lib/libmemheap.map -Wl,-z,defs \
		$(call lib_objs,gcc) -pthread -o $@
$(LIB_A): $(LIB_OUT)/gcc/libmemheap.a
	cp $< $@

LIB_PRELOAD_OBJS := $(patsubst %.c,$(LIB_OUT)/gcc/obj/%.o,$(LIB_PRELOAD_SRCS))
$(LIB_PRELOAD_SO): $(LIB_PRELOAD_OBJS) $(call lib_objs,gcc) lib/preload/preload.map
	$(CC) -shared -Wl,-soname,libmemheap-malloc.so \
		-Wl,--version-script=lib/preload/preload.map -Wl,-z,defs \
		$(LIB_PRELOAD_OBJS) $(call lib_objs,gcc) -pthread -o $@

# The pc file names the install paths, so it is written for every install
# (PREFIX / LIBDIR / INCLUDEDIR as given then); the build copy uses the defaults.
lib_pc_subst = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(LIB_VERSION)|g'
$(LIB_PC): lib/libmemheap.pc.in lib/lib.mk VERSION
	@mkdir -p $(@D)
	$(lib_pc_subst) $< > $@
$(LIB_MALLOC_PC): lib/libmemheap-malloc.pc.in lib/lib.mk VERSION
	@mkdir -p $(@D)
	$(lib_pc_subst) $< > $@

.PHONY: lib lib-tests lib-test lib-install install lib-cross lib-uninstall uninstall
lib: $(LIB_SO) $(LIB_A) $(LIB_PC) $(if $(LIB_PRELOAD_SRCS),$(LIB_PRELOAD_SO) $(LIB_MALLOC_PC))
ALL_GOALS += lib

lib_test_bins = $(addprefix $(LIB_OUT)/$(1)/tests/,$(2))
lib_example_bins = $(patsubst lib/examples/%,$(LIB_OUT)/$(1)/examples/%,$(LIB_EXAMPLES))
LIB_TEST_BINS := $(call lib_test_bins,gcc,$(LIB_TESTS)) \
		 $(call lib_test_bins,clang,$(LIB_TESTS)) \
		 $(call lib_test_bins,asan,$(LIB_TESTS)) \
		 $(call lib_test_bins,tsan,$(LIB_THREAD_TESTS))
LIB_EXAMPLE_BINS := $(call lib_example_bins,gcc) $(call lib_example_bins,asan)

lib-tests: lib $(LIB_TEST_BINS) $(LIB_EXAMPLE_BINS)

# Layout independence: the family tests (gcc build) run a second time on
# the embedded backend with a copy of the QEMU board's regions (names, sizes,
# caps, algorithms, mappings from its board file), so a test that assumes the
# default layout fails on the host, not only in the guest.
LIB_FAMILY_TESTS := $(filter armino_% esp_% oneos_% freertos_% multi_heap_%,$(LIB_TESTS))
LIB_BOARD_CONF = $(or $(QEMU_BOARD),selftests/qemu/board.conf)
# "region NAME SOURCE SIZE PHYS CAPS ALGO MAPPING" -> NAME:SIZE:CAPS:ALGO:MAPPING,...
LIB_BOARD_REGIONS = $(shell awk '$$1 == "region" { gsub(",", ":", $$6); \
	printf "%s%s:%s:%s:%s:%s", sep, $$2, $$4, $$6, $$7, $$8; sep = "," }' \
	$(LIB_BOARD_CONF) 2>/dev/null)

# The runner gets what the shell tests need through the environment.
lib-test: lib-tests
	@LIB_OUT=$(LIB_OUT) LIB_SO=$(LIB_SO) LIB_PRELOAD_SO=$(LIB_PRELOAD_SO) \
	 LIB_MAJOR=$(LIB_MAJOR) CC=$(CC) BASE_CFLAGS="$(BASE_CFLAGS)" \
	 MAKE="$(MAKE)" \
	 sh lib/tests/run.sh $(LIB_TEST_BINS) $(LIB_EXAMPLE_BINS) $(LIB_SHELL_TESTS)
	@regions='$(LIB_BOARD_REGIONS)'; \
	 if [ -z "$$regions" ]; then \
		echo "lib-test: no region lines in $(LIB_BOARD_CONF): no board layout pass"; \
		exit 1; \
	 fi; \
	 echo "lib-test: family tests again on the board layout: MEMHEAP_REGIONS=$$regions"; \
	 MEMHEAP_BACKEND=embedded MEMHEAP_REGIONS="$$regions" LIB_OUT=$(LIB_OUT) \
	 sh lib/tests/run.sh $(call lib_test_bins,gcc,$(LIB_FAMILY_TESTS))
CHECK_GOALS += lib-test

# The core is layered (lib/src/core/internal.h): no file calls one that
# calls it back.  lib/check-layers.sh reads the objects' nm output and
# fails on any cycle between the core's files.
# With -s: no API family calls another (what they share is lib/src/rtos).
LIB_CORE_OBJS := $(patsubst %.c,$(LIB_OUT)/gcc/obj/%.o,$(filter lib/src/core/%,$(LIB_SRCS)))
LIB_FAMILY_OBJS := $(patsubst %.c,$(LIB_OUT)/gcc/obj/%.o,\
	$(filter $(addprefix lib/src/,$(addsuffix /%,armino esp freertos oneos)),$(LIB_SRCS)))
.PHONY: lib-layers
lib-layers: $(LIB_CORE_OBJS) $(LIB_FAMILY_OBJS)
	@sh lib/check-layers.sh $(LIB_CORE_OBJS)
	@sh lib/check-layers.sh -s $(LIB_FAMILY_OBJS)
CHECK_GOALS += lib-layers

# ---- install ------------------------------------------------------------

lib-install: lib
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(INCLUDEDIR)/memheap
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/libmemheap.so.$(LIB_MAJOR)
	ln -sf libmemheap.so.$(LIB_MAJOR) $(DESTDIR)$(LIBDIR)/libmemheap.so
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/libmemheap.a
	$(if $(LIB_PRELOAD_SRCS),install -m 0755 $(LIB_PRELOAD_SO) $(DESTDIR)$(LIBDIR)/libmemheap-malloc.so)
	$(if $(LIB_PRELOAD_SRCS),$(lib_pc_subst) lib/libmemheap-malloc.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libmemheap-malloc.pc)
	$(if $(LIB_PRELOAD_SRCS),chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/libmemheap-malloc.pc)
	$(lib_pc_subst) lib/libmemheap.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libmemheap.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/libmemheap.pc
	cd lib/include && find . -name '*.h' | while read -r h; do \
		install -D -m 0644 "$$h" "$(DESTDIR)$(INCLUDEDIR)/memheap/$$h" || exit 1; \
	done
	@echo "lib-install: libmemheap.so.$(LIB_MAJOR) is in $(DESTDIR)$(LIBDIR); on the target, run ldconfig (as root) so that programs find it (/usr/local/lib is on Debian's library path, but the loader's cache needs ldconfig after every install)"
install: lib-install

# Removes exactly what lib-install installed (same DESTDIR, PREFIX, LIBDIR,
# INCLUDEDIR, PKGCONFIGDIR).
lib-uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libmemheap.so.$(LIB_MAJOR) $(DESTDIR)$(LIBDIR)/libmemheap.so \
		$(DESTDIR)$(LIBDIR)/libmemheap.a $(DESTDIR)$(LIBDIR)/libmemheap-malloc.so \
		$(DESTDIR)$(PKGCONFIGDIR)/libmemheap.pc $(DESTDIR)$(PKGCONFIGDIR)/libmemheap-malloc.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/memheap
uninstall: lib-uninstall

# ---- aarch64 cross build for the QEMU guest ---------------------------------

# The whole lib suite runs in the guest on the kernel backend: the
# selftests payload (selftests/selftests.mk) copies GUEST_TESTS and runs
# them after the kselftests.  LIB_GUEST=0 leaves them out.
LIB_CROSS_BINS := $(call lib_test_bins,aarch64,$(LIB_TESTS))
lib-cross: $(LIB_CROSS_BINS)
LIB_GUEST ?= 1
ifeq ($(LIB_GUEST),1)
GUEST_TESTS += $(LIB_CROSS_BINS)
endif
