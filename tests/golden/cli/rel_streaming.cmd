# A slow producer on a pipe: each record is sent only once the answer to
# the one before has arrived (waiting up to 5 s for it), so the order of
# events, not a timing, shows that aeo eval writes each answer while the
# input is still open, with one thread and with -j 2.
C=tests/golden/cli/rel_out.aeo
out=$SCRATCH/stream.out
log=$SCRATCH/stream.log
for j in 1 2; do
  : >"$out"
  : >"$log"
  { for i in 1 2 3; do
      echo "{\"uscc\":\"U$i\",\"n\":$((i - 2))}"
      t=0
      while [ "$(wc -l <"$out")" -lt $i ] && [ $t -lt 50 ]; do sleep 0.1; t=$((t + 1)); done
      if [ "$(wc -l <"$out")" -ge $i ]; then echo "record $i: answered before the input went on" >>"$log"
      else echo "record $i: no answer after 5 s" >>"$log"; fi
    done; } | $AEO eval $C --facts - --as-of 2021-06-01 --format jsonl -j $j >"$out"
  echo "-j $j: exit $?"
  cat "$log" "$out"
done
