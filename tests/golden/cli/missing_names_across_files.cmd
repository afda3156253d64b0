$AEO check tests/golden/cli/multi/00_schema.aeo tests/golden/cli/multi/10_measures.aeo
