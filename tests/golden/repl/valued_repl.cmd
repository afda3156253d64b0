$AEO repl tests/golden/docs/valued.aeo --as-of 2021-06-01 < tests/golden/repl/valued_repl.txt
