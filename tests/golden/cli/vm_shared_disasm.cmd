$AEO disasm tests/golden/eval/vm_shared.aeo
