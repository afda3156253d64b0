$AEO eval tests/golden/eval/solve2_lists.aeo --facts tests/golden/eval/solve2_lists.jsonl --as-of 2021-06-01 --format jsonl --suggest
