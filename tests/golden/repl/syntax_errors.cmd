$AEO repl rules/examples --as-of 2021-06-01 < tests/golden/repl/syntax_errors.txt
