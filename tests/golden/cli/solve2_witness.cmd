$AEO diff tests/golden/cli/solve2_witness_old.aeo tests/golden/cli/solve2_witness_new.aeo --witness --as-of 2021-06-01
