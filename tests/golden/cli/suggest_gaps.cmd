$AEO test tests/golden/cli/suggest_gaps.aeo --suggest --as-of 2021-06-01
