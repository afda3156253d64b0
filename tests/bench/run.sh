#!/bin/sh
# The driver of `make bench` (tests/bench/README.md says what it measures).
#
#   AEO=build/aeo GEN=build/release/generate HW=build/release/bench/handwritten \
#   MICRO=build/release/bench/micro sh tests/bench/run.sh
#
# Environment: N records (default 200000), RUNS timed runs of each program
# (default 5), JOBS threads for the parallel aeo row (default 2), PASSES and
# MICRO_N for the micro benchmark (default 20 passes over 20000 records),
# MEM_N records streamed for the memory figure (default 1000000),
# CHECK_SIZES catalog sizes for `aeo check` (default "10000 100000"), OUT
# the scratch directory (default build/bench), AS_OF the evaluation date of
# the timed runs (default 2021-06-01), LATER a second date whose outputs are
# compared too, untimed (default 2021-11-01, the first day of Decree 251: no
# general tier, the dated suspension rule).  Exit status 1 if any output
# differs from the hand-written program's.
LC_ALL=C
export LC_ALL
: "${AEO:=build/aeo}" "${GEN:=build/release/generate}" "${HW:=build/release/bench/handwritten}"
: "${MICRO:=build/release/bench/micro}" "${N:=200000}" "${RUNS:=5}" "${JOBS:=2}"
: "${PASSES:=20}" "${MICRO_N:=20000}" "${OUT:=build/bench}" "${AS_OF:=2021-06-01}"
: "${LATER:=2021-11-01}" "${MEM_N:=1000000}" "${CHECK_SIZES:=10000 100000}" "${GEN_CATALOG:=build/release/bench/gen_catalog}"
RULES=rules/shenyang
mkdir -p "$OUT"
FACTS=$OUT/facts-$N.jsonl

fail() {
    echo "bench: $*" >&2
    exit 1
}

for bin in "$AEO" "$GEN" "$HW" "$MICRO" "$GEN_CATALOG"; do
    [ -x "$bin" ] || fail "$bin is missing (run make bench)"
done
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
    TIMER=gnu
else
    TIMER=none
    echo "bench: GNU time (/usr/bin/time, Debian package 'time') is missing: no peak RSS column" >&2
fi
if command -v jq >/dev/null 2>&1; then
    JQ=$(command -v jq)
else
    JQ=
    echo "bench: jq is missing (Debian package 'jq'): the jq row is skipped" >&2
fi

echo "== generating $N records: $GEN -n $N"
"$GEN" -n "$N" >"$FACTS" || fail "the generator failed"
BYTES=$(wc -c <"$FACTS")
echo "   $FACTS: $BYTES bytes"
echo "== machine: $(nproc) cores; $(uname -sr); $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"

# run NAME OUTFILE CMD...: one timed run; appends "seconds peak-KiB" to
# $OUT/NAME.times and leaves the output in OUTFILE.
run() {
    name=$1
    outfile=$2
    shift 2
    # Wall time from the clock in nanoseconds (GNU time's %e has only
    # hundredths); peak RSS from GNU time.
    start=$(date +%s.%N)
    if [ "$TIMER" = gnu ]; then
        /usr/bin/time -f "%M" -o "$OUT/$name.t" "$@" >"$outfile" 2>"$OUT/$name.err"
        rc=$?
    else
        "$@" >"$outfile" 2>"$OUT/$name.err"
        rc=$?
        echo 0 >"$OUT/$name.t"
    fi
    end=$(date +%s.%N)
    [ "$rc" -le 1 ] || { cat "$OUT/$name.err" >&2; fail "$name exited with $rc"; }
    echo "$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.4f", e - s}') $(tail -n 1 "$OUT/$name.t")" \
        >>"$OUT/$name.times"
}

# The median wall time and the largest RSS (KiB) of NAME.
median() { sort -n "$OUT/$1.times" | awk '{t[NR] = $1} END {print t[int((NR + 1) / 2)]}'; }
peak() { sort -n -k2 "$OUT/$1.times" | tail -n 1 | awk '{print $2}'; }
best() { sort -n "$OUT/$1.times" | head -n 1 | awk '{print $1}'; }

