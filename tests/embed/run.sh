#!/bin/sh
# The embedding tests (tests/run.sh runs this when make test sets EMBED_PREFIX).
#
#   EMBED_PREFIX=DIR AEO=build/aeo [EMBED_CFLAGS=...] sh tests/embed/run.sh
#
# DIR is where `make install PREFIX=DIR` put aeo.  Each case prints
# "ok NAME" or "not ok NAME" (tests/run.sh counts them):
# 1. embed.c, compiled with `pkg-config --cflags --libs aeo` against the
#    installed library, evaluates rules/shenyang/enterprises.jsonl from two
#    threads; its output must equal `aeo eval --format jsonl` record by
#    record, minus the "record" members; plus its own direct asserts.
# 2. embed.py, Python's ctypes on the installed libaeo.so.1.
: "${AEO:=build/aeo}"
prefix=$EMBED_PREFIX
out=${EMBED_OUT:-$prefix/..}
lib=$prefix/lib
PKG_CONFIG_PATH=$lib/pkgconfig
export PKG_CONFIG_PATH
rules=rules/shenyang
facts=rules/shenyang/enterprises.jsonl
bad=tests/golden/check/cycles.aeo

flags=$(pkg-config --cflags --libs aeo) || { echo "not ok pkg-config --cflags --libs aeo"; exit 1; }
echo "ok pkg-config --cflags --libs aeo: $flags" | sed "s|$prefix|PREFIX|g"
# shellcheck disable=SC2086
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror $EMBED_CFLAGS -o "$out/embed" tests/embed/embed.c $flags -lpthread \
    2>"$out/embed.cc"; then
    echo "ok embed.c compiles against the installed aeo.h and libaeo.so"
else
    echo "not ok embed.c compiles against the installed aeo.h and libaeo.so"
    sed 's/^/  /' "$out/embed.cc"
    exit 1
fi
$AEO check $bad >/dev/null 2>"$out/bad.check"
$AEO check --format json $bad >"$out/bad.json" 2>/dev/null
$AEO eval $rules --facts $facts --as-of 2021-06-01 --format jsonl | sed 's/^{"record":[0-9]*,/{/' >"$out/cli.jsonl"
LD_LIBRARY_PATH=$lib "$out/embed" $rules $facts 2021-06-01 $bad "$out/bad.check" "$out/bad.json" >"$out/lib.jsonl" 2>"$out/asserts"
rc=$?
cat "$out/asserts"
[ $rc -eq 0 ] && echo "ok embed exits 0" || echo "not ok embed exits 0 (exit $rc)"
n=$(wc -l <"$out/cli.jsonl")
if [ "$n" -gt 0 ] && cmp -s "$out/cli.jsonl" "$out/lib.jsonl"; then
    echo "ok two threads through libaeo give aeo eval's jsonl for all $n records"
else
    echo "not ok two threads through libaeo give aeo eval's jsonl (first differences:)"
    diff "$out/cli.jsonl" "$out/lib.jsonl" | head -10 | sed 's/^/  /'
fi
# The same with a catalog made to reach the runtime's caches and indexes
# (regex, time zones, an indexed constant list, errors, unknowns).
$AEO eval tests/embed/shared.aeo --facts tests/embed/shared.jsonl --as-of 2021-06-01 --format jsonl 2>/dev/null |
    sed 's/^{"record":[0-9]*,/{/' >"$out/cli-shared.jsonl"
LD_LIBRARY_PATH=$lib "$out/embed" -q tests/embed/shared.aeo tests/embed/shared.jsonl 2021-06-01 \
    >"$out/lib-shared.jsonl" 2>"$out/asserts-shared"
rc=$?
n=$(wc -l <"$out/cli-shared.jsonl")
if [ $rc -eq 0 ] && [ "$n" -gt 0 ] && cmp -s "$out/cli-shared.jsonl" "$out/lib-shared.jsonl"; then
    echo "ok two threads on tests/embed/shared.aeo give aeo eval's jsonl for all $n records"
else
    echo "not ok two threads on tests/embed/shared.aeo give aeo eval's jsonl (exit $rc; first differences:)"
    cat "$out/asserts-shared"
    diff "$out/cli-shared.jsonl" "$out/lib-shared.jsonl" | head -10 | sed 's/^/  /'
fi
# A sanitizer runtime that is not a shared library (clang links it
# statically) cannot be preloaded into Python.
for f in $EMBED_PRELOAD; do
    [ -f "$f" ] || EMBED_PYTHON_SKIP="no shared sanitizer runtime to preload ($f)"
done
if [ -n "$EMBED_PYTHON_SKIP" ]; then
    echo "ok embed.py # SKIP $EMBED_PYTHON_SKIP"
else
    # A sanitizer build's library needs the sanitizers' runtimes loaded
    # first (EMBED_PRELOAD); Python's own allocations are not checked.
    LD_PRELOAD="$EMBED_PRELOAD" ASAN_OPTIONS=detect_leaks=0 python3 tests/embed/embed.py "$lib/libaeo.so.1" 2>&1 ||
        echo "not ok embed.py exits 0"
fi
