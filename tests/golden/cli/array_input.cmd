$AEO eval tests/golden/cli/cat.aeo --facts tests/golden/cli/array.json --as-of 2021-06-01 --format jsonl
