A=$(realpath "$AEO"); aeo() { "$A" "$@"; }; cd tests/golden/docs && aeo diff ../cli/diff_old.aeo ../cli/diff_new.aeo --facts ../cli/diff.jsonl --as-of 2021-06-01 --format markdown
