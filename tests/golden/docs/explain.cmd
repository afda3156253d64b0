A=$(realpath "$AEO"); aeo() { "$A" "$@"; }; cd tests/golden/docs && sed -n 2,3p outcomes.jsonl | aeo eval outcomes.aeo --facts - --as-of 2021-06-01 --explain --measure M01
