$AEO disasm tests/golden/cli/func_disasm.aeo
