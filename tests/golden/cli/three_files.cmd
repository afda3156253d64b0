$AEO check tests/golden/cli/multi/sub/20_more.aeo tests/golden/cli/multi/10_measures.aeo tests/golden/cli/multi/00_schema.aeo
