$AEO check --bogus tests/golden/cli/cat.aeo
