$AEO disasm tests/golden/docs/valued.aeo --measure M01
