$AEO eval tests/golden/cli/cat.aeo --facts - --as-of 2021-06-01 --format jsonl < tests/golden/cli/array.json
