A=$(realpath "$AEO"); aeo() { "$A" "$@"; }; cd tests/golden/docs && aeo eval mscope.aeo --facts mscope.jsonl --as-of 2021-06-01 --format jsonl
