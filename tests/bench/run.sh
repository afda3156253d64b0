#!/bin/sh
# The driver of `make bench` (tests/bench/README.md says what it measures).
#
#   AEO=build/aeo GEN=build/release/generate HW=build/release/bench/handwritten \
#   HW_GEN=build/release/bench/hw_gen SHAPE=build/release/bench/shape \
#   MICRO=build/release/bench/micro sh tests/bench/run.sh
#
# Three shapes of catalog (the README says which): shenyang, flat and gen,
# each against its hand-written C (HW: shenyang and flat, HW_GEN: gen, whose
# catalog gen_shape wrote into SHAPE).
#
# HW_SJ and HW_GEN_SJ are the same hand-written programs on simdjson
# (hw_read.h implemented by hw_read_simdjson.cpp): they get rows of their
# own, their outputs are checked too, and aeo is compared with them as well.
#
# Environment: N records (default 200000; the gen shape reads the first
# GEN_N, default N/4), RUNS timed runs of each program
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
: "${HW_GEN:=build/release/bench/hw_gen}" "${SHAPE:=build/release/bench/shape}"
: "${HW_SJ:=build/release/bench/handwritten-sj}" "${HW_GEN_SJ:=build/release/bench/hw_gen-sj}"
: "${LATER:=2021-11-01}" "${MEM_N:=1000000}" "${CHECK_SIZES:=10000 100000}" "${GEN_CATALOG:=build/release/bench/gen_catalog}"
RULES=rules/shenyang
mkdir -p "$OUT"
: "${GEN_N:=$((N / 4))}"
FACTS=$OUT/facts-$N.jsonl
GEN_FACTS=$OUT/facts-gen-$GEN_N.jsonl

fail() {
    echo "bench: $*" >&2
    exit 1
}

for bin in "$AEO" "$GEN" "$HW" "$HW_GEN" "$HW_SJ" "$HW_GEN_SJ" "$MICRO" "$GEN_CATALOG"; do
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

# The shapes: NAME, the catalog's paths, the hand-written program, the
# records.  shenyang: rules/shenyang (tiers first, a scope); flat: the same
# 28 measures with `tier: all` and the tests in `when` (tests/bench/flat);
# gen: the generated catalog of gen_shape (tests/bench/gen_shape.c), on the
# first GEN_N records (each of its lines names 500 measures).
SHAPES="shenyang flat gen"
. tests/bench/shapes.sh
shape_hw() { if [ "$1" = gen ]; then echo "$HW_GEN"; else echo "$HW"; fi; }
# The same conditions reading with simdjson On-Demand (hw_read_simdjson.cpp).
shape_hw_sj() { if [ "$1" = gen ]; then echo "$HW_GEN_SJ"; else echo "$HW_SJ"; fi; }
# The table's name of a run: the hand-written programs by their reader.
label() {
    case $1 in
    *-handwritten) echo "${1%-handwritten}: hand-written C (cJSON)" ;;
    *-handwritten-sj) echo "${1%-handwritten-sj}: hand-written C (simdjson)" ;;
    *) echo "$1" ;;
    esac
}
shape_facts() { if [ "$1" = gen ]; then echo "$GEN_FACTS"; else echo "$FACTS"; fi; }
shape_n() { if [ "$1" = gen ]; then echo "$GEN_N"; else echo "$N"; fi; }
head -n "$GEN_N" "$FACTS" >"$GEN_FACTS"

echo "== end to end: $RUNS rounds, each running every program once (wall seconds, sorted)"
names=""
for shape in $SHAPES; do
    names="$names $shape-handwritten $shape-handwritten-sj $shape-aeo $shape-aeo-j$JOBS"
    [ "$shape" = shenyang ] && [ -n "$JQ" ] && names="$names $shape-jq"
