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
# aeo installs its handlers as it starts; a signal sent before would find
# SIGINT ignored (it is, in a background job) and be lost, and the endless
# producer would keep the run going.  So each signal waits until aeo has
# written [$1] lines (it is in its record loop), at most 60 s.
ready() {
  i=0
  while [ "$(wc -l <"$SCRATCH/sig.out")" -lt "$1" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
}
# Sends signal $1 to $pid and waits for it; a run that has not stopped 30 s
# later is killed, so the test fails (exit 137) rather than hangs.  The
# waiting producer is released at once: `wait` waits for the whole pipeline.
stop() {
  kill -$1 $pid
  touch "$SCRATCH/done"
  ( sleep 30; kill -9 $pid 2>/dev/null ) &
  dog=$!
  wait $pid
  rc=$?
  kill $dog 2>/dev/null
  return $rc
}
# A producer that sends the population once and then waits (for input
# that never comes) until the test says it is done.
waiting() {
  rm -f "$SCRATCH/done"
  cat $R/enterprises.jsonl
  while [ ! -f "$SCRATCH/done" ]; do sleep 0.1; done
}
for run in 1 2 3; do
  for j in 1 2; do
    for sig in INT TERM; do
      : >"$SCRATCH/sig.out"
      while :; do cat $R/enterprises.jsonl || exit; done |
        $AEO eval $R --facts - --as-of 2021-06-01 --format jsonl -j $j >"$SCRATCH/sig.out" 2>"$SCRATCH/sig.err" &
      pid=$!
      ready 1
      sleep 0.$(awk -v s="$$$run$j" 'BEGIN { srand(s); print int(1 + rand() * 5) }')
      stop $sig
      check $? "run $run -j $j SIG$sig"
    done
  done
done
for j in 1 2; do
  : >"$SCRATCH/sig.out"
  waiting |
    $AEO eval $R --facts - --as-of 2021-06-01 --format jsonl -j $j >"$SCRATCH/sig.out" 2>"$SCRATCH/sig.err" &
  pid=$!
  ready 3400
  stop INT
  check $? "waiting for input -j $j"
  echo "  $(wc -l <"$SCRATCH/sig.out") lines"
done
# --format json: the array is closed, so the output stays one JSON value.
: >"$SCRATCH/sig.out"
waiting |
  $AEO eval $R --facts - --as-of 2021-06-01 --format json >"$SCRATCH/sig.out" 2>"$SCRATCH/sig.err" &
pid=$!
ready 3400
stop INT
echo "json: exit $?, $(grep -c '"record":' "$SCRATCH/sig.out") records, last line '$(tail -1 "$SCRATCH/sig.out")'"
cat "$SCRATCH/sig.err"
