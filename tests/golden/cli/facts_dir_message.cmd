$AEO eval tests/golden/cli/cat.aeo --facts tests/golden/cli --format jsonl
