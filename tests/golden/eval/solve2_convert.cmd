$AEO eval tests/golden/eval/solve2_convert.aeo --facts tests/golden/eval/solve2_convert.jsonl --as-of 2021-06-01 --format jsonl --suggest
