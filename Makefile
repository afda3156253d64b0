# aeo: one non-recursive Makefile (see shared/STYLE.md section 9).
#
#   make                 optimised build: build/aeo
#   make MODE=debug      -O0 -g, into build/debug/
#   make MODE=asan       AddressSanitizer + UBSan, into build/asan/
#   make MODE=tsan lib   ThreadSanitizer build of libaeo, into build/tsan/
#   make test            everything: unit, golden, rules, CEL conformance; ends "N passed, N failed"
#   make conformance     the CEL conformance suite alone (fetched with npm into build/)
#   make demo            evaluates the example catalog on its sample facts
#   make population      regenerates rules/shenyang/enterprises.jsonl with its generator
#   make bench [N=...]   aeo against hand-written C and jq (tests/bench/README.md); not in test
#   make bench-jobs      eval -j 2 against one thread by CPU time, thread by thread (the same README)
#   make install PREFIX=/usr/local   bin/aeo, lib/libaeo.{so.1,so,a}, include/aeo.h, lib/pkgconfig/aeo.pc,
#                        man pages aeo(1) and aeo-language(7), bash and zsh completion (DESTDIR honoured)
#   make uninstall PREFIX=/usr/local  removes all of those
#   make deps            installs missing build dependencies from Debian (apt-get)
#   make sarif-check     validates `aeo check --format sarif` with the SARIF multitool
#
# Every target depends on `deps`, so on a fresh Debian machine `make test`
# and `make demo` do all the set-up.  V=1 shows full commands; WERROR=1 adds
# -Werror (CI).

MODE    ?= release
CC      ?= cc
PREFIX  ?= /usr/local
BUILD   := build/$(MODE)
ifeq ($(MODE),release)
BIN     := build/aeo
else
BIN     := $(BUILD)/aeo
endif

WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wold-style-definition -Wwrite-strings -Wundef \
        -Wredundant-decls -Wformat=2 -Wimplicit-fallthrough -Wvla -Wcast-qual \
        -Wconversion
# gcc-only warnings, when $(CC) is gcc: asked of the preprocessor (gcc
# defines __GNUC__, clang defines it too but also __clang__), since
# Debian's `cc --version` does not say "gcc".  Asked on first use, in the
# first compile command, not when the Makefile is read: on a fresh machine
# `deps` installs the compiler in the same run.
CC_IS_GCC = $(eval CC_IS_GCC := $(shell $(CC) -dM -E - </dev/null 2>/dev/null | \
  awk '$$2 == "__clang__" { c = 1 } $$2 == "__GNUC__" { g = 1 } END { print (g && !c) ? "yes" : "no" }'))$(CC_IS_GCC)
GCC_WARN = $(if $(filter yes,$(CC_IS_GCC)),-Wlogical-op -Wduplicated-cond)
ifeq ($(WERROR),1)
WARN += -Werror
endif

ifeq ($(MODE),release)
OPT := -O2 -DNDEBUG
else ifeq ($(MODE),debug)
OPT := -O0 -g
else ifeq ($(MODE),asan)
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else ifeq ($(MODE),tsan)
# ThreadSanitizer (gcc or clang), for the library's sharing of a catalog
# between threads: `make MODE=tsan lib` (tests/embed/README).
OPT := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
else ifeq ($(MODE),fuzz)
# libFuzzer builds (clang only): `make fuzz` sets this mode.
OPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
$(error MODE must be release, debug, asan, tsan or fuzz)
endif

