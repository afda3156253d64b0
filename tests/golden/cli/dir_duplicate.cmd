$AEO check tests/golden/cli/dup