echo "== end to end: $RUNS rounds, each running every program once (wall seconds, sorted)"
names="handwritten aeo aeo-j$JOBS"
[ -n "$JQ" ] && names="$names jq"
for name in $names; do : >"$OUT/$name.times"; done
round=0
while [ "$round" -lt "$RUNS" ]; do
    run handwritten "$OUT/handwritten.jsonl" "$HW" --as-of "$AS_OF" "$FACTS"
    run aeo "$OUT/aeo.jsonl" "$AEO" eval "$RULES" --facts "$FACTS" --format jsonl --as-of "$AS_OF"
    run "aeo-j$JOBS" "$OUT/aeo-j.jsonl" "$AEO" eval "$RULES" --facts "$FACTS" --format jsonl --as-of "$AS_OF" \
        -j "$JOBS"
    [ -n "$JQ" ] && run jq "$OUT/jq.jsonl" "$JQ" -n -c --arg as_of "$AS_OF" -f tests/bench/shenyang.jq "$FACTS"
    round=$((round + 1))
done
for name in $names; do
    printf '   %-22s' "$name"
    sort -n "$OUT/$name.times" | awk '{printf " %s", $1}'
    echo
done

echo "== outputs"
status=0
for name in aeo aeo-j jq; do
    [ -f "$OUT/$name.jsonl" ] || continue
    [ "$name" = jq ] && [ -z "$JQ" ] && continue
    if cmp -s "$OUT/handwritten.jsonl" "$OUT/$name.jsonl"; then
        echo "   $name: identical to handwritten ($(wc -l <"$OUT/$name.jsonl") lines)"
    else
        echo "   $name: DIFFERS from handwritten:" >&2
        cmp "$OUT/handwritten.jsonl" "$OUT/$name.jsonl" >&2
        diff "$OUT/handwritten.jsonl" "$OUT/$name.jsonl" | head -n 6 >&2
        status=1
    fi
done
# The same comparison at the later date, one untimed run each.
"$HW" --as-of "$LATER" "$FACTS" >"$OUT/later-handwritten.jsonl" 2>/dev/null
"$AEO" eval "$RULES" --facts "$FACTS" --format jsonl --as-of "$LATER" >"$OUT/later-aeo.jsonl" 2>/dev/null
[ -n "$JQ" ] && "$JQ" -n -c --arg as_of "$LATER" -f tests/bench/shenyang.jq "$FACTS" >"$OUT/later-jq.jsonl"
for name in aeo jq; do
    [ "$name" = jq ] && [ -z "$JQ" ] && continue
    if cmp -s "$OUT/later-handwritten.jsonl" "$OUT/later-$name.jsonl"; then
        echo "   $name as of $LATER: identical to handwritten ($(wc -l <"$OUT/later-$name.jsonl") lines)"
    else
        echo "   $name as of $LATER: DIFFERS from handwritten:" >&2
        cmp "$OUT/later-handwritten.jsonl" "$OUT/later-$name.jsonl" >&2
        diff "$OUT/later-handwritten.jsonl" "$OUT/later-$name.jsonl" | head -n 6 >&2
        status=1
    fi
done
[ "$status" -eq 0 ] || fail "outputs differ: the figures below would be worthless"

base=$(median handwritten)
best_base=$(best handwritten)
echo
printf '%-24s %12s %10s %8s %14s %8s\n' "program ($N records)" "records/s" "median s" "best s" "peak RSS MiB" "vs C"
for name in $names; do
    m=$(median "$name")
    b=$(best "$name")
    k=$(peak "$name")
    awk -v n="$N" -v m="$m" -v b="$b" -v k="$k" -v base="$base" -v name="$name" 'BEGIN {
        printf "%-24s %12.0f %10.3f %8.3f %14.1f %7.2fx\n", name, n / m, m, b, k / 1024, m / base }'
done
awk -v m1="$(median aeo)" -v mj="$(median "aeo-j$JOBS")" -v b1="$(best aeo)" -v bj="$(best "aeo-j$JOBS")" \
    -v m="$base" -v a="$(median aeo)" -v bb="$best_base" -v ba="$(best aeo)" -v j="$JOBS" 'BEGIN {
    printf "aeo vs C: %.2fx (medians), %.2fx (best runs); -j %s vs -j 1: %.2fx (medians), %.2fx (best runs)\n",
           a / m, ba / bb, j, m1 / mj, b1 / bj }'

