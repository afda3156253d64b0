$AEO eval tests/golden/check/unknown_field.aeo --facts tests/golden/cli/cat.jsonl --as-of 2021-06-01 --format jsonl
