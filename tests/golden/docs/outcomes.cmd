A=$(realpath "$AEO"); aeo() { "$A" "$@"; }; cd tests/golden/docs && aeo eval outcomes.aeo --facts outcomes.jsonl --as-of 2021-06-01 --format table
