$AEO eval tests/golden/eval/refs.aeo --facts tests/golden/eval/refs.jsonl --as-of 2021-06-01 --format jsonl --measure M2 --measure M9
