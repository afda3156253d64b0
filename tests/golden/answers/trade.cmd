python3 tests/answers/check.py "$AEO" tests/answers/trade.aeo tests/answers/records.jsonl 2021-06-01 30
