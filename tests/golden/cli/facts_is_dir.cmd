$AEO eval tests/golden/cli/cat.aeo --facts tests/golden/cli --format jsonl >/dev/null 2>&1; echo "exit status $?"
