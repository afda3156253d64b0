$AEO why rules/shenyang --facts tests/golden/cli/why_shenyang.jsonl --as-of 2021-06-01 --format html --record 3-5 --lang zh