done
for name in $names; do : >"$OUT/$name.times"; done
round=0
while [ "$round" -lt "$RUNS" ]; do
    for shape in $SHAPES; do
        f=$(shape_facts "$shape")
        # shellcheck disable=SC2046 # the paths are words
        run "$shape-handwritten" "$OUT/$shape-handwritten.jsonl" "$(shape_hw "$shape")" --as-of "$AS_OF" "$f"
        run "$shape-handwritten-sj" "$OUT/$shape-handwritten-sj.jsonl" "$(shape_hw_sj "$shape")" --as-of "$AS_OF" "$f"
        run "$shape-aeo" "$OUT/$shape-aeo.jsonl" "$AEO" eval $(shape_rules "$shape") --facts "$f" --format jsonl \
            --as-of "$AS_OF"
        run "$shape-aeo-j$JOBS" "$OUT/$shape-aeo-j.jsonl" "$AEO" eval $(shape_rules "$shape") --facts "$f" \
            --format jsonl --as-of "$AS_OF" -j "$JOBS"
        if [ "$shape" = shenyang ] && [ -n "$JQ" ]; then
            run "$shape-jq" "$OUT/$shape-jq.jsonl" "$JQ" -n -c --arg as_of "$AS_OF" -f tests/bench/shenyang.jq "$f"
        fi
    done
    round=$((round + 1))
done
for name in $names; do
    printf '   %-26s' "$name"
    sort -n "$OUT/$name.times" | awk '{printf " %s", $1}'
    echo
done

echo "== outputs"
status=0
same() {   # same WHAT EXPECTED ACTUAL
    if cmp -s "$2" "$3"; then
        echo "   $1: identical to handwritten ($(wc -l <"$3") lines)"
    else
        echo "   $1: DIFFERS from handwritten:" >&2
        cmp "$2" "$3" >&2
        diff "$2" "$3" | head -n 6 >&2
        status=1
    fi
}
for shape in $SHAPES; do
    for prog in handwritten-sj aeo aeo-j jq; do
        [ -f "$OUT/$shape-$prog.jsonl" ] || continue
        [ "$prog" = jq ] && { [ "$shape" != shenyang ] || [ -z "$JQ" ]; } && continue
        same "$shape $prog" "$OUT/$shape-handwritten.jsonl" "$OUT/$shape-$prog.jsonl"
    done
done
# The same comparison at the later date, one untimed run each (the
# generated shape reads no date).
for shape in shenyang flat; do
    "$HW" --as-of "$LATER" "$FACTS" >"$OUT/later-handwritten.jsonl" 2>/dev/null
    # shellcheck disable=SC2046
    "$AEO" eval $(shape_rules "$shape") --facts "$FACTS" --format jsonl --as-of "$LATER" >"$OUT/later-aeo.jsonl" \
        2>/dev/null
    same "$shape aeo as of $LATER" "$OUT/later-handwritten.jsonl" "$OUT/later-aeo.jsonl"
    if [ "$shape" = shenyang ] && [ -n "$JQ" ]; then
        "$JQ" -n -c --arg as_of "$LATER" -f tests/bench/shenyang.jq "$FACTS" >"$OUT/later-jq.jsonl"
        same "$shape jq as of $LATER" "$OUT/later-handwritten.jsonl" "$OUT/later-jq.jsonl"
    fi
done
[ "$status" -eq 0 ] || fail "outputs differ: the figures below would be worthless"

echo
echo "== load while measuring: $(uptime | sed 's/.*load average/load average/')"
printf '%-36s %9s %12s %10s %8s %14s %8s %9s\n' "program" "records" "records/s" "median s" "best s" "peak RSS MiB" "vs C" "vs C(sj)"
for shape in $SHAPES; do
    base=$(median "$shape-handwritten")
    base_sj=$(median "$shape-handwritten-sj")
    for name in $names; do
        case $name in "$shape"-*) ;; *) continue ;; esac
        m=$(median "$name")
        b=$(best "$name")
        k=$(peak "$name")
        awk -v n="$(shape_n "$shape")" -v m="$m" -v b="$b" -v k="$k" -v base="$base" -v sj="$base_sj" \
            -v name="$(label "$name")" 'BEGIN {
            printf "%-36s %9d %12.0f %10.3f %8.3f %14.1f %7.2fx %8.2fx\n", name, n, n / m, m, b, k / 1024, m / base,
                   m / sj }'
    done