CPPFLAGS := -D_POSIX_C_SOURCE=200809L -I. -I$(BUILD)/gen -I/usr/include/cjson
# -fPIC everywhere: one object set serves libaeo.a, libaeo.so and the aeo
# binary (which links libaeo.a), so every file is compiled once per mode,
# where a second object set would double the build.  Measured on x86-64:
# `aeo eval` of 200,000 Shenyang records takes the same time with and
# without -fPIC (1.0-1.2 s both, within run-to-run noise).  Recursive (=),
# not :=, so that GCC_WARN asks the compiler only when a command runs.
CFLAGS    = $(WARN) $(GCC_WARN) $(OPT) -fPIC -MMD -MP
LDFLAGS  := $(OPT)
# simdjson (runtime/json_simd.cpp, the facts reader's parser) is C++: its
# one translation unit is compiled with $(CXX) and libstdc++ is linked
# explicitly, so every link stays a $(CC) link and aeo.pc's Libs.private
# names everything a static link of libaeo.a needs.
LIBS     := -lcjson -lsimdjson -lstdc++ -lpcre2-8 -lz3 -lm -lpthread
CLI_LIBS := -ledit
# The C++ compiler goes with the C one: clang++ beside clang (MODE=fuzz's
# sanitizer flags are clang's), else g++.  g++ is in DEPS_LIST either way:
# it brings libstdc++'s headers, which clang++ uses too.
CXX      := $(if $(findstring clang,$(CC)),$(subst clang,clang++,$(firstword $(CC))),g++)
CXXWARN  := -std=c++17 -Wall -Wextra -Wpedantic -Wshadow -Wundef -Wformat=2 -Wcast-qual
ifeq ($(WERROR),1)
CXXWARN  += -Werror
endif
# UBSan's vptr check needs its C++ runtime, which a link by $(CC) (clang's
# libFuzzer builds) does not bring: the fuzz builds leave that one check out.
CXXFLAGS  = $(CXXWARN) $(OPT) $(if $(filter fuzz,$(MODE)),-fno-sanitize=vptr) -fPIC -MMD -MP

RUNTIME_SRC := runtime/arena.c runtime/types.c runtime/value.c runtime/bytecode.c \
               runtime/vm.c runtime/builtins.c runtime/celtime.c runtime/facts.c \
               runtime/program.c runtime/outcome.c runtime/width.c
RUNTIME_CXX := runtime/json_simd.cpp
LANG_SRC    := lang/source.c lang/diag.c lang/diag_render.c lang/ast.c lang/check.c lang/compile.c \
               lang/catalog.c lang/printable.c lang/testrun.c lang/explain.c lang/fmt.c lang/lint.c lang/aeo.c lang/text.c lang/why.c \
               lang/solve.c
CLI_SRC     := lang/cli/main.c lang/cli/out.c lang/cli/eval.c lang/cli/why.c lang/cli/diff.c lang/cli/commands.c lang/cli/repl.c \
               lang/cli/lineedit.c lang/cli/lsp.c lang/cli/lsp_features.c
GEN_SRC     := $(BUILD)/gen/parser.c $(BUILD)/gen/lexer.c

LIB_OBJS := $(RUNTIME_SRC:%.c=$(BUILD)/obj/%.o) $(RUNTIME_CXX:%.cpp=$(BUILD)/obj/%.o) $(LANG_SRC:%.c=$(BUILD)/obj/%.o) \
            $(BUILD)/obj/gen/parser.o $(BUILD)/obj/gen/lexer.o
