# Every measure; two of them alone (the path for a --measure list); and
# with --explain (evaluated without gates), the outcome lines only.
$AEO eval tests/golden/eval/mscope_gates.aeo --facts tests/golden/eval/mscope_gates.jsonl --format jsonl
echo "[exit $?]"
$AEO eval tests/golden/eval/mscope_gates.aeo --facts tests/golden/eval/mscope_gates.jsonl --format jsonl --measure S5 --measure S2
echo "[exit $?]"
$AEO eval tests/golden/eval/mscope_gates.aeo --facts tests/golden/eval/mscope_gates.jsonl --explain 2>&1 | grep -E '^(S[0-9]|record|aeo)'
