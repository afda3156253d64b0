$AEO eval tests/golden/cli/cat.aeo --facts tests/golden/cli/cat.jsonl --as-of 2021-02-30 --format jsonl
