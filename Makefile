# lakeward build. `make` builds build/lakeward; see README.md for the rest.
# Every library comes from Debian packages through pkg-config (libpg_query ships no .pc
# file in Debian, so it is linked by name).

PKGS      := libmicrohttpd jansson libcurl libconfig openssl libpq
CC        ?= cc
BUILD     ?= build
SANITIZE  ?=
OPT       ?= -O2
CFLAGS    := -std=c17 -Wall -Wextra -Werror -g $(OPT) -D_GNU_SOURCE -pthread \
             -fno-omit-frame-pointer $(SANITIZE) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(EXTRA_CFLAGS)
LDLIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpg_query -lm -pthread
# The probes above stay quiet: on a fresh machine `make test` / `make deps` / `make demo` parse
# this file before they install the libraries. Building without them stops at pkg-check, with
# one line that says what to do.
PKG_MISSING := $(shell pkg-config --exists $(PKGS) 2>/dev/null || echo yes)
LDFLAGS   := $(SANITIZE)
ifneq ($(SANITIZE),)
CFLAGS    += -DLW_DEBUG_BUILD
endif

# Product sources: everything in the module directories except main.c.
LIB_SRC   := $(wildcard server/core/*.c) $(filter-out server/main.c,$(wildcard server/*.c)) \
             $(wildcard authz/*.c) $(wildcard catalog/*.c) $(wildcard sql/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ  := $(BUILD)/obj/server/main.o

# The Lakekeeper stand-in (test double) links the generic pieces of the product core.
STANDIN_SRC := $(wildcard tests/lakekeeper-standin/*.c)
STANDIN_OBJ := $(STANDIN_SRC:%.c=$(BUILD)/obj/%.o)
STANDIN_LIB := $(BUILD)/obj/server/core/lw.o $(BUILD)/obj/server/core/lw_buf.o \
               $(BUILD)/obj/server/core/lw_log.o $(BUILD)/obj/server/core/lw_json.o \
               $(BUILD)/obj/server/http_server.o $(BUILD)/obj/server/http_workers.o \
               $(BUILD)/obj/server/http_deadline.o $(BUILD)/obj/server/core/lw_metrics.o \
               $(BUILD)/obj/catalog/http_client.o

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)

.PHONY: fuzz fuzz-build fuzz-bin
.PHONY: all standin unit pkg-check test test-unit test-asan bench soak demo demo-stop clean lint deps
.PHONY: image

all: $(BUILD)/lakeward $(BUILD)/lakekeeper-standin

standin: $(BUILD)/lakekeeper-standin

$(BUILD)/lakeward: $(MAIN_OBJ) $(BUILD)/liblakeward.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/liblakeward.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/lakekeeper-standin: $(STANDIN_OBJ) $(STANDIN_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: %.c | pkg-check
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# Unit tests: one cmocka binary per tests/unit/test_*.c, linked against the product library.
unit: $(UNIT_BIN)
# Test files may #include shared fixtures (tests/unit/*_fixture.[ch]); rebuild when they change.
UNIT_FIXTURES := $(wildcard tests/unit/*_fixture.c tests/unit/*_fixture.h)
$(BUILD)/unit/%: tests/unit/%.c $(UNIT_FIXTURES) $(BUILD)/liblakeward.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(BUILD)/liblakeward.a \
	    $(LDFLAGS) $(shell pkg-config --libs cmocka) $(LDLIBS)

# Fuzz targets: one libFuzzer binary per tests/fuzz/fuzz_*.c (a new file is a new target),
# linked against a liblakeward.a built by clang with coverage and ASan+UBSan in FUZZ_BUILD.
# `make fuzz` builds them and runs each for FUZZ_SECONDS (tests/fuzz/run.sh).
FUZZ_CC      ?= clang-14
FUZZ_BUILD   ?= build/fuzz
FUZZ_SECONDS ?= 300
FUZZ_SAN     := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_BIN      = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) SANITIZE="$(FUZZ_SAN)" OPT=-O1 fuzz-bin
fuzz-bin: $(FUZZ_BIN)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/liblakeward.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/liblakeward.a $(LDFLAGS) $(LDLIBS)
fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

pkg-check:
	@$(if $(PKG_MISSING),echo "lakeward: libraries missing ($(PKGS) per pkg-config); install them with 'make deps'" >&2; exit 1,:)

test-unit: unit
	tests/run-unit.sh $(BUILD)

# The whole suite: installs what is missing, builds, unit + integration + end-to-end tests,
# then the same under ASan+UBSan. Ends with one summary line.
test:
	tests/run-all.sh

test-asan:
	tests/run-all.sh --asan-only

deps:
	tests/stack/install.sh all

bench:
	tests/bench/run.sh

# 30 minutes (SOAK_SECONDS) of Trino load, SQL sessions and Lakekeeper faults; see tests/soak/run.sh.
soak:
	tests/soak/run.sh

# An OCI image from scratch (binary + the shared libraries it loads) with umoci, no registry
# pull: $(BUILD)/image/oci and $(BUILD)/image/lakeward-$(IMAGE_TAG).oci.tar; docs/deployment.md.
IMAGE_TAG ?= 0.1.0
image: $(BUILD)/lakeward
	helm/image/build.sh $(BUILD) $(IMAGE_TAG)

demo:
	tests/demo.sh

demo-stop:
	tests/demo.sh --stop

lint:
	tests/lint.sh

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
