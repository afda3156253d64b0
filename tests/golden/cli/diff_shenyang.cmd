$AEO diff rules/shenyang --facts rules/shenyang/enterprises.jsonl --as-of 2021-10-31 --as-of 2021-11-01 --format json
