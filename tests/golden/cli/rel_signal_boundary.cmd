# SIGINT and SIGTERM at a random moment of a large eval (an endless
# producer on a pipe), with one thread and with -j 2: the output holds only
# whole JSONL records, numbered 1..N in order, the message on stderr says
# N, and the exit status is 130 (SIGINT) or 143 (SIGTERM).  Then a producer
# that has sent everything and waits: the signal ends the wait at once.
R=rules/shenyang
check() {
  awk -v rc=$1 -v what="$2" -v msgfile="$SCRATCH/sig.err" '
    !/^\{"record":[0-9]+,.*\}$/ { bad++ }
    { n = $0; sub(/^\{"record":/, "", n); sub(/,.*/, "", n); if (n + 0 != NR) bad++ }
    END {
      getline msg < msgfile
      want = "aeo: interrupted after " NR " record" (NR == 1 ? "" : "s")
      print what ": exit " rc ", " (bad ? bad " bad lines" : "whole records") ", " \
        (msg == want ? "count matches" : "message: " msg " (" NR " lines)")
    }' "$SCRATCH/sig.out"
}
for run in 1 2 3; do
  for j in 1 2; do
    for sig in INT TERM; do
      while :; do cat $R/enterprises.jsonl || exit; done |
        $AEO eval $R --facts - --as-of 2021-06-01 --format jsonl -j $j >"$SCRATCH/sig.out" 2>"$SCRATCH/sig.err" &
      pid=$!
      sleep 0.$(awk -v s="$$$run$j" 'BEGIN { srand(s); print int(1 + rand() * 5) }')
      kill -$sig $pid
      wait $pid
      check $? "run $run -j $j SIG$sig"
    done
  done
done
for j in 1 2; do
  { cat $R/enterprises.jsonl; sleep 2; } |
    $AEO eval $R --facts - --as-of 2021-06-01 --format jsonl -j $j >"$SCRATCH/sig.out" 2>"$SCRATCH/sig.err" &
  pid=$!
  sleep 1
  kill -INT $pid
  wait $pid
  check $? "waiting for input -j $j"
  echo "  $(wc -l <"$SCRATCH/sig.out") lines"
done
# --format json: the array is closed, so the output stays one JSON value.
{ cat $R/enterprises.jsonl; sleep 2; } |
  $AEO eval $R --facts - --as-of 2021-06-01 --format json >"$SCRATCH/sig.out" 2>"$SCRATCH/sig.err" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
echo "json: exit $?, $(grep -c '"record":' "$SCRATCH/sig.out") records, last line '$(tail -1 "$SCRATCH/sig.out")'"
cat "$SCRATCH/sig.err"
