$AEO repl tests/golden/repl/fixtures/broken.aeo --as-of 2021-06-01 < tests/golden/repl/startup_errors.txt
