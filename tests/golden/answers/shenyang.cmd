"$GEN" -n 30 -s 14 > "$SCRATCH/answers_shenyang.jsonl" && python3 tests/answers/check.py "$AEO" rules/shenyang "$SCRATCH/answers_shenyang.jsonl" 2021-06-01