CLI_OBJS := $(CLI_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/diag_docs.o
LIB      := $(BUILD)/libaeo.a
SO       := $(BUILD)/libaeo.so.1
# The version lives in lang/aeo.h (AEO_VERSION), for the binary, the
# library's embedders and aeo.pc alike.  Recursive (=): sed runs only in
# install-lib's recipe, not whenever the Makefile is read (`make deps` runs
# before sed may exist, and tests/golden/cli/pkg_deps runs it without sed).
VERSION   = $(shell sed -n 's/^\#define AEO_VERSION "\(.*\)"/\1/p' lang/aeo.h)

UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

ifneq ($(V),1)
Q = @
quiet = @printf '  %-6s %s\n' $(1) $(2);
else
Q =
quiet =
endif

.PHONY: all lib deps test demo install install-bin install-lib install-man install-completion \
        uninstall uninstall-lib clean bench bench-jobs bench-deps conformance fuzz sarif-check population
all: $(BIN) $(SO)
lib: $(LIB) $(SO)

# --- dependencies ------------------------------------------------------------
# Everything the build and `make test` call or include beyond a Debian
# minbase (which has sh, make, awk, sed, grep, diff, find, tar), each with the
# Debian package that brings it, written once here: "PROGRAM=package" is
# looked up on PATH, "/FILE=package" is a file under $(DEPS_ROOT) (default
# empty: the machine's /).  pkg-config and python3 serve the embedding
# tests (tests/embed: aeo.pc, embed.py through ctypes), groff the man page
# test (tests/golden/docs/pkg_man), zsh the test of the zsh completion
# (tests/golden/cli/pkg_completion_zsh), g++ and libsimdjson-dev the facts
# reader's parser (runtime/json_simd.cpp), libz3-dev the solver
# (lang/solve.c), chromium and a CJK font the test that renders `aeo why
# --format html` in a real browser and checks it for layout overflow
# (tests/browser/).  Checked cheaply on every run;
# apt-get runs only when something is missing.  DEPS_DRY=1 prints what
# would be installed and installs nothing (tests/golden/cli/pkg_deps tests
# the list that way, with a fake PATH and root).
DEPS_CC   := $(if $(findstring clang,$(CC)),clang,gcc)
DEPS_LIST := $(firstword $(CC))=$(DEPS_CC) /usr/include/stdio.h=libc6-dev ar=binutils \
             pkg-config=pkg-config python3=python3 flex=flex bison=bison node=nodejs npm=npm groff=groff-base zsh=zsh \
             /usr/include/histedit.h=libedit-dev /usr/include/cjson/cJSON.h=libcjson-dev \
             /usr/include/pcre2.h=libpcre2-dev /usr/include/z3.h=libz3-dev /usr/include/cmocka.h=libcmocka-dev \
             g++=g++ /usr/include/simdjson.h=libsimdjson-dev \
             /usr/share/zoneinfo/Asia/Shanghai=tzdata nvim=neovim \
             chromium=chromium /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc=fonts-wqy-zenhei

deps:
	@missing=""; \
	for d in $(DEPS_LIST); do \
	  what=$${d%=*}; pkg=$${d##*=}; \
	  case $$what in \
	  /*) test -f "$(DEPS_ROOT)$$what" ;; \
	  *) command -v "$$what" >/dev/null 2>&1 ;; \
	  esac || case " $$missing " in *" $$pkg "*) ;; *) missing="$$missing $$pkg" ;; esac; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  if [ -n "$(DEPS_DRY)" ]; then echo "deps: DEPS_DRY is set: apt-get not run"; exit 0; fi; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || \
	  { echo "deps: apt-get failed; install:$$missing" >&2; exit 2; }; \
	fi

# --- build -------------------------------------------------------------------
$(BIN): $(CLI_OBJS) $(LIB) | deps
	$(call quiet,LINK,$@)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LIBS) $(CLI_LIBS)

$(LIB): $(LIB_OBJS)
	$(call quiet,AR,$@)rm -f $@ && ar rcs $@ $^

# The shared library exports exactly the functions declared in lang/aeo.h:
# the version script is generated from the header (every line that declares
# an aeo_ function), so the two cannot disagree.  An anonymous version
# node: `nm -D --defined-only` shows those functions and nothing else.
$(BUILD)/aeo.map: lang/aeo.h Makefile
	@mkdir -p $(dir $@)
	$(call quiet,GEN,$@){ echo '{'; echo '  global:'; \
	  sed -n 's/^[a-z].*[ *]\(aeo_[a-z_]*\)(.*/    \1;/p' lang/aeo.h; \
	  echo '  local: *;'; echo '};'; } > $@

$(SO): $(LIB_OBJS) $(BUILD)/aeo.map
	$(call quiet,LINK,$@)$(CC) -shared -Wl,-soname,libaeo.so.1 -Wl,--version-script=$(BUILD)/aeo.map \
	  $(LDFLAGS) -o $@ $(LIB_OBJS) $(LIBS)

$(BUILD)/obj/%.o: %.c Makefile | deps
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.cpp Makefile | deps
	@mkdir -p $(dir $@)
	$(call quiet,CXX,$<)$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

# Generated scanner and parser: only in build/, never committed.  Their
# objects get the same flags; flex's skeleton needs -Wno-sign-conversion
# style relaxations, which are limited to these two objects.
GEN_RELAX := -Wno-conversion -Wno-sign-conversion -Wno-redundant-decls -Wno-missing-prototypes -Wno-unused-function

$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h: grammar/parser.y | deps
	@mkdir -p $(dir $@)
	$(call quiet,BISON,$<)bison -Wall -Werror -Wcounterexamples --defines=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/lexer.c $(BUILD)/gen/lexer.h: grammar/lexer.l $(BUILD)/gen/parser.h | deps
	@mkdir -p $(dir $@)
	$(call quiet,FLEX,$<)flex --header-file=$(BUILD)/gen/lexer.h -o $(BUILD)/gen/lexer.c $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c $(BUILD)/gen/parser.h $(BUILD)/gen/lexer.h Makefile
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) $(GEN_RELAX) -c -o $@ $<

