# Every measure; two of them alone (the path for a --measure list); and
# with --explain (evaluated without gates), the outcome lines only.
$AEO eval tests/golden/eval/gates.aeo --facts tests/golden/eval/gates.jsonl --format jsonl
echo "[exit $?]"
$AEO eval tests/golden/eval/gates.aeo --facts tests/golden/eval/gates.jsonl --format jsonl --measure G5 --measure G1
echo "[exit $?]"
$AEO eval tests/golden/eval/gates.aeo --facts tests/golden/eval/gates.jsonl --explain 2>&1 | grep -E '^(G[0-9]|record|aeo)'
