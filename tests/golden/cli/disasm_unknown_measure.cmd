$AEO disasm tests/golden/cli/small.aeo --measure M9
