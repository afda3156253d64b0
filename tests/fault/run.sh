#!/bin/sh
# Fault injection (issue 13, item 8): each command below runs once without
# faults, once counting its calls, then once per N with the Nth write, read,
# open or malloc failing (tests/fault/fault.c, preloaded).  Every faulty run
# must either behave exactly as the fault-free run (same exit status, same
# stdout: the fault was absorbed) or exit 2 with an "aeo: ..." message on
# stderr (the REPL script: 1 or 2, as a script whose command failed); a crash (a signal), another status, or the fault-free status with
# other output is a failure.  N runs over all calls of a kind, or over CAP
# of them evenly spread when there are more (bounded time).
#
#   AEO=build/aeo FAULT_SO=build/release/fault.so sh tests/fault/run.sh
#
# Prints one "ok"/"not ok" line per command and kind (the cases tests/run.sh
# counts), with the details of the first failing runs, and "skip" lines.
# Under MODE=asan tests/run.sh does not run it: the sanitizer's runtime
# must come first in the process and intercepts malloc, read and write
# itself, so the shim cannot be preloaded beside it.
: "${AEO:=build/aeo}" "${FAULT_SO:=build/release/fault.so}" "${CAP:=150}"
tmp=${TMPDIR:-/tmp}/aeo-fault.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
C=tests/golden/cli/rel_out.aeo
F=tests/golden/cli/rel_out.jsonl
printf 'M01\nenterprise.n + 1\n:measures\n' >"$tmp/script"

# name|arguments|stdin
cases="check|check $C|/dev/null
eval-jsonl|eval $C --facts $F --as-of 2021-06-01 --format jsonl|/dev/null
eval-jsonl-j2|eval $C --facts $F --as-of 2021-06-01 --format jsonl -j 2|/dev/null
eval-table|eval $C --facts $F --as-of 2021-06-01 --format table|/dev/null
test-junit|test $C --format junit|/dev/null
list|list $C|/dev/null
fmt-check|fmt --check $C|/dev/null
repl-script|repl $C --facts $F --as-of 2021-06-01|$tmp/script"

echo "$cases" | while IFS='|' read -r name args input; do
    # shellcheck disable=SC2086
    $AEO $args <"$input" >"$tmp/base.out" 2>"$tmp/base.err"
    base=$?
    AEO_FAULT_COUNT="$tmp/count" LD_PRELOAD="$FAULT_SO" $AEO $args <"$input" >/dev/null 2>&1
    for kind in write read open malloc; do
        total=$(awk -v k=$kind '$1 == k { print $2 }' "$tmp/count")
        [ -n "$total" ] || total=0
        bad=0
        runs=0
        : >"$tmp/why"
        for n in $(awk -v t="$total" -v cap="$CAP" 'BEGIN {
                if (t <= cap) { for (i = 1; i <= t; i++) print i }
                else { for (i = 0; i < cap; i++) print 1 + int(i * (t - 1) / (cap - 1)) } }' | uniq); do
            runs=$((runs + 1))
            AEO_FAULT=$kind:$n LD_PRELOAD="$FAULT_SO" $AEO $args <"$input" >"$tmp/out" 2>"$tmp/err"
            rc=$?
            if [ $rc -eq $base ] && cmp -s "$tmp/out" "$tmp/base.out"; then continue; fi
            if [ $rc -eq 2 ] && grep -q '^aeo: ' "$tmp/err"; then continue; fi
            # A REPL script goes on after a failed command (its message),
            # and exits 1 at the end: that is a reported failure too.
            if [ $name = repl-script ] && [ $rc -eq 1 ] && grep -q '^aeo: ' "$tmp/err"; then continue; fi
            bad=$((bad + 1))
            if [ $bad -le 3 ]; then
                {
                    echo "  $kind:$n: exit $rc (fault-free: $base)"
                    head -3 "$tmp/err" | sed 's/^/    stderr: /'
                } >>"$tmp/why"
            fi
        done
        if [ $bad -eq 0 ]; then
            echo "ok $name $kind ($runs runs of $total calls)"
        else
            echo "not ok $name $kind ($bad of $runs runs failed)"
            cat "$tmp/why"
        fi
    done
done
