$AEO repl rules/shenyang --as-of 2021-06-01 < tests/golden/repl/repl_why.txt
