$AEO eval tests/golden/eval/solve2_matches.aeo --facts tests/golden/eval/solve2_matches.jsonl --as-of 2021-06-01 --format jsonl --suggest
