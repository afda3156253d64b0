$AEO eval rules/shenyang --facts tests/golden/eval/solve_shenyang.jsonl --as-of 2021-06-01 --format jsonl --suggest
