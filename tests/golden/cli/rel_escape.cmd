# ESC sequences, BEL and a C1 control (U+009B, CSI) in facts strings and in
# rule strings: every text output shows them escaped (\x1b, \x07, \u009b),
# never raw; JSON keeps its own \u001b escapes.  The whole output is passed
# through od -c's view of control bytes: none may appear.
C=tests/golden/cli/rel_escape.aeo
F=tests/golden/cli/rel_escape.jsonl
{
  echo "== eval --format table"
  $AEO eval $C --facts $F --as-of 2021-06-01 --format table
  echo "== eval --explain"
  $AEO eval $C --facts $F --as-of 2021-06-01 --explain --measure M01
  echo "== eval --summary"
  $AEO eval $C --facts $F --as-of 2021-06-01 --summary
  echo "== eval --format jsonl"
  $AEO eval $C --facts $F --as-of 2021-06-01 --format jsonl
  echo "== list"
  $AEO list $C
  echo "== test"
  $AEO test $C 2>/dev/null
  echo "== test --format tap"
  $AEO test $C --format tap 2>/dev/null
  echo "== repl"
  printf '%s\n' 'enterprise.name' '"a\u001b[2Jb\u009bc"' ':explain M01' | $AEO repl $C --facts $F --as-of 2021-06-01 2>/dev/null
} >"$SCRATCH/esc.out"
echo "exit $?"
cat "$SCRATCH/esc.out"
echo "== control bytes other than newline and tab in all of it: $(tr -d '\n\t' <"$SCRATCH/esc.out" | LC_ALL=C tr -cd '\000-\037\177' | wc -c)"
echo "== C1 bytes (UTF-8 c2 80..9f; only the one JSON keeps raw in record 2's key): $(od -An -tx1 -v "$SCRATCH/esc.out" | tr -s ' \n' '  ' | grep -o 'c2 [89][0-9a-f]' | wc -l)"
