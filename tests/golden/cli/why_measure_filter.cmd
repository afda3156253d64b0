$AEO why rules/shenyang --facts tests/golden/cli/why_shenyang.jsonl --as-of 2021-06-01 --record 1-3 --measure M14 --measure M01 --measure M09
