# aeo eval --summary --lang zh: the titles and the outcome words (适用, 不适用,
# 待定, 错误) in Chinese; the ID and title columns start, and the count
# columns end, at the same display column in every row (text_columns.py).
$AEO eval rules/shenyang --facts rules/shenyang/enterprises.jsonl --as-of 2021-06-01 --summary --lang zh; $AEO eval rules/shenyang --facts rules/shenyang/enterprises.jsonl --as-of 2021-06-01 --summary --lang zh | python3 tests/golden/cli/text_columns.py 1 28 2,3,4,5
