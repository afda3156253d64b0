$AEO disasm tests/golden/cli/small.aeo