# The documentation behind `aeo explain CODE`, generated from the reference.
$(BUILD)/gen/diag_docs.c: lang/README.md lang/docgen.awk | deps
	@mkdir -p $(dir $@)
	$(call quiet,GEN,$@)awk -f lang/docgen.awk lang/README.md > $@

# Anything that includes the generated headers needs them first.
$(LIB_OBJS) $(CLI_OBJS): | $(BUILD)/gen/parser.h $(BUILD)/gen/lexer.h

# --- CEL conformance -----------------------------------------------------------
# The public CEL conformance suite, from the npm package @bufbuild/cel-spec
# (pinned: a new version may add cases), fetched once into build/ and never
# committed; tests/conformance/convert.js turns it into golden cases that
# the runner feeds through the parser, checker, compiler and VM.  Needs node
# and npm, and the npm registry the first time.
CEL_SPEC_VERSION := 0.6.1
CEL_SPEC_DIR := build/cel-spec-$(CEL_SPEC_VERSION)
CEL_SPEC_JS  := $(CEL_SPEC_DIR)/package/dist/cjs/testdata/conformance.js
CONF_CASES   := $(CEL_SPEC_DIR)/cases.jsonl
CONF_BIN     := $(BUILD)/tests/conformance
CONF_RUN     := $(CONF_BIN) $(CONF_CASES) --known tests/conformance/known-failures.txt

# The TextMate grammar test (tests/golden/lsp/lsp_textmate) tokenizes with
# VS Code's own engine, the npm packages vscode-textmate and
# vscode-oniguruma (pinned), fetched once into build/textmate like the
# conformance suite and never committed.
TEXTMATE_DIR  := build/textmate
TEXTMATE_PKGS := vscode-textmate@9.2.0 vscode-oniguruma@2.0.1
TEXTMATE_STAMP := $(TEXTMATE_DIR)/fetched

# --- tests -------------------------------------------------------------------
$(BUILD)/tests/%: tests/unit/%.c $(LIB) Makefile | deps
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LIBS) -lcmocka

# The generator of the Shenyang sample population (plain C, libc only).  The
# committed enterprises.jsonl is its output with the default N and seed; the
# golden case tests/golden/cli/population checks that they still agree.
POPGEN := $(BUILD)/generate
$(POPGEN): $(BUILD)/%: rules/shenyang/%.c Makefile | deps
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

population: $(POPGEN)
	$(POPGEN) > rules/shenyang/enterprises.jsonl

