$AEO repl < tests/golden/repl/fmt_cel.txt
