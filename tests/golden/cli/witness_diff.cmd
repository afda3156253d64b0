$AEO diff tests/golden/cli/witness_old.aeo tests/golden/cli/witness_new.aeo --witness --as-of 2021-06-01
