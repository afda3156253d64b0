#!/bin/sh
# `make bench-jobs`: `aeo eval -j N` against one thread by CPU time, thread
# by thread (tests/bench/README.md, "-j N by CPU time").
#
#   AEO=build/aeo GEN=build/release/generate SHAPE=build/release/bench/shape \
#   THREADCPU=build/release/bench/threadcpu.so sh tests/bench/jobs.sh
#
# Each run of aeo eval (the three shapes of run.sh, jsonl into a file) goes
# under the threadcpu.so shim, which reports every thread's CPU time, its
# time in read(2)/write(2), and the time it was blocked (wall less time
# running less time waiting for a CPU).  On a shared machine wall time
# says how busy the other tenants were; CPU time says what each thread
# did.  From it: the serial share (CPU inside read and write: the copies
# that one thread at a time makes), and the wall time the run would take
# on JOBS idle cores, max(total CPU / JOBS, the busiest thread) when no
# thread waits for another (the blocked column says whether they did),
# and so the speedup by CPU time.  The wall-clock speedup of the
# interleaved runs is printed beside it.
#
# Environment: N records (default 200000; gen: GEN_N, default N/4), RUNS
# interleaved rounds (default 5), JOBS (default 2), OUT (default
# build/bench), BEFORE a second aeo binary timed in the same rounds (rows
# "before"; e.g. one built from an earlier commit).
LC_ALL=C
export LC_ALL
: "${AEO:=build/aeo}" "${GEN:=build/release/generate}" "${SHAPE:=build/release/bench/shape}"
: "${THREADCPU:=build/release/bench/threadcpu.so}" "${N:=200000}" "${RUNS:=5}" "${JOBS:=2}" "${OUT:=build/bench}"
: "${GEN_N:=$((N / 4))}" "${BEFORE:=}"
RULES=rules/shenyang
mkdir -p "$OUT"
fail() {
    echo "bench-jobs: $*" >&2
    exit 1
}
for bin in "$AEO" "$GEN" $BEFORE; do [ -x "$bin" ] || fail "$bin is missing"; done
[ -f "$THREADCPU" ] || fail "$THREADCPU is missing (make bench-jobs builds it)"
case $THREADCPU in /*) ;; *) THREADCPU=$PWD/$THREADCPU ;; esac
[ -d "$SHAPE" ] || fail "$SHAPE is missing (make bench-jobs builds it)"
FACTS=$OUT/facts-$N.jsonl
GEN_FACTS=$OUT/facts-gen-$GEN_N.jsonl
[ -s "$FACTS" ] || "$GEN" -n "$N" >"$FACTS" || fail "the generator failed"
head -n "$GEN_N" "$FACTS" >"$GEN_FACTS"
. tests/bench/shapes.sh
shape_facts() { if [ "$1" = gen ]; then echo "$GEN_FACTS"; else echo "$FACTS"; fi; }
PROGS="aeo"
[ -n "$BEFORE" ] && PROGS="before aeo"
bin() { if [ "$1" = before ]; then echo "$BEFORE"; else echo "$AEO"; fi; }

LOG=$OUT/jobs.log
: >"$LOG"
echo "== $RUNS rounds of aeo eval -j 1 and -j $JOBS ($PROGS) on each shape; load: $(uptime | sed 's/.*load average/load average/')"
round=0
while [ "$round" -lt "$RUNS" ]; do
    for shape in shenyang flat gen; do
        for prog in $PROGS; do
            for j in 1 "$JOBS"; do
                rm -f "$OUT/jobs.threads"
                start=$(date +%s.%N)
                # shellcheck disable=SC2046 # the paths are words
                /usr/bin/time -f %M -o "$OUT/jobs.rss" env THREADCPU_OUT="$OUT/jobs.threads" \
                    LD_PRELOAD="$THREADCPU" "$(bin $prog)" eval $(shape_rules $shape) \
                    --facts "$(shape_facts $shape)" --format jsonl --as-of 2021-06-01 -j $j >"$OUT/jobs-$j.jsonl"
                rc=$?
                end=$(date +%s.%N)
                [ "$rc" -le 1 ] || fail "$prog $shape -j $j exited with $rc"
                # One line per run: prog shape j wall rss, then the threads.
                echo "$prog $shape $j $(awk -v s="$start" -v e="$end" 'BEGIN {print e - s}') $(tail -n 1 "$OUT/jobs.rss")" \
                    "$(tr '\n' ' ' <"$OUT/jobs.threads")" >>"$LOG"
            done
            cmp -s "$OUT/jobs-1.jsonl" "$OUT/jobs-$JOBS.jsonl" || fail "$prog $shape: -j $JOBS differs from -j 1"
        done
    done
    round=$((round + 1))
done
echo "   (outputs of -j $JOBS identical to -j 1; every run in $LOG)"
echo
printf '%-8s %-9s %4s %8s %8s %8s %8s %7s %8s %7s %9s %8s %8s %7s\n' prog shape j "wall s" "cpu s" "busiest" "main" \
    "r/w %" "blocked" "waits" "est. s" "x(cpu)" "x(wall)" "RSS MiB"
awk -v cores="$JOBS" '
function median(a, n,    i, j, t) {   # a[1..n], sorted in place
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    k = $1 " " $2 " " $3
    if (!(k in n)) order[++nk] = k
    i = ++n[k]
    wall[k, i] = $4
    if ($5 > rss[k]) rss[k] = $5
    tot = 0; busiest = 0; rw = 0; blocked = 0; waits = 0; threads = 0; main = 0
    for (f = 6; f <= NF; f++) {
        if ($f == "main" || $f == "worker") { who = $f; threads++; continue }
        split($f, kv, "=")
        v[kv[1]] = kv[2] + 0
        if (kv[1] == "vcsw") {   # the last field of a thread
            tot += v["cpu"]; if (v["cpu"] > busiest) busiest = v["cpu"]
            if (who == "main") main = v["cpu"]
            rw += v["read"] + v["write"]
            b = v["wall"] - v["run"] - v["rqwait"]; if (b > 0) blocked += b
            waits += v["vcsw"]
        }
    }
    c = threads < cores ? threads : cores
    est = tot / c; if (busiest > est) est = busiest
    cpu[k, i] = tot; big[k, i] = busiest; mn[k, i] = main; rwp[k, i] = 100 * rw / tot
    blk[k, i] = blocked; wt[k, i] = waits; es[k, i] = est
}
END {
    for (o = 1; o <= nk; o++) {
        k = order[o]; m = n[k]
        split("wall cpu big mn rwp blk wt es", names, " ")
        for (i = 1; i <= m; i++) { a1[i] = wall[k, i]; a2[i] = cpu[k, i]; a3[i] = big[k, i]; a4[i] = mn[k, i]
            a5[i] = rwp[k, i]; a6[i] = blk[k, i]; a7[i] = wt[k, i]; a8[i] = es[k, i] }
        W[k] = median(a1, m); C[k] = median(a2, m); B[k] = median(a3, m); M[k] = median(a4, m)
        R[k] = median(a5, m); K[k] = median(a6, m); T[k] = median(a7, m); E[k] = median(a8, m)
    }
    for (o = 1; o <= nk; o++) {
        k = order[o]; split(k, p, " ")
        one = p[1] " " p[2] " 1"
        # Speedups: the median of the ratios of the rounds (a round runs -j 1
        # and -j N one after the other, under about the same load).
        xc = xw = ""
        if (p[3] != 1) {
            m = n[k] < n[one] ? n[k] : n[one]
            for (i = 1; i <= m; i++) { r1[i] = es[one, i] / es[k, i]; r2[i] = wall[one, i] / wall[k, i] }
            xc = sprintf("%.2fx", median(r1, m)); xw = sprintf("%.2fx", median(r2, m))
        }
        printf "%-8s %-9s %4s %8.3f %8.3f %8.3f %8.3f %6.1f%% %8.3f %7d %9.3f %8s %8s %7.1f\n", p[1], p[2], "-j" p[3],
            W[k], C[k], B[k], M[k], R[k], K[k], T[k], E[k], xc, xw, rss[k] / 1024
    }
}' "$LOG"
echo
echo "   medians of $RUNS runs; cpu: all threads; busiest: the thread with the most CPU; main: the main thread;"
echo "   r/w: CPU inside read(2) and write(2), of all; blocked: time threads waited for each other or for I/O;"
echo "   waits: voluntary context switches; est.: max(cpu / $JOBS, busiest), the wall time on $JOBS idle cores;"
echo "   x(cpu): -j 1's est. over this one's, x(wall): -j 1's wall time over this one's, each the median of the rounds' ratios"
echo "   (load at the end: $(uptime | sed 's/.*load average: //'))"
