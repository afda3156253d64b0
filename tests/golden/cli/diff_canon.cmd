AEO_DIFF_CANON=1 $AEO diff tests/golden/cli/diff_meaning_old.aeo tests/golden/cli/diff_meaning_new.aeo --facts /dev/null --format json 2>&1 >/dev/null
