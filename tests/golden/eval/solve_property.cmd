python3 tests/golden/eval/solve_property.py "$AEO"
