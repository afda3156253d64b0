$AEO test tests/golden/cli/solve2_tests.aeo --suggest --as-of 2021-06-01
