# A language the catalog has no text in is a usage error naming those it has
# (the base language first); a catalog without texts has none.
d=tests/golden/cli/text_demo; $AEO list $d --lang fr; echo "exit $?"; $AEO eval $d --facts tests/golden/cli/text_demo.jsonl --lang fr; echo "exit $?"; $AEO repl $d --lang fr </dev/null; echo "exit $?"; $AEO list rules/examples --lang zh; echo "exit $?"; $AEO list $d --lang; echo "exit $?"
