A=$(realpath "$AEO"); aeo() { "$A" "$@"; }; cd tests/golden/docs && aeo eval facts.aeo --facts facts.jsonl --as-of 2021-06-01 --format jsonl
