for f in json csv jsonl table; do echo "== $f"; $AEO eval tests/golden/cli/cat.aeo --facts tests/golden/cli/empty.jsonl --format $f; echo "exit $?"; done