# --- benchmark (never part of `make test`; tests/bench/README.md) ------------
# `make bench [N=200000]`: aeo against the same 28 conditions hand-written in
# C on the same cJSON, and against jq; needs jq and GNU time, installed here
# when missing (like `deps`).
BENCH_DIR := $(BUILD)/bench
# The hand-written programs: a shape's conditions (hw.h) + the driver + a
# reader (hw_read.h; hw_read_cjson.c here).
HW_COMMON := tests/bench/hw_main.c tests/bench/hw_common.c tests/bench/hw_read_cjson.c
HW_HEADERS := tests/bench/hw.h tests/bench/hw_read.h
$(BENCH_DIR)/handwritten: tests/bench/hw_shenyang.c $(HW_COMMON) $(HW_HEADERS) Makefile | deps
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/bench/hw_shenyang.c $(HW_COMMON) -lcjson -lm

# The generated shape: gen_shape writes its catalog and its hand-written C.
$(BENCH_DIR)/gen_shape: tests/bench/gen_shape.c tests/bench/hw_common.c tests/bench/hw_read.h Makefile | deps
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/bench/hw_common.c

$(BENCH_DIR)/shape/hw_gen.c: $(BENCH_DIR)/gen_shape
	@mkdir -p $(dir $@)
	$(call quiet,GEN,$@)$(BENCH_DIR)/gen_shape $(dir $@) $@

$(BENCH_DIR)/hw_gen: $(BENCH_DIR)/shape/hw_gen.c $(HW_COMMON) $(HW_HEADERS) Makefile | deps
	$(call quiet,CC,$<)$(CC) $(CPPFLAGS) -Itests/bench $(CFLAGS) $(LDFLAGS) -o $@ $< $(HW_COMMON) -lcjson -lm

# The same programs on simdjson On-Demand (hw_read_simdjson.cpp), whose
# kernel is fixed when compiling: -march=native, the best for the machine
# that runs the benchmark.
HW_SJ_COMMON := tests/bench/hw_main.c tests/bench/hw_common.c
HW_SJ_OBJ := $(BENCH_DIR)/hw_read_simdjson.o
$(HW_SJ_OBJ): tests/bench/hw_read_simdjson.cpp tests/bench/hw_read.h Makefile | deps
	@mkdir -p $(dir $@)
	$(call quiet,CXX,$<)$(CXX) $(CXXWARN) -O2 -DNDEBUG -march=native -c -o $@ $<

$(BENCH_DIR)/handwritten-sj: tests/bench/hw_shenyang.c $(HW_SJ_COMMON) $(HW_SJ_OBJ) $(HW_HEADERS) Makefile | deps
	$(call quiet,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/bench/hw_shenyang.c $(HW_SJ_COMMON) \
	  $(HW_SJ_OBJ) -lsimdjson -lstdc++ -lm

$(BENCH_DIR)/hw_gen-sj: $(BENCH_DIR)/shape/hw_gen.c $(HW_SJ_COMMON) $(HW_SJ_OBJ) $(HW_HEADERS) Makefile | deps
	$(call quiet,CC,$<)$(CC) $(CPPFLAGS) -Itests/bench $(CFLAGS) $(LDFLAGS) -o $@ $< $(HW_SJ_COMMON) $(HW_SJ_OBJ) \
	  -lsimdjson -lstdc++ -lm

$(BENCH_DIR)/micro: tests/bench/micro.c $(LIB) Makefile | deps
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(BENCH_DIR)/gen_catalog: tests/bench/gen_catalog.c Makefile | deps
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

# `make bench-jobs`: -j N against one thread by CPU time, thread by thread
# (tests/bench/jobs.sh; README.md there, "-j N by CPU time").
$(BENCH_DIR)/threadcpu.so: tests/bench/threadcpu.c Makefile | deps
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) -O2 -shared -fPIC -o $@ $< -ldl

bench-jobs: $(BIN) $(POPGEN) $(BENCH_DIR)/shape/hw_gen.c $(BENCH_DIR)/threadcpu.so | deps bench-deps
	@AEO=$(BIN) GEN=$(POPGEN) SHAPE=$(BENCH_DIR)/shape THREADCPU=$(BENCH_DIR)/threadcpu.so OUT=$(BENCH_DIR) \
	  $(if $(N),N=$(N)) $(if $(RUNS),RUNS=$(RUNS)) $(if $(BEFORE),BEFORE=$(BEFORE)) sh tests/bench/jobs.sh