# micro COUNT PASSES [WHICH]: the micro benchmark on the first COUNT records
# (WHICH: "aeo", only those in scope and in a tier, for which every measure
# runs its condition).
micro() {
    count=$1
    passes=$2
    if [ "${3:-}" = aeo ]; then
        echo "== evaluation alone: $passes passes over the first $count records in scope and in a tier, decoded once (best of $RUNS runs)"
        grep -E '"credit":"(advanced|general)"' "$FACTS" | grep -E '"registered_area":"08|"declares_in_liaoning":true' |
            head -n "$count" >"$OUT/micro.jsonl"
    else
        echo "== evaluation alone: $passes passes over the first $count records, decoded once (best of $RUNS runs)"
        head -n "$count" "$FACTS" >"$OUT/micro.jsonl"
    fi
    count=$(wc -l <"$OUT/micro.jsonl")
    : >"$OUT/micro-hw.ns"
    : >"$OUT/micro-aeo.ns"
    for i in $(seq "$RUNS"); do
        "$HW" --micro "$passes" --as-of "$AS_OF" "$OUT/micro.jsonl" >"$OUT/micro-hw.txt"
        "$MICRO" "$RULES" "$OUT/micro.jsonl" "$passes" --as-of "$AS_OF" >"$OUT/micro-aeo.txt"
        sed 's/.*: \([0-9.]*\) ns.*/\1/' "$OUT/micro-hw.txt" >>"$OUT/micro-hw.ns"
        sed 's/.*: \([0-9.]*\) ns.*/\1/' "$OUT/micro-aeo.txt" >>"$OUT/micro-aeo.ns"
    done
    sed 's/^/   /' "$OUT/micro-hw.txt" "$OUT/micro-aeo.txt"
    counts() { sed 's/.*(applies \([0-9]*\), not \([0-9]*\), undecided \([0-9]*\).*/\1 \2 \3/' "$1"; }
    [ "$(counts "$OUT/micro-hw.txt")" = "$(counts "$OUT/micro-aeo.txt")" ] ||
        fail "the micro benchmark's outcome counts differ"
    awk -v h="$(sort -n "$OUT/micro-hw.ns" | head -n 1)" -v a="$(sort -n "$OUT/micro-aeo.ns" | head -n 1)" \
        -v n="$count" 'BEGIN {
        printf "   %d records: handwritten %.1f ns/record, aeo %.1f ns/record: %.2fx\n", n, h, a, a / h }'
}

echo
micro "$MICRO_N" "$PASSES"
# The same where every record fits in the cache (aeo keeps about 1 KB per
# decoded record, the hand-written program 48 bytes).
micro $((MICRO_N / 10)) $((PASSES * 10))
# The worst case for aeo: only AEOs in scope, so no measure is decided by its
# gate and every one runs through the interpreter.
micro $((MICRO_N / 10)) $((PASSES * 10)) aeo



echo
echo "== memory: peak RSS while streaming $MEM_N records from the generator through a pipe"
if [ "$TIMER" = gnu ]; then
    for j in 1 "$JOBS"; do
        "$GEN" -n "$MEM_N" | /usr/bin/time -f "%M" -o "$OUT/mem.t" "$AEO" eval "$RULES" --facts - \
            --format jsonl --as-of "$AS_OF" -j "$j" | tail -n 1 >"$OUT/mem.last"
        printf '   aeo -j %-3s %8d records: peak RSS %6.1f MiB\n' "$j" \
            "$(sed 's/.*"record":\([0-9]*\).*/\1/' "$OUT/mem.last")" "$(awk '{print $1 / 1024}' "$OUT/mem.t")"
    done
else
    echo "   (needs GNU time)"
fi

echo
echo "== aeo check of generated catalogs ($GEN_CATALOG)"
for m in $CHECK_SIZES; do
    dir=$OUT/catalog-$m
    rm -rf "$dir"
    mkdir -p "$dir"
    "$GEN_CATALOG" "$m" "$dir" || fail "gen_catalog failed"
    : >"$OUT/check-$m.times"
    i=0
    while [ "$i" -lt 3 ]; do
        start=$(date +%s.%N)
        "$AEO" check "$dir" >/dev/null 2>"$OUT/check-$m.err"
        rc=$?
        end=$(date +%s.%N)
        [ "$rc" -le 1 ] || fail "aeo check $dir exited with $rc"
        awk -v s="$start" -v e="$end" 'BEGIN {print e - s}' >>"$OUT/check-$m.times"
        i=$((i + 1))
    done
    printf '   %7d measures: %s, median %.2f s\n' "$m" "$(tail -n 1 "$OUT/check-$m.err")" \
        "$(sort -n "$OUT/check-$m.times" | awk '{t[NR] = $1} END {print t[int((NR + 1) / 2)]}')"
done
exit 0
