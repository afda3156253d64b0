timeout 60 $AEO repl rules/examples --as-of 2021-06-01 < tests/golden/repl/rel_facts_bound.txt
