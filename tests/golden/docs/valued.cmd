A=$(realpath "$AEO"); aeo() { "$A" "$@"; }; cd tests/golden/docs && aeo eval valued.aeo --facts valued.jsonl --as-of 2021-06-01 --format jsonl
