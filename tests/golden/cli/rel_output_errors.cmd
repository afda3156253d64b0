# Every command and format, with stdout on a full disk and closed: exit 2
# and one message naming the real errno (lang/cli/out.c).  Only the
# "aeo:" lines of stderr are shown (diagnostics go to stderr and are not
# the point here).
C=tests/golden/cli/rel_out.aeo
F=tests/golden/cli/rel_out.jsonl
printf 'def  x=1\n' >"$SCRATCH/rel_fmt.aeo"
for cmd in "version" "help" "help --commands" "explain E0103" \
    "check $C --format text" "check $C --format json" "check $C --format sarif" "check $C --format github" \
    "list $C --format table" "list $C --format json" "list $C --format csv" \
    "test $C --format text" "test $C --format tap" "test $C --format junit" "test $C --coverage-json -" \
    "eval $C --facts $F --format jsonl" "eval $C --facts $F --format json" "eval $C --facts $F --format table" \
    "eval $C --facts $F --format csv" "eval $C --facts $F --summary" "eval $C --facts $F --explain" \
    "eval $C --facts $F --format jsonl -j 2" \
    "disasm $C" "parse $C" "fmt --diff $SCRATCH/rel_fmt.aeo" "repl $C"; do
  for to in full closed; do
    if [ $to = full ]; then
      echo 'M01' | $AEO $cmd >/dev/full 2>"$SCRATCH/err"
    else
      echo 'M01' | $AEO $cmd >&- 2>"$SCRATCH/err"
    fi
    echo "$cmd ($to): exit $?"
    grep '^aeo:' "$SCRATCH/err"
  done
done 2>&1 | sed "s#$SCRATCH#SCRATCH#g"
