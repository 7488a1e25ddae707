# The pool engines, built as a static library per toolchain/sanitizer variant.
#
# $(call engine_lib,VARIANT) names the library of a variant; variants are
# defined by tests/tests.mk and bench/bench.mk through ENGINE_VARIANT_*.

ENGINE_SRCS := $(wildcard engine/*.c)
ENGINE_HDRS := $(wildcard engine/*.h)

engine_lib = $(BUILD)/$(1)/libmhpool.a

# $(1)=variant, $(2)=compiler, $(3)=extra flags
define engine_variant
$(BUILD)/$(1)/engine/%.o: engine/%.c $(ENGINE_HDRS)
	@mkdir -p $$(@D)
	$(2) $(BASE_CFLAGS) $(CFLAGS) $(3) -c $$< -o $$@
$(BUILD)/$(1)/libmhpool.a: $(patsubst engine/%.c,$(BUILD)/$(1)/engine/%.o,$(ENGINE_SRCS))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
endef

$(eval $(call engine_variant,gcc,$(CC),))

.PHONY: engine
engine: $(call engine_lib,gcc)

# The core must compile freestanding and call nothing but memset/memcpy/memmove:
# that is what lets the same sources build into memheap.ko.
ENGINE_ALLOWED_UNDEF := memset memcpy memmove
.PHONY: test-freestanding
test-freestanding:
	@mkdir -p $(BUILD)/freestanding
	@set -e; for src in $(ENGINE_SRCS); do \
		obj=$(BUILD)/freestanding/$$(basename $$src .c).o; \
		$(CC) $(BASE_CFLAGS) -O2 -ffreestanding -fno-builtin \
			-DMH_PLATFORM_FREESTANDING -c $$src -o $$obj; \
		for sym in $$(nm -u $$obj | awk '{print $$2}'); do \
			case " $(ENGINE_ALLOWED_UNDEF) " in *" $$sym "*) ;; \
			*) case $$sym in mh_*) ;; \
			   *) echo "freestanding: $$src needs '$$sym'"; exit 1;; esac;; \
			esac; \
		done; \
	done; echo "freestanding: engine core needs only $(ENGINE_ALLOWED_UNDEF)"