done
for shape in $SHAPES; do
    awk -v m1="$(median "$shape-aeo")" -v mj="$(median "$shape-aeo-j$JOBS")" -v b1="$(best "$shape-aeo")" \
        -v bj="$(best "$shape-aeo-j$JOBS")" -v m="$(median "$shape-handwritten")" \
        -v bb="$(best "$shape-handwritten")" -v j="$JOBS" -v s="$shape" 'BEGIN {
        printf "%s: aeo vs C %.2fx (medians), %.2fx (best runs); -j %s vs -j 1: %.2fx (medians), %.2fx (best runs)\n",
               s, m1 / m, b1 / bb, j, m1 / mj, b1 / bj }'
    awk -v m1="$(median "$shape-aeo")" -v b1="$(best "$shape-aeo")" -v m="$(median "$shape-handwritten-sj")" \
        -v bb="$(best "$shape-handwritten-sj")" -v c="$(median "$shape-handwritten")" -v s="$shape" 'BEGIN {
        printf "%s: aeo vs hand-written C (simdjson) %.2fx (medians), %.2fx (best runs); hand-written C (simdjson) vs (cJSON) %.2fx\n",
               s, m1 / m, b1 / bb, m / c }'
done

# micro SHAPE COUNT PASSES [WHICH]: the micro benchmark on the first COUNT
# records (WHICH: "aeo", only those in scope and in a tier, for which every
# Shenyang measure runs its condition).
micro() {
    shape=$1
    count=$2
    passes=$3
    if [ "${4:-}" = aeo ]; then
        what="the first $count records in scope and in a tier"
        grep -E '"credit":"(advanced|general)"' "$FACTS" | grep -E '"registered_area":"08|"declares_in_liaoning":true' |
            head -n "$count" >"$OUT/micro.jsonl"
    else
        what="the first $count records"
        head -n "$count" "$FACTS" >"$OUT/micro.jsonl"
    fi
    count=$(wc -l <"$OUT/micro.jsonl")
    : >"$OUT/micro-hw.ns"
    : >"$OUT/micro-aeo.ns"
    for i in $(seq "$RUNS"); do
        "$(shape_hw "$shape")" --micro "$passes" --as-of "$AS_OF" "$OUT/micro.jsonl" >"$OUT/micro-hw.txt"
        # shellcheck disable=SC2046
        "$MICRO" --as-of "$AS_OF" "$OUT/micro.jsonl" "$passes" $(shape_rules "$shape") >"$OUT/micro-aeo.txt"
        sed 's/.*: \([0-9.]*\) ns.*/\1/' "$OUT/micro-hw.txt" >>"$OUT/micro-hw.ns"
        sed 's/.*: \([0-9.]*\) ns.*/\1/' "$OUT/micro-aeo.txt" >>"$OUT/micro-aeo.ns"
    done
    counts() { sed 's/.*(applies \([0-9]*\), not \([0-9]*\), undecided \([0-9]*\).*/\1 \2 \3/' "$1"; }
    [ "$(counts "$OUT/micro-hw.txt")" = "$(counts "$OUT/micro-aeo.txt")" ] ||
        fail "$shape: the micro benchmark's outcome counts differ: $(cat "$OUT/micro-hw.txt" "$OUT/micro-aeo.txt")"
    awk -v h="$(sort -n "$OUT/micro-hw.ns" | head -n 1)" -v a="$(sort -n "$OUT/micro-aeo.ns" | head -n 1)" \
        -v s="$shape" -v w="$what" -v p="$passes" 'BEGIN {
        printf "   %-9s %-52s x %4d: C %9.1f, aeo %9.1f ns/record: %5.2fx\n", s, w, p, h, a, a / h }'
}

echo
echo "== evaluation alone: records decoded once, all measures evaluated PASSES times; best of $RUNS runs"
for shape in $SHAPES; do
    p=$PASSES
    [ "$shape" = gen ] && p=$((PASSES / 10 > 0 ? PASSES / 10 : 1))
    micro "$shape" "$MICRO_N" "$p"
    # The same where every record fits in the cache (aeo keeps about 1 KB
    # per decoded record, the hand-written program 64 bytes).
    micro "$shape" $((MICRO_N / 10)) $((p * 10))
    # Records in scope and in a tier: no Shenyang measure is decided by its
    # gate, every one runs through its condition.
    micro "$shape" $((MICRO_N / 10)) $((p * 10)) aeo
done

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
