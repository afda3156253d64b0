$AEO why rules/shenyang --facts tests/golden/cli/why_shenyang.jsonl --as-of 2021-06-01 --format json
