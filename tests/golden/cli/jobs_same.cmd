# -j N writes what -j 1 writes, byte for byte, stdout and stderr and exit
# status, for every format: on the Shenyang population twice over (6,800
# records, many batches and input blocks) with bad records among them
# (a syntax error, a schema error, a record over two lines, blank lines),
# so that record numbers and the lines of errors are checked too; and on
# a catalog of 400 measures, whose records write 2.7 KB each in jsonl
# (26 KB in a table), so that
# batches are cut by their output and written in pieces.  Through a pipe
# too (-j 3), where batches end wherever the input pauses.
R=rules/shenyang
F=$SCRATCH/jobs.jsonl
awk 'NR % 1500 == 7 { print "{\"uscc\": 5}"; print ""; print "{\"uscc\": \"x\", oops}" }
     NR % 2000 == 11 { print "{\"uscc\":"; print "\"split\"}" }
     { print }' $R/enterprises.jsonl $R/enterprises.jsonl >"$F"
echo "$(wc -l <"$F") lines"
{ echo 'tier all = true'
  i=0
  while [ $i -lt 400 ]; do
    echo "measure G$i \"Generated measure number $i with a long title\" { tier: all  when: enterprise.trade_value_cny > $((i * 4000)) }"
    i=$((i + 1))
  done; } >"$SCRATCH/big.aeo"
same() {   # same WHAT ARGS...: -j 1 against -j 2, -j 3 and -j 8
  what=$1
  shift
  $AEO eval "$@" -j 1 >"$SCRATCH/j1.out" 2>"$SCRATCH/j1.err"
  rc1=$?
  for j in 2 3 8; do
    $AEO eval "$@" -j $j >"$SCRATCH/jn.out" 2>"$SCRATCH/jn.err"
    rc=$?
    if [ $rc -eq $rc1 ] && cmp -s "$SCRATCH/j1.out" "$SCRATCH/jn.out" && cmp -s "$SCRATCH/j1.err" "$SCRATCH/jn.err"
    then echo "$what -j $j: same as -j 1 (exit $rc, $(wc -l <"$SCRATCH/jn.out") lines, $(wc -c <"$SCRATCH/jn.out") bytes)"
    else echo "$what -j $j: DIFFERS from -j 1 (exit $rc1 / $rc)"
    fi
  done
}
for fmt in jsonl json csv table; do
  same "shenyang $fmt" $R --facts "$F" --as-of 2021-06-01 --format $fmt
done
same "shenyang --summary" $R --facts "$F" --as-of 2021-06-01 --summary
same "400 measures jsonl" $R/01_schema.aeo "$SCRATCH/big.aeo" --facts "$F" --as-of 2021-06-01 --format jsonl
head -n 300 "$F" >"$SCRATCH/head.jsonl"
same "400 measures table" $R/01_schema.aeo "$SCRATCH/big.aeo" --facts "$SCRATCH/head.jsonl" --as-of 2021-06-01 --format table
# The first error lines of the output, and the summary of stderr.
$AEO eval $R --facts "$F" --as-of 2021-06-01 --format jsonl -j 3 2>&1 | grep '"error"' | head -n 4
$AEO eval $R --facts "$F" --as-of 2021-06-01 --format jsonl -j 3 2>&1 >/dev/null
# From a pipe.
cat "$F" | $AEO eval $R --facts - --as-of 2021-06-01 --format jsonl -j 3 >"$SCRATCH/pipe.out" 2>&1
$AEO eval $R --facts "$F" --as-of 2021-06-01 --format jsonl >"$SCRATCH/file.out" 2>&1
cmp -s "$SCRATCH/pipe.out" "$SCRATCH/file.out" && echo "pipe -j 3: same as the file with -j 1"
