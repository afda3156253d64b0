# rel_streaming and rel_signal_boundary with more threads than records in
# flight: each answer is written while the input is still open (a record
# is sent only once the answer to the one before has arrived, waiting up to
# 5 s), and SIGINT/SIGTERM on an endless producer end at a record boundary
# with the count of the records written.
C=tests/golden/cli/rel_out.aeo
out=$SCRATCH/stream.out
log=$SCRATCH/stream.log
for j in 3 8; do
  : >"$out"
  : >"$log"
  { for i in 1 2 3 4; do
      echo "{\"uscc\":\"U$i\",\"n\":$((i - 2))}"
      t=0
      while [ "$(wc -l <"$out")" -lt $i ] && [ $t -lt 50 ]; do sleep 0.1; t=$((t + 1)); done
      if [ "$(wc -l <"$out")" -ge $i ]; then echo "record $i: answered before the input went on" >>"$log"
      else echo "record $i: no answer after 5 s" >>"$log"; fi
    done; } | $AEO eval $C --facts - --as-of 2021-06-01 --format jsonl -j $j >"$out"
  echo "-j $j: exit $?"
  cat "$log" "$out"
done
R=rules/shenyang
for j in 3 8; do
  for sig in INT TERM; do
    : >"$SCRATCH/sig.out"
    while :; do cat $R/enterprises.jsonl || exit; done |
      $AEO eval $R --facts - --as-of 2021-06-01 --format jsonl -j $j >"$SCRATCH/sig.out" 2>"$SCRATCH/sig.err" &
    pid=$!
    i=0
    while [ "$(wc -l <"$SCRATCH/sig.out")" -lt 1 ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
    sleep 0.3
    kill -$sig $pid
    ( sleep 30; kill -9 $pid 2>/dev/null ) &
    dog=$!
    wait $pid
    rc=$?
    kill $dog 2>/dev/null
    awk -v rc=$rc -v what="-j $j SIG$sig" -v msgfile="$SCRATCH/sig.err" '
      !/^\{"record":[0-9]+,.*\}$/ { bad++ }
      { n = $0; sub(/^\{"record":/, "", n); sub(/,.*/, "", n); if (n + 0 != NR) bad++ }
      END {
        getline msg < msgfile
        want = "aeo: interrupted after " NR " record" (NR == 1 ? "" : "s")
        print what ": exit " rc ", " (bad ? bad " bad lines" : "whole records") ", " \
          (msg == want ? "count matches" : "message: " msg " (" NR " lines)")
      }' "$SCRATCH/sig.out"
  done
done
