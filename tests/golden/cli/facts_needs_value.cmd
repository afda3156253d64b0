$AEO eval tests/golden/cli/cat.aeo --facts