bench-deps:
	@missing=""; \
	command -v jq >/dev/null 2>&1 || missing="$$missing jq"; \
	test -x /usr/bin/time || missing="$$missing time"; \
	if [ -n "$$missing" ]; then \
	  echo "bench: installing$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	  { $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } || \
	  echo "bench: could not install$$missing; the benchmark goes on without" >&2; \
	fi

bench: $(BIN) $(POPGEN) $(BENCH_DIR)/handwritten $(BENCH_DIR)/hw_gen $(BENCH_DIR)/micro \
       $(BENCH_DIR)/handwritten-sj $(BENCH_DIR)/hw_gen-sj $(BENCH_DIR)/gen_catalog | deps bench-deps
	@AEO=$(BIN) GEN=$(POPGEN) HW=$(BENCH_DIR)/handwritten HW_GEN=$(BENCH_DIR)/hw_gen \
	  HW_SJ=$(BENCH_DIR)/handwritten-sj HW_GEN_SJ=$(BENCH_DIR)/hw_gen-sj \
	  SHAPE=$(BENCH_DIR)/shape MICRO=$(BENCH_DIR)/micro \
	  GEN_CATALOG=$(BENCH_DIR)/gen_catalog OUT=$(BENCH_DIR) $(if $(N),N=$(N)) sh tests/bench/run.sh

# The embedding tests (tests/embed/) build against aeo as `make install`
# leaves it, in a prefix under build/; with the sanitizers, the programs
# are linked with them too, and Python preloads their runtimes.
EMBED_PREFIX := $(CURDIR)/$(BUILD)/embed/prefix
ifeq ($(MODE),asan)
EMBED_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
EMBED_ENV    := EMBED_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)"
endif

# The fault-injection shim (tests/fault/fault.c), preloaded by
# tests/fault/run.sh: compiled alone, without the sanitizers (which the
# shim cannot run beside; tests/run.sh skips the run under MODE=asan).
FAULT_SO := $(BUILD)/fault.so
$(FAULT_SO): tests/fault/fault.c Makefile | deps
	$(call quiet,CC,$@)$(CC) $(WARN) $(GCC_WARN) -O1 -shared -fPIC -o $@ $< -ldl

test: $(BIN) $(SO) $(UNIT_BINS) $(CONF_BIN) $(CONF_CASES) $(POPGEN) $(FAULT_SO) $(TEXTMATE_STAMP) | deps
	@rm -rf $(BUILD)/embed && $(MAKE) --no-print-directory MODE=$(MODE) install PREFIX=$(EMBED_PREFIX) >/dev/null
	@AEO=$(BIN) GEN=$(POPGEN) BUILD=$(BUILD) CONFORMANCE="$(CONF_RUN)" EMBED_PREFIX=$(EMBED_PREFIX) FAULT_SO=$(FAULT_SO) \
	  CC="$(CC)" EMBED_CFLAGS="$(EMBED_CFLAGS)" $(EMBED_ENV) sh tests/run.sh $(UNIT_BINS)

# The CEL conformance suite (see the variables above): fetch, convert, run.
$(CEL_SPEC_JS):
	@mkdir -p $(CEL_SPEC_DIR)
	$(call quiet,FETCH,@bufbuild/cel-spec@$(CEL_SPEC_VERSION))cd $(CEL_SPEC_DIR) && \
	  { npm pack --loglevel=error @bufbuild/cel-spec@$(CEL_SPEC_VERSION) >/dev/null 2>npm.log && \
	    tar xzf bufbuild-cel-spec-$(CEL_SPEC_VERSION).tgz && test -f package/dist/cjs/testdata/conformance.js; } || \
	  { echo "conformance: could not fetch the npm package @bufbuild/cel-spec@$(CEL_SPEC_VERSION)" >&2; \
	    echo "  (needs npm and access to the npm registry; npm said:)" >&2; sed 's/^/  /' npm.log >&2; exit 2; }

