$AEO repl tests/golden/cli/text_demo --facts tests/golden/cli/text_demo.jsonl --as-of 2021-06-01 < tests/golden/repl/text_lang.txt; $AEO repl tests/golden/cli/text_demo --as-of 2021-06-01 --lang zh <<'X'
:measures
X
