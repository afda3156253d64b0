A=$(realpath "$AEO"); aeo() { "$A" "$@"; }; cd tests/golden/docs && aeo eval ../eval/solve_stranger.aeo --facts solve_suggest.jsonl --as-of 2021-06-01 --suggest