$(TEXTMATE_STAMP):
	@mkdir -p $(TEXTMATE_DIR)
	$(call quiet,FETCH,vscode-textmate+vscode-oniguruma)cd $(TEXTMATE_DIR) && \
	  { npm pack --loglevel=error $(TEXTMATE_PKGS) >/dev/null 2>npm.log && \
	    for t in *.tgz; do n=$${t%-*.tgz}; rm -rf $$n && mkdir $$n && tar xzf $$t -C $$n --strip-components=1 || exit 1; done && \
	    test -f vscode-textmate/package.json && test -f vscode-oniguruma/release/onig.wasm && touch fetched; } || \
	  { echo "textmate: could not fetch the npm packages $(TEXTMATE_PKGS)" >&2; \
	    echo "  (needs npm and access to the npm registry; npm said:)" >&2; sed 's/^/  /' npm.log >&2; exit 2; }

$(CONF_CASES): $(CEL_SPEC_JS) tests/conformance/convert.js
	$(call quiet,CONVERT,$@)node tests/conformance/convert.js $(CEL_SPEC_JS) $@ || \
	  { echo "conformance: converting the suite failed (needs node)" >&2; exit 2; }

$(CONF_BIN): tests/conformance/runner.c $(LIB) Makefile | deps
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LIBS)

conformance: $(CONF_BIN) $(CONF_CASES) | deps
	@$(CONF_RUN)

