$AEO diff tests/golden/cli/diff_old.aeo tests/golden/cli/diff_new.aeo --facts tests/golden/cli/diff.jsonl --as-of 2021-06-01 --format json --fail-on-change
