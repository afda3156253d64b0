$AEO repl rules/examples --as-of 2021-06-01 < tests/golden/repl/repl_why_record.txt