# Fuzzing (clang's libFuzzer): one harness per stage in tests/fuzz/
# (fuzz_parse, fuzz_check, fuzz_compile, fuzz_facts, fuzz_eval), each run
# for FUZZ_SECONDS (default 60) from build/fuzz/corpus/STAGE, seeded with
# the committed tests/fuzz/corpus/STAGE (and, for the rule-file stages, the
# repository's rule files; for facts, a slice of the Shenyang population).
# libFuzzer adds what it finds to the build/ copy, never to tests/.  A
# crash, a sanitizer report or an input slower than 30 s leaves the input
# in build/fuzz/ and fails the target.  .ci/run runs it with FUZZ_SECONDS=20
# (the fuzz smoke); CC=clang makes `deps` install clang when it is missing.
# The smoke is reproducible: libFuzzer's mutations come from FUZZ_SEED
# (default 1) and a run stops after FUZZ_RUNS inputs (default 20000) if its
# time is not up first, so a run on the same tree and seeds does a prefix
# of the same inputs: what a run here passed, CI's passes.  A campaign
# that looks for new bugs sets FUZZ_SEED=0 (a random seed) and FUZZ_RUNS=-1.
FUZZ_SECONDS ?= 60
FUZZ_SEED ?= 1
FUZZ_RUNS ?= 20000
FUZZ_STAGES := parse check compile facts eval
FUZZ_BINS := $(FUZZ_STAGES:%=build/fuzz/fuzz_%)
fuzz: | deps
	@$(MAKE) --no-print-directory MODE=fuzz CC=clang $(FUZZ_BINS)
	@for s in $(FUZZ_STAGES); do mkdir -p build/fuzz/corpus/$$s && cp tests/fuzz/corpus/$$s/* build/fuzz/corpus/$$s/; done
	@for s in parse check compile; do cp rules/*/*.aeo tests/golden/*/*.aeo build/fuzz/corpus/$$s/ 2>/dev/null; done; \
	  head -c 4000 rules/shenyang/enterprises.jsonl > build/fuzz/corpus/facts/shenyang.jsonl; true
	@for s in $(FUZZ_STAGES); do \
	  echo "fuzz: $$s, $(FUZZ_SECONDS) s"; \
	  build/fuzz/fuzz_$$s -max_total_time=$(FUZZ_SECONDS) -seed=$(FUZZ_SEED) -runs=$(FUZZ_RUNS) -max_len=4096 -timeout=30 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/$$s- build/fuzz/corpus/$$s 2>build/fuzz/$$s.log || \
	    { tail -n 60 build/fuzz/$$s.log; echo "fuzz: $$s FAILED (build/fuzz/$$s.log)"; exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^Done' build/fuzz/$$s.log | tr '\n' ' '; echo; \
	done

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_records.h $(LIB) Makefile
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LIBS)

# Validates the SARIF output with Microsoft's SARIF multitool (npm; ~100 MB
# into build/ on first use), on every rule file of the golden tests.
sarif-check: $(BIN) | deps
	@AEO=$(BIN) sh tests/sarif/validate.sh

demo: $(BIN) | deps
	@echo "== aeo eval rules/examples --facts rules/examples/enterprises.jsonl --as-of 2021-06-01"
	@$(BIN) eval rules/examples --facts rules/examples/enterprises.jsonl --as-of 2021-06-01 --format table; \
	  rc=$$?; [ $$rc -le 1 ] || exit $$rc; \
	  echo "(record 5 is deliberately malformed: it gets an error record, the rest are evaluated)"
	@echo
	@echo "== aeo eval rules/shenyang --facts rules/shenyang/enterprises.jsonl --as-of 2021-06-01 --summary"
	@$(BIN) eval rules/shenyang --facts rules/shenyang/enterprises.jsonl --as-of 2021-06-01 --summary

# --- install -------------------------------------------------------------------
# `make install [PREFIX=/usr/local] [DESTDIR=staging]`: the binary
# (install-bin); the library, shared and static, its header and aeo.pc
# (install-lib); the man pages aeo(1) and aeo-language(7) (install-man);
# the bash and zsh completions, each asking the installed binary for its
# commands and options (install-completion).  aeo.pc is written at install
# time, with the PREFIX it is installed under.  `make uninstall` removes
# exactly the files install puts (INSTALLED and uninstall-lib's) and leaves
# the directories, which other software shares.
# tests/golden/cli/pkg_install installs into a scratch DESTDIR and lists
# what it finds, before and after uninstall.
MANDIR      := $(PREFIX)/share/man
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  := $(PREFIX)/share/zsh/site-functions
INSTALLED   := $(PREFIX)/bin/aeo $(MANDIR)/man1/aeo.1 $(MANDIR)/man7/aeo-language.7 \
               $(BASHCOMPDIR)/aeo $(ZSHCOMPDIR)/_aeo

install: install-bin install-lib install-man install-completion

install-bin: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/aeo

install-lib: $(LIB) $(SO)
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 755 $(SO) $(DESTDIR)$(PREFIX)/lib/libaeo.so.1
	ln -sf libaeo.so.1 $(DESTDIR)$(PREFIX)/lib/libaeo.so
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libaeo.a
	install -m 644 lang/aeo.h $(DESTDIR)$(PREFIX)/include/aeo.h
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
	  'Name: aeo' 'Description: rules language for customs facilitation measures (embedding API)' \
	  'Version: $(VERSION)' 'Libs: -L$${libdir} -laeo' 'Libs.private: $(LIBS)' \
	  'Cflags: -I$${includedir}' > $(BUILD)/aeo.pc
	install -m 644 $(BUILD)/aeo.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/aeo.pc

install-man:
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 644 lang/cli/man/aeo.1 $(DESTDIR)$(MANDIR)/man1/aeo.1
	install -m 644 lang/cli/man/aeo-language.7 $(DESTDIR)$(MANDIR)/man7/aeo-language.7

install-completion:
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 lang/cli/completion/aeo.bash $(DESTDIR)$(BASHCOMPDIR)/aeo
	install -m 644 lang/cli/completion/_aeo $(DESTDIR)$(ZSHCOMPDIR)/_aeo

uninstall: uninstall-lib
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

uninstall-lib:
	rm -f $(DESTDIR)$(PREFIX)/lib/libaeo.so.1 $(DESTDIR)$(PREFIX)/lib/libaeo.so $(DESTDIR)$(PREFIX)/lib/libaeo.a \
	  $(DESTDIR)$(PREFIX)/include/aeo.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/aeo.pc

clean:
	rm -rf build

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)
