$AEO repl tests/golden/eval/default_eval.aeo --as-of 2021-06-01 < tests/golden/repl/default_repl.txt
