$AEO check --max-errors 2 tests/golden/check/unknown_name.aeo
