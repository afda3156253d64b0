A=$(realpath "$AEO"); aeo() { "$A" "$@"; }; cd tests/golden/docs && sed -n 3p valued.jsonl | aeo eval valued.aeo --facts - --as-of 2021-06-01 --explain
