$AEO eval tests/golden/eval/func_calls.aeo --facts tests/golden/eval/func_calls.jsonl --as-of 2021-06-01 --explain --format table --measure M01 --measure M02
