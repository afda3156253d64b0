#!/bin/sh
# What two cores give two independent programs on this machine, beside
# what they give `aeo eval -j 2` (tests/bench/README.md, "-j 2 and the
# machine's two cores"):
#
#   sh tests/bench/twoprocs.sh AEO FACTS ROUNDS PATH...
#
# Each round times, in turn: two `aeo eval` processes at once, each on
# half of FACTS; one `aeo eval -j 2` on all of it; one `aeo eval` on all of
# it.  It prints each round's speedups over the one process and their
# medians.  Wall times, so run it on a machine with nothing else running.
LC_ALL=C
export LC_ALL
[ $# -ge 4 ] || { echo "usage: twoprocs.sh AEO FACTS ROUNDS PATH..." >&2; exit 2; }
AEO=$1 FACTS=$2 ROUNDS=$3
shift 3
TMP=${TMPDIR:-/tmp}/twoprocs.$$
mkdir -p "$TMP" || exit 2
trap 'rm -rf "$TMP"' EXIT
n=$(wc -l <"$FACTS")
half=$((n / 2))
head -n "$half" "$FACTS" >"$TMP/a.jsonl"
tail -n +"$((half + 1))" "$FACTS" >"$TMP/b.jsonl"
now() { date +%s.%N; }
ev() { "$AEO" eval "$@" --format jsonl --as-of 2021-06-01; }
r=0
while [ "$r" -lt "$ROUNDS" ]; do
    s=$(now)
    ev "$@" --facts "$TMP/a.jsonl" >"$TMP/oa" &
    p=$!
    ev "$@" --facts "$TMP/b.jsonl" >"$TMP/ob"
    wait "$p"
    t2=$(now)
    ev "$@" --facts "$FACTS" -j 2 >"$TMP/oj"
    tj=$(now)
    ev "$@" --facts "$FACTS" >"$TMP/o1"
    t1=$(now)
    cat "$TMP/oa" "$TMP/ob" | sed 's/^{"record":[0-9]*,//' >"$TMP/halves"
    sed 's/^{"record":[0-9]*,//' "$TMP/o1" >"$TMP/whole"
    cmp -s "$TMP/halves" "$TMP/whole" && cmp -s "$TMP/oj" "$TMP/o1" || { echo "twoprocs: outputs differ" >&2; exit 1; }
    echo "$s $t2 $tj $t1" | awk '{ two = $2 - $1; j2 = $3 - $2; one = $4 - $3;
        printf "one %.3f s   two processes %.3f s (%.2fx)   -j 2 %.3f s (%.2fx)\n", one, two, one / two, j2, one / j2 }'
    r=$((r + 1))
done | tee "$TMP/rounds"
awk '{ a[NR] = substr($8, 2) + 0; b[NR] = substr($13, 2) + 0 }
     function med(x, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
                                     return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2 }
     END { printf "medians of %d rounds: two processes %.2fx, -j 2 %.2fx\n", NR, med(a, NR), med(b, NR) }' "$TMP/rounds"
