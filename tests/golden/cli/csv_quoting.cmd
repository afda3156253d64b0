$AEO eval tests/golden/cli/csv_quoting.aeo --facts tests/golden/cli/csv_quoting.jsonl --as-of 2021-06-01 --format csv
