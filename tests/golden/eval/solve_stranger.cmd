$AEO eval tests/golden/eval/solve_stranger.aeo --facts tests/golden/eval/solve_stranger.jsonl --as-of 2021-06-01 --format jsonl --suggest
