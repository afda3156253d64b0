$AEO eval tests/golden/eval/solve3_strings.aeo --facts tests/golden/eval/solve3_strings.jsonl --as-of 2021-06-01 --format jsonl --suggest
