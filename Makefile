# noticegen - nightly child-support notices.
# Targets: all (default) test test-asan demo bench deps clean format.
# Quiet by default; V=1 shows full command lines.

CC      ?= gcc
PKGS    := libqrencode sqlite3 xlsxwriter libsodium harfbuzz harfbuzz-subset freetype2 fribidi zlib
WARN    := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
           -Wwrite-strings -Wformat=2 -Wvla -fno-common
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN) -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += -lhpdf -liniparser $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
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

.PHONY: all test unit e2e test-asan demo bench deps clean format
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
	$(Q)sh tests/e2e/run.sh

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory e2e

# The whole suite again under AddressSanitizer and UBSan, in its own build dir.
test-asan: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    NOTICEGEN_BUILD=build-asan unit e2e

bench: all
	$(Q)bash tests/bench/bench.sh

format:
	$(Q)clang-format -i src/*.c src/*.h src/docs/*.c src/docs/*.h

clean:
	rm -rf build build-asan out

-include $(OBJ:.o=.d)
