echo '{"credit": "general", "n": 1}' | $AEO eval tests/golden/check/valued_lints.aeo --facts - --as-of 2021-06-01 --explain --measure M01 --measure M02
