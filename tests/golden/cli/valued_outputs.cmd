# Valued measures in every output: json (values after applies), csv (the
# value column), the table (value and unit), the list of measures in its
# three formats, and a bad record in csv (its value column empty).
$AEO eval tests/golden/docs/valued.aeo --facts tests/golden/docs/valued.jsonl --as-of 2021-06-01 --format json
echo "[exit $?]"
printf '{"credit": "general", "trades": true}\n{"credit": 3}\n' | $AEO eval tests/golden/docs/valued.aeo --facts - --as-of 2021-06-01 --format csv
echo "[exit $?]"
$AEO list tests/golden/eval/valued_types.aeo
echo "[exit $?]"
$AEO list tests/golden/eval/valued_types.aeo --format json
echo "[exit $?]"
$AEO list tests/golden/docs/valued.aeo --format csv
echo "[exit $?]"
$AEO test tests/golden/docs/valued_tests.aeo --coverage
