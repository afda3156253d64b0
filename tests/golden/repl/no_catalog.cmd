$AEO repl --as-of 2021-06-01 < tests/golden/repl/no_catalog.txt
