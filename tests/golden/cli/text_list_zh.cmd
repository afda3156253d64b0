# aeo list --lang zh on the Shenyang catalog: titles, categories, confidences
# and units in Chinese, every column aligned by display width (checked by
# text_columns.py with Python's Unicode tables, not aeo's); then JSON's
# title and benefit, CSV's title.
$AEO list rules/shenyang --lang zh; $AEO list rules/shenyang --lang zh | python3 tests/golden/cli/text_columns.py 0 28; $AEO list rules/shenyang --lang zh --format json | grep '"id":"M1[45]"'; $AEO list rules/shenyang --lang zh --format csv | sed -n '1,3p'
