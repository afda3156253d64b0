$AEO repl tests/golden/cli/example_tests.aeo --as-of 2021-06-01 < tests/golden/repl/example_facts.txt
