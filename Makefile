# noticegen - nightly child-support notices.
# Targets: all (default) test test-asan demo bench deps clean format.
# Quiet by default; V=1 shows full command lines.

CC      ?= gcc
# libdeflate compresses the PDF streams (src/haru_fast.c); without its
# pkg-config file (older packages ship none) it is linked by name.
DEFLATE := $(shell pkg-config --exists libdeflate 2>/dev/null && echo libdeflate)
PKGS    := libqrencode sqlite3 xlsxwriter libsodium libcrypto harfbuzz harfbuzz-subset freetype2 fribidi zlib libisal $(DEFLATE)
WARN    := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
           -Wwrite-strings -Wformat=2 -Wvla -fno-common
OPT     ?= -O2 -g
CFLAGS  += $(OPT) -std=c11 -D_GNU_SOURCE $(WARN) -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += -lhpdf -liniparser -lzint $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(if $(DEFLATE),,-ldeflate) -lm
BUILD   ?= build

ifeq ($(V),1)
Q :=
else
Q := @
endif

SRC     := $(wildcard src/*.c src/docs/*.c)
OBJ     := $(SRC:%.c=$(BUILD)/%.o) $(BUILD)/schema_sql.o
LIBOBJ  := $(filter-out $(BUILD)/src/main.o,$(OBJ))
BIN     := $(BUILD)/noticegen
GEN     := $(BUILD)/genledger
UNIT    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all test unit e2e test-asan demo bench deps clean format fuzz
all: $(BIN) $(GEN)

deps:
	$(Q)sh scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# The schema ships inside the binary so `noticegen init-db` needs no path.
$(BUILD)/schema_sql.c: src/schema.sql
	@mkdir -p $(dir $@)
	$(Q){ echo 'const char ng_schema_sql[] ='; \
	      sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	      echo ';'; } > $@

$(BIN): $(OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(GEN): samples/genledger.c $(BUILD)/schema_sql.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# The demo: a 40-case sample ledger, a key, one night's run.
DEMO_DATE ?= 2026-11-03
demo: deps all
	$(Q)sh scripts/demo.sh $(DEMO_DATE)

unit: $(UNIT)
	$(Q)for t in $(UNIT); do $$t || exit 1; done

e2e: all
	$(Q)sh tests/e2e/all.sh

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory e2e

# The whole suite again under AddressSanitizer and UBSan, in its own build dir.
test-asan: deps
	$(Q)NOTICEGEN_BUILD=build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    $(MAKE) --no-print-directory BUILD=build-asan \
	    OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    all unit e2e

bench: all
	$(Q)bash tests/bench/bench.sh

format:
	$(Q)clang-format -i src/*.c src/*.h src/docs/*.c src/docs/*.h

clean:
	rm -rf build build-asan build-fuzz out

-include $(OBJ:.o=.d)

# Fuzzing (libFuzzer, clang): each parser of outside input for FUZZ_SECONDS,
# starting from the corpus under tests/fuzz/corpus/. New findings stay in build-fuzz/.
FUZZ_SECONDS ?= 20
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Isrc
fuzz: deps
	$(Q)mkdir -p build-fuzz/catalog build-fuzz/config
	$(Q)clang $(FUZZ_FLAGS) -o build-fuzz/fuzz_catalog tests/fuzz/fuzz_catalog.c src/i18n.c src/err.c
	$(Q)clang $(FUZZ_FLAGS) -o build-fuzz/fuzz_config tests/fuzz/fuzz_config.c src/config.c src/ini.c src/err.c -liniparser
	$(Q)for t in catalog config; do \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	    build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -print_final_stats=0 \
	        build-fuzz/$$t tests/fuzz/corpus/$$t 2>build-fuzz/$$t.log || { tail -40 build-fuzz/$$t.log; exit 1; }; \
	    tail -1 build-fuzz/$$t.log; \
	done
