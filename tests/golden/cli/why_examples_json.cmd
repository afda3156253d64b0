$AEO why rules/examples --facts rules/examples/enterprises.jsonl --as-of 2021-06-01 --format json
