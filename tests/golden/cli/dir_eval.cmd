$AEO eval tests/golden/cli/multi --facts tests/golden/cli/multi.jsonl --as-of 2021-06-01 --format jsonl
