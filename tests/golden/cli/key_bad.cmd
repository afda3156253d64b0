$AEO eval tests/golden/cli/cat.aeo --facts tests/golden/cli/cat.jsonl --as-of 2021-06-01 --format jsonl --key enterprise.nme
