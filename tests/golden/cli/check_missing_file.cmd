$AEO check tests/golden/cli/does-not-exist.aeo
